// Schedules through the BFF: what it forwards to the cloud (the sandbox), what it refuses itself (a guest changing
// a shared device's schedules, values the datapoint definition does not allow, a one-shot in the past), and what
// users are told, in their language.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Scheduler, SchedulerLogs, SharingCreated } from '@shared/open-api'
import { FIRST_USER, LIVING_ROOM_AC, SECOND_USER, body, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
const cookies: Record<string, string> = {}

beforeAll(async () => {
  backend = await startBackend()
  for (const user of [FIRST_USER, SECOND_USER]) cookies[user] = await loginThroughSandbox(backend.bffUrl, user)
  // The second user joins the owner's air conditioner as a guest, through a QR share.
  const created = await as(FIRST_USER)('/api/app/sharing', { method: 'POST', json: { type: 1, did: LIVING_ROOM_AC } })
  const code = (await json<SharingCreated>(created)).qr_content!.split('code=')[1]
  expect((await as(SECOND_USER)(`/api/app/sharing/code/${code}`, { method: 'POST' })).status).toBe(201)
})
afterAll(async () => {
  await backend.close()
})

const as = (user: string) => (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${backend.bffUrl}${path}`, {
    ...init,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    headers: { cookie: cookies[user], origin: backend.bffUrl, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) },
  })
const owner = as(FIRST_USER)
const guest = as(SECOND_USER)
const path = `/api/app/devices/${LIVING_ROOM_AC}/scheduler`
const weekly = { time: '23:00', repeat: 'sun,mon', attrs: { switch: true, set_temp: 24, mode: '制冷' }, remark: '每天 7:00 开空调' }

describe('schedules through the BFF', () => {
  test('should create, list, change and delete a schedule for the owner, as the cloud stores it', async () => {
    const created = await owner(path, { method: 'POST', json: weekly })
    expect(created.status).toBe(201)
    const { id } = await json<{ id: string }>(created)
    expect(await json<Scheduler[]>(await owner(path))).toMatchObject([{ id, ...weekly, enabled: true }])
    expect((await owner(`${path}/${id}`, { method: 'PUT', json: { ...weekly, enabled: false } })).status).toBe(200)
    expect((await json<Scheduler[]>(await owner(path)))[0]!.enabled).toBe(false)
    expect(await json<SchedulerLogs>(await owner(`${path}/${id}/logs`))).toEqual({ logs: [] })
    expect((await owner(`${path}/${id}`, { method: 'DELETE' })).status).toBe(200)
    expect(await json<Scheduler[]>(await owner(path))).toEqual([])
    const gone = await owner(`${path}/${id}`, { method: 'DELETE' })
    expect(gone.status).toBe(404)
    expect((await body(gone)).message).toBe('找不到这个定时，它可能已经被删除了')
  })

  test('should let a guest see a shared device\'s schedules but not create, change or delete them', async () => {
    const { id } = await json<{ id: string }>(await owner(path, { method: 'POST', json: weekly }))
    expect(await json<Scheduler[]>(await guest(path))).toMatchObject([{ id }])
    const refusals = [
      await guest(path, { method: 'POST', json: weekly }),
      await guest(`${path}/${id}`, { method: 'PUT', json: { ...weekly, enabled: false } }),
      await guest(`${path}/${id}`, { method: 'DELETE' }),
      await guest('/api/app/common_scheduler', { method: 'POST', json: { ...weekly, did: LIVING_ROOM_AC } }),
    ]
    for (const refused of refusals) {
      expect(refused.status).toBe(403)
      expect((await body(refused)).message).toBe('分享来的设备可以查看定时，但只有设备主人可以新建、修改或删除定时')
    }
    const english = await guest(path, { method: 'POST', json: weekly, headers: { 'accept-language': 'en' } })
    expect((await body(english)).message).toBe('On a shared device you can see schedules, but only the owner can create, change or delete them')
    expect(await json<Scheduler[]>(await owner(path))).toMatchObject([{ id, enabled: true }])
    await owner(`${path}/${id}`, { method: 'DELETE' })
  })

  test('should refuse, when saved, values a single control would refuse, with the same words', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ set_temp: 31 }, '“设定温度”必须在 16°C 到 30°C 之间'],
      [{ mode: '暖风' }, '“模式”只能是：自动 / 制冷 / 制热 / 送风 / 除湿'],
      [{ room_temp: 20 }, '“室内温度”是只读的，不能设置'],
      [{ switch: 'on' }, '“开关”只能是开或关'],
    ]
    for (const [attrs, message] of cases) {
      const control = await owner(`/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', json: { attrs } })
      const saved = await owner(path, { method: 'POST', json: { ...weekly, attrs } })
      expect(saved.status).toBe(400)
      const said = (await body(saved)).message
      expect(said).toBe((await body(control)).message)
      expect(said).toBe(message)
    }
    const past = await owner(path, { method: 'POST', json: { ...weekly, repeat: 'none', date: '2020-01-01' } })
    expect((await body(past)).message).toBe('这个时间已经过去了，请选一个以后的时间')
    const badHour = await owner(path, { method: 'POST', json: { ...weekly, time: '25:00' } })
    expect((await body(badHour)).message).toBe('定时的日期、时间或重复方式不对')
    const noDays = await owner(path, { method: 'POST', json: { ...weekly, repeat: 'day', days: [] } })
    expect((await body(noDays)).message).toBe('每月定时至少要选一天')
    expect((await owner(path, { method: 'POST', json: { ...weekly, raw: '616263' } })).status).toBe(400)
    expect(await json<Scheduler[]>(await owner(path))).toEqual([])
  })
})
