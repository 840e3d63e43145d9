// The sandbox's Open API raw_data (seed 003 获取设备的通信日志和上下线记录), checked against the seed's shapes and
// limits: the communication log (dev2app reports, app2dev controls with uid/appid/source) and the online/offline
// log, the time range (start < t ≤ end, end ≤ now, under 48 hours), paging (limit ≤ 1000, skip + limit ≤ 5000),
// sort, and the binding check.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { body, FIRST_USER, json, LIVING_ROOM_AC, SECOND_USERS_AC, startTestSandbox } from '../support/backend'

let sandbox: Sandbox
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }
const call = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { ...app, 'X-Gizwits-User-token': token } })
const control = (path: string, payload: unknown) => fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
/** Moves the sandbox's clock on, so a window ending at a whole second after now covers what just happened. */
async function later(): Promise<number> {
  return ((await (await control('/sandbox/clock', { advance_s: 2 })).json()) as { now: number }).now
}

interface RawAnswer { meta: Record<string, unknown>; objects: Array<Record<string, unknown>> }

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

async function user(): Promise<UserToken> {
  return json<UserToken>(await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: FIRST_USER }) }))
}

describe('GET /app/devices/{did}/raw_data', () => {
  test('should log reports as dev2app and controls as app2dev with uid, appid and source, in the seed example shape', async () => {
    const { token, uid } = await user()
    const start = Math.floor(Date.now() / 1000) - 5
    await control(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: { set_temp: 24 } })
    expect((await call(token, `/app/control/${LIVING_ROOM_AC}`, { method: 'POST', body: JSON.stringify({ attrs: { set_temp: 25 } }) })).status).toBe(200)
    // The control is applied and reported back (a second dev2app) after the device's delay.
    let answer: RawAnswer = { meta: {}, objects: [] }
    for (let attempt = 0; attempt < 50 && answer.objects.length < 3; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      answer = await json<RawAnswer>(await call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?type=cmd&start_time=${start}&end_time=${await later()}`))
    }
    expect(answer.meta).toEqual({ sort: 'desc', limit: 20, end_time: expect.any(Number), did: LIVING_ROOM_AC, skip: 0, start_time: start, total: 3, type: 'cmd' })
    const [reportBack, sent, reported] = answer.objects
    expect(reported).toEqual({ ip: expect.any(String), payload_bin: expect.stringMatching(/^00000003[0-9a-f]+$/), type: 'dev2app', timestamp: expect.any(Number) })
    expect(sent).toEqual({ uid, appid: DEMO_GIZWITS_APP_ID, ip: expect.any(String), payload_bin: expect.stringMatching(/^00000003[0-9a-f]*0090/), source: 'client', type: 'app2dev', timestamp: expect.any(Number) })
    expect(reportBack.type).toBe('dev2app')
    expect(reportBack.timestamp as number).toBeGreaterThanOrEqual(sent.timestamp as number)
  })

  test('should log online and offline changes under type=online', async () => {
    const { token } = await user()
    const start = Math.floor(Date.now() / 1000) - 5
    await control(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: false })
    await control(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: true })
    const answer = await json<RawAnswer>(await call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?type=online&start_time=${start}&end_time=${await later()}&sort=ase`))
    expect(answer.meta).toMatchObject({ sort: 'asc', type: 'online', total: 2 })
    expect(answer.objects.map((row) => row.type)).toEqual(['dev_offline', 'dev_online'])
  })

  test('should page with skip and limit and count the whole range in total', async () => {
    const { token } = await user()
    const start = Math.floor(Date.now() / 1000) - 5
    for (let value = 16; value < 23; value++) await control(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: { set_temp: value } })
    const end = await later()
    const first = await json<RawAnswer>(await call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?type=cmd&start_time=${start}&end_time=${end}&skip=0&limit=3&sort=asc`))
    const second = await json<RawAnswer>(await call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?type=cmd&start_time=${start}&end_time=${end}&skip=3&limit=3&sort=asc`))
    const last = await json<RawAnswer>(await call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?type=cmd&start_time=${start}&end_time=${end}&skip=6&limit=3&sort=asc`))
    expect([first.meta.total, second.meta.total, last.meta.total]).toEqual([7, 7, 7])
    expect([first.objects.length, second.objects.length, last.objects.length]).toEqual([3, 3, 1])
    const times = [...first.objects, ...second.objects, ...last.objects].map((row) => row.timestamp as number)
    expect(times).toEqual([...times].sort((a, b) => a - b))
  })

  test('should keep to the time range: rows after start up to end, end not after now, under 48 hours', async () => {
    const { token } = await user()
    await control(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: { set_temp: 21 } })
    const now = await later()
    const rawData = (query: string) => call(token, `/app/devices/${LIVING_ROOM_AC}/raw_data?${query}`)
    // A window that ends before the report has none of it.
    expect((await json<RawAnswer>(await rawData(`type=cmd&start_time=${now - 3600}&end_time=${now - 60}`))).meta.total).toBe(0)
    const refused = [
      `type=cmd&start_time=${now - 10}&end_time=${now + 3600}`,
      `type=cmd&start_time=${now - 10}&end_time=${now - 10}`,
      `type=cmd&start_time=${now - 48 * 3600}&end_time=${now}`,
      `type=cmd&start_time=${now - 10}`,
      `type=log&start_time=${now - 10}&end_time=${now}`,
      `type=cmd&start_time=${now - 10}&end_time=${now}&limit=1001`,
      `type=cmd&start_time=${now - 10}&end_time=${now}&skip=4500&limit=501`,
      `type=cmd&start_time=${now - 10}&end_time=${now}&sort=up`,
    ]
    for (const query of refused) {
      const answer = await rawData(query)
      expect(answer.status, query).toBe(400)
      expect(await body(answer), query).toMatchObject({ error_code: 9015, error_message: 'form invalid!' })
    }
    expect((await rawData(`type=cmd&start_time=${now - 48 * 3600 + 1}&end_time=${now}&skip=4000&limit=1000`)).status).toBe(200)
  })

  test('should refuse a device the user is not bound to (9017) and an unknown one (9014)', async () => {
    const { token } = await user()
    const now = Math.floor(Date.now() / 1000)
    expect(await body(await call(token, `/app/devices/${SECOND_USERS_AC}/raw_data?type=cmd&start_time=${now - 60}&end_time=${now}`))).toMatchObject({ error_code: 9017 })
    expect(await body(await call(token, `/app/devices/NoSuchDevice000000000/raw_data?type=cmd&start_time=${now - 60}&end_time=${now}`))).toMatchObject({ error_code: 9014 })
  })
})
