// The sandbox runs seed 003's schedules on sandbox time: the fake clock is advanced and every occurrence due in
// between fires once, in order, with its result in the run log. Weekly across a week, monthly on the 31st, a
// daylight-saving change, a restart in the middle (nothing twice, nothing lost within the catch-up window), and a
// disabled schedule that never fires.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { Scheduler, SchedulerLogs, UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import { CATCH_UP_TOLERANCE_MS } from '../../server/sandbox/automation/scheduler'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { openStores } from '../../server/sandbox/store/index'
import { FIRST_USER, LIVING_ROOM_AC, SECOND_USER, body, json, startTestSandbox } from '../support/backend'

const DAY = 86_400_000
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }

let sandbox: Sandbox
let owner: UserToken

const call = (method: string, path: string, payload?: unknown, token = owner.token) =>
  fetch(`${sandbox.url}${path}`, { method, headers: { ...app, 'X-Gizwits-User-token': token }, body: payload === undefined ? undefined : JSON.stringify(payload) })
const login = async (phoneId: string) => json<UserToken>(await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) }))
const nowMs = async () => Date.parse((await json<{ iso: string }>(await fetch(`${sandbox.url}/sandbox/clock`))).iso)
/** Moves sandbox time to `atMs` (forward only); everything due by then has fired when this returns. */
async function advanceTo(atMs: number): Promise<void> {
  const seconds = Math.ceil((atMs - (await nowMs())) / 1000)
  expect(seconds).toBeGreaterThanOrEqual(0)
  const response = await fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: app, body: JSON.stringify({ advance_s: seconds }) })
  expect(response.status).toBe(200)
  // User tokens expire on sandbox time too: the app would sign in again.
  owner = await login(FIRST_USER)
}
const create = async (fields: Record<string, unknown>, did = LIVING_ROOM_AC) => {
  const response = await call('POST', `/app/devices/${did}/scheduler`, { attrs: { switch: true }, ...fields })
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201)
  return (await json<{ id: string }>(response)).id
}
const logs = async (id: string, did = LIVING_ROOM_AC) => (await json<SchedulerLogs>(await call('GET', `/app/devices/${did}/scheduler/${id}/logs`))).logs
/** The due times a schedule has fired for, oldest first, as UTC text. */
const fired = async (id: string) => (await logs(id)).filter((run) => run.status !== 'missed').map((run) => run.due).reverse()
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19)
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
/** 00:00 UTC of the first day after `ms` that satisfies `test`. */
function nextDay(ms: number, test: (day: Date) => boolean): number {
  let day = Math.floor(ms / DAY) * DAY + DAY
  while (!test(new Date(day))) day += DAY
  return day
}
/** Waits for the device's answers (the virtual device reports 20 ms after a write). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 150))

beforeEach(async () => {
  sandbox = await startTestSandbox()
  owner = await login(FIRST_USER)
})
afterEach(async () => {
  await sandbox.close()
})

describe('schedules with seed 003 shapes', () => {
  test('should store a schedule as the cloud lists it, and refuse bad ones with the cloud\'s codes', async () => {
    const id = await create({ date: '2030-01-02', time: '15:00', repeat: 'none', remark: '备注', start_date: '2030-01-01', end_date: '2030-01-03' })
    expect(id).toMatch(/^[0-9a-f]{24}$/)
    const [listed] = await json<Scheduler[]>(await call('GET', `/app/devices/${LIVING_ROOM_AC}/scheduler?limit=20&skip=0`))
    expect(listed).toMatchObject({ id, did: LIVING_ROOM_AC, product_key: '4214bf2d79694a259232431b6f2ef46b', date: '2030-01-02', time: '15:00', repeat: 'none', days: [], enabled: true, remark: '备注', attrs: { switch: true }, raw: '' })
    expect(listed!.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)
    expect((await body(await call('POST', `/app/devices/${LIVING_ROOM_AC}/scheduler`, { time: '25:00', repeat: 'mon', attrs: { switch: true } }))).error_code).toBe(9015)
    expect((await body(await call('POST', `/app/devices/${LIVING_ROOM_AC}/scheduler`, { time: '07:00', repeat: 'mon', attrs: { set_temp: 99 } }))).error_code).toBe(9025)
    expect((await body(await call('PUT', `/app/devices/${LIVING_ROOM_AC}/scheduler/aaaaaaaaaaaaaaaaaaaaaaaa`, { time: '07:00', repeat: 'mon', attrs: { switch: true } }))).error_code).toBe(9030)
    // Another user cannot see or touch it.
    const other = await login(SECOND_USER)
    expect((await body(await call('GET', `/app/devices/${LIVING_ROOM_AC}/scheduler`, undefined, other.token))).error_code).toBe(9017)
    expect((await call('DELETE', `/app/devices/${LIVING_ROOM_AC}/scheduler/${id}`)).status).toBe(200)
    expect(await json<Scheduler[]>(await call('GET', `/app/devices/${LIVING_ROOM_AC}/scheduler`))).toEqual([])
  })

  test('should list common schedules apart, with group_id and scene_id', async () => {
    const response = await call('POST', '/app/common_scheduler', { did: LIVING_ROOM_AC, time: '07:00', repeat: 'mon,fri', attrs: { switch: true } })
    expect(response.status).toBe(201)
    const { id } = await json<{ id: string }>(response)
    expect(await json<Scheduler[]>(await call('GET', `/app/common_scheduler?did=${LIVING_ROOM_AC}`))).toMatchObject([{ id, did: LIVING_ROOM_AC, group_id: '', scene_id: '', repeat: 'mon,fri' }])
    expect(await json<Scheduler[]>(await call('GET', `/app/devices/${LIVING_ROOM_AC}/scheduler`))).toEqual([])
  })
})

describe('the scheduler on the fake clock', () => {
  test('should fire a weekly schedule on each of its days across a whole week, once each, in order, with the device\'s answer', async () => {
    const monday = nextDay(await nowMs(), (day) => day.getUTCDay() === 1)
    await advanceTo(monday)
    const weekly = await create({ time: '06:30', repeat: 'mon,wed,sat', attrs: { switch: true, set_temp: 22 } })
    const everyDay = await create({ time: '23:59', repeat: 'mon,tue,wed,thu,fri,sat,sun', attrs: { mode: '制冷' } })
    await advanceTo(monday + 3 * DAY)
    await advanceTo(monday + 7 * DAY)
    await settled()
    const at = (days: number, time: string) => `${dateOf(monday + days * DAY)}T${time}:00`
    expect(await fired(weekly)).toEqual([at(0, '06:30'), at(2, '06:30'), at(5, '06:30')])
    expect(await fired(everyDay)).toEqual([0, 1, 2, 3, 4, 5, 6].map((day) => at(day, '23:59')))
    const [last] = await logs(weekly)
    expect(last).toMatchObject({ status: 'succeed', detail: { [LIVING_ROOM_AC]: true }, attrs: { switch: 1, set_temp: 22 } })
    expect(last!.datetime).toBe(utc(monday + 7 * DAY).slice(0, 16) + last!.datetime.slice(16))
  })

  test('should skip the 31st in a 30-day month and fire on the 30th and 31st elsewhere', async () => {
    // The first of a 31-day month followed by a 30-day month (March → April, May → June, August → September, October → November).
    const start = nextDay(await nowMs(), (day) => day.getUTCDate() === 1 && [2, 4, 7, 9].includes(day.getUTCMonth()))
    await advanceTo(start)
    const id = await create({ time: '08:00', repeat: 'day', days: ['30', 31] })
    const first = new Date(start)
    const month = (offset: number, day: number) => utc(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + offset, day, 8))
    await advanceTo(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 2, 1))
    await settled()
    expect(await fired(id)).toEqual([month(0, 30), month(0, 31), month(1, 30)])
  })

  test('should keep firing at the stored UTC time across a daylight-saving change (Europe/Berlin), 07:00 then 08:00 there', async () => {
    // Last Sunday of March: Berlin goes from UTC+1 to UTC+2 at 01:00 UTC.
    const now = await nowMs()
    let year = new Date(now).getUTCFullYear()
    const lastSundayOfMarch = (y: number) => { let d = Date.UTC(y, 2, 31); while (new Date(d).getUTCDay() !== 0) d -= DAY; return d }
    if (lastSundayOfMarch(year) - 2 * DAY <= now) year++
    const change = lastSundayOfMarch(year)
    await advanceTo(change - 2 * DAY)
    const berlin = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hour12: false }).format(ms)
    // 07:00 in Berlin in winter is 06:00 UTC: the cloud keeps weekday and time in UTC.
    const daily = await create({ time: '06:00', repeat: 'mon,tue,wed,thu,fri,sat,sun' })
    // A one-shot made for 07:00 Berlin on the Monday after the change is 05:00 UTC.
    const oneShot = await create({ date: dateOf(change + DAY), time: '05:00', repeat: 'none' })
    await advanceTo(change + 2 * DAY)
    const dues = (await fired(daily)).map((text) => Date.parse(`${text}Z`))
    expect(dues.map(utc)).toEqual([change - 2 * DAY, change - DAY, change, change + DAY].map((day) => utc(day + 6 * 3_600_000)))
    expect(dues.map(berlin)).toEqual(['07:00', '07:00', '08:00', '08:00'])
    expect((await fired(oneShot)).map((text) => berlin(Date.parse(`${text}Z`)))).toEqual(['07:00'])
  })

  test('should never fire a disabled schedule, and fire it again once enabled', async () => {
    const start = nextDay(await nowMs(), () => true)
    await advanceTo(start)
    const id = await create({ time: '09:00', repeat: 'mon,tue,wed,thu,fri,sat,sun', enabled: false })
    await advanceTo(start + 3 * DAY)
    expect(await logs(id)).toEqual([])
    expect((await call('PUT', `/app/devices/${LIVING_ROOM_AC}/scheduler/${id}`, { time: '09:00', repeat: 'mon,tue,wed,thu,fri,sat,sun', attrs: { switch: true }, enabled: true })).status).toBe(200)
    await advanceTo(start + 4 * DAY)
    expect(await fired(id)).toEqual([utc(start + 3 * DAY + 9 * 3_600_000)])
  })

  test('should log a run on an offline device as failed', async () => {
    const start = nextDay(await nowMs(), () => true)
    await advanceTo(start)
    const id = await create({ time: '10:00', repeat: 'mon,tue,wed,thu,fri,sat,sun' })
    await fetch(`${sandbox.url}/sandbox/devices/${LIVING_ROOM_AC}/online`, { method: 'POST', headers: app, body: JSON.stringify({ online: false }) })
    await advanceTo(start + DAY)
    expect(await logs(id)).toMatchObject([{ status: 'failed', detail: { [LIVING_ROOM_AC]: false }, error: 'device offline' }])
  })

  test('should run a group\'s control and a scene for a common schedule, each result what the devices answered', async () => {
    const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
    const group = await json<{ id: string }>(await call('POST', '/app/group', { group_name: '空调们', product_key: '4214bf2d79694a259232431b6f2ef46b' }))
    await call('POST', `/app/group/${group.id}/devices`, { dids: [LIVING_ROOM_AC, BEDROOM_AC] })
    const scene = await json<{ id: string }>(await call('POST', '/app/scene', { scene_name: '睡觉', remark: '', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: false } }] }))
    const start = nextDay(await nowMs(), () => true)
    await advanceTo(start)
    const common = async (target: Record<string, unknown>, time: string) => {
      const response = await call('POST', '/app/common_scheduler', { ...target, date: dateOf(start), time, repeat: 'none' })
      expect(response.status, JSON.stringify(await response.clone().json())).toBe(201)
      return (await json<{ id: string }>(response)).id
    }
    const commonLogs = async (id: string) => (await json<SchedulerLogs>(await call('GET', `/app/common_scheduler/${id}/logs`))).logs
    const until = async (id: string) => {
      for (;;) {
        const [run] = await commonLogs(id)
        if (run && run.status !== 'running') return run
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    const onAll = await common({ group_id: group.id, attrs: { switch: true } }, '08:00')
    const sleep = await common({ scene_id: scene.id }, '09:00')
    await advanceTo(start + 8.5 * 3_600_000)
    expect(await until(onAll)).toMatchObject({ status: 'succeed', detail: { [LIVING_ROOM_AC]: true, [BEDROOM_AC]: true } })
    const latest = async (did: string) => (await json<{ attr: Record<string, unknown> }>(await call('GET', `/app/devdata/${did}/latest`))).attr
    expect((await latest(LIVING_ROOM_AC)).switch).toBeTruthy()
    expect((await latest(BEDROOM_AC)).switch).toBeTruthy()
    await advanceTo(start + 9.5 * 3_600_000)
    expect(await until(sleep)).toMatchObject({ status: 'succeed', detail: { [LIVING_ROOM_AC]: true } })
    expect((await latest(LIVING_ROOM_AC)).switch).toBeFalsy()
  })
})

describe('a restart in the middle', () => {
  test('should fire nothing twice and catch up what fell due while down within the tolerance, logging older ones as missed', async () => {
    await sandbox.close()
    const file = join(mkdtempSync(join(tmpdir(), 'sbx-sched-')), 'sandbox.db')
    sandbox = await startTestSandbox({ dataFile: file })
    owner = await login(FIRST_USER)
    const start = nextDay(await nowMs(), () => true)
    await advanceTo(start)
    const hourly = (hour: number) => `${String(hour).padStart(2, '0')}:00`
    // Due at 01:00, 02:00 and 03:00 every day.
    const ids = await Promise.all([1, 2, 3].map((hour) => create({ time: hourly(hour), repeat: 'mon,tue,wed,thu,fri,sat,sun' })))
    await advanceTo(start + 2 * 3_600_000)
    expect(await fired(ids[0]!)).toHaveLength(1)
    expect(await fired(ids[1]!)).toHaveLength(1)

    // Down 45 minutes: back at 02:45, nothing is due yet.
    const restart = async (downMs: number) => {
      await sandbox.close()
      const stores = openStores(file)
      stores.schedulers.saveClockOffset(stores.schedulers.clockOffsetMs() + downMs)
      stores.close()
      sandbox = await startTestSandbox({ dataFile: file })
      owner = await login(FIRST_USER)
    }
    await restart(45 * 60_000)
    // 02:45: the 01:00 and 02:00 runs are not repeated.
    expect(await fired(ids[0]!)).toHaveLength(1)
    expect(await fired(ids[1]!)).toHaveLength(1)
    expect(await fired(ids[2]!)).toHaveLength(0)
    // Down across 03:00, back at 03:10 (within the window): it fires at start, once.
    await restart(25 * 60_000)
    await settled()
    expect(await fired(ids[2]!)).toEqual([utc(start + 3 * 3_600_000)])
    await restart(60_000)
    expect(await fired(ids[2]!)).toHaveLength(1)
    // Down across the next day's 01:00 and 02:00, back at 02:10: 01:00 is past the window, logged as missed and not
    // fired late; 02:00 is within it.
    expect(2 * 3_600_000 + 10 * 60_000 - 3_600_000).toBeGreaterThan(CATCH_UP_TOLERANCE_MS)
    const now = await nowMs()
    await restart(start + DAY + 2 * 3_600_000 + 10 * 60_000 - now)
    expect((await logs(ids[0]!))[0]).toMatchObject({ status: 'missed', due: utc(start + DAY + 3_600_000) })
    expect(await fired(ids[0]!)).toHaveLength(1)
    // …and the 02:00 of that day, still within the window, fires.
    await settled()
    expect(await fired(ids[1]!)).toEqual([utc(start + 2 * 3_600_000), utc(start + DAY + 2 * 3_600_000)])
  })
})
