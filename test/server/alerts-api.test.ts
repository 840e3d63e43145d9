// A user's alerts in the app, through the BFF over real HTTP and WebSocket with the vendor's worker filling the
// same app.db from the sandbox's SNoti: a crossing reaches the open page as an `s2c_alert` frame (the banner) and
// the user's alerts list, with 已恢复 on the recovery; read/unread; the 接收提醒 switch and quiet hours are the
// user's own and need the device bound; a page of another user hears nothing.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { AlertsResponse, AlertSettings } from '@shared/alerts'
import type { EventWorker } from '../../server/worker/event-worker'
import { cmd, FIRST_USER, FrameRecorder, json, SECOND_USER, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { loginThroughSandbox } from '../support/login'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let backend: Backend
let worker: EventWorker
let owner: string
let other: string

let stack: BackendWithWorker | undefined

beforeAll(async () => {
  stack = await startBackendWithWorker()
  ;({ backend, worker } = stack)
  owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  other = await loginThroughSandbox(backend.bffUrl, SECOND_USER)
})

afterAll(async () => {
  await stack?.close()
})

const call = (method: string, path: string, cookie: string, body?: unknown) => fetch(`${backend.bffUrl}${path}`, {
  method, headers: { ...backend.page(cookie), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
})
const report = (soil: number) => fetch(`${backend.sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: soil } }) })
const page = (cookie: string) => FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, backend.page(cookie))

test('a crossing reaches the owner\'s open page and alerts list; the recovery is 已恢复; another user\'s page hears nothing', async () => {
  expect((await call('PUT', `/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'below', threshold: 30 })).status).toBe(200)
  const mine = await page(owner)
  const theirs = await page(other)
  await mine.next(cmd('s2c_cloud_status'))
  await report(22)
  const banner = await mine.next<{ data: Record<string, unknown> }>(cmd('s2c_alert'), 5000)
  expect(banner.data).toMatchObject({ did: PLANT, device_name: '阳台绿萝', title: '土壤湿度低于 30%', detail: '当前 22%', edge: 'fire' })
  await report(45)
  expect((await mine.next<{ data: Record<string, unknown> }>(cmd('s2c_alert'), 5000)).data).toMatchObject({ title: '已恢复：土壤湿度', edge: 'clear' })
  expect(theirs.frames.filter(cmd('s2c_alert'))).toEqual([])
  mine.close()
  theirs.close()

  await worker.flushNotices()
  const list = await json<AlertsResponse>(await call('GET', '/api/alerts', owner))
  expect(list.unread).toBe(2)
  expect(list.items.map(({ title, edge, read, channel }) => ({ title, edge, read, channel }))).toEqual([
    { title: '已恢复：土壤湿度', edge: 'clear', read: false, channel: 'wechat' },
    { title: '土壤湿度低于 30%', edge: 'fire', read: false, channel: 'wechat' },
  ])
  // Paging: older than the newest.
  const older = await json<AlertsResponse>(await call('GET', `/api/alerts?limit=1&before=${list.items[0].id}`, owner))
  expect(older.items.map((item) => item.title)).toEqual(['土壤湿度低于 30%'])
  expect(await json(await call('POST', '/api/alerts/read', owner, { ids: [list.items[1].id] }))).toEqual({ unread: 1 })
  // Another user cannot mark the owner's alerts, nor see them.
  expect(await json(await call('POST', '/api/alerts/read', other, { all: true }))).toEqual({ unread: 0 })
  expect((await json<AlertsResponse>(await call('GET', '/api/alerts', other))).items).toEqual([])
  expect(await json(await call('POST', '/api/alerts/read', owner, { all: true }))).toEqual({ unread: 0 })
})

test('接收提醒 off: the next crossing reaches neither the page nor the list; quiet hours are kept per user', async () => {
  const off = await json<AlertSettings>(await call('PUT', `/api/devices/${PLANT}/alert-settings`, owner, { receive: false, quiet_hours: { start_min: 1350, end_min: 420, time_zone: 'Asia/Shanghai' } }))
  expect(off).toEqual({ receive: false, quiet_hours: { start_min: 1350, end_min: 420, time_zone: 'Asia/Shanghai' } })
  expect(await json(await call('GET', `/api/devices/${PLANT}/alert-settings`, owner))).toEqual(off)
  const before = (await json<AlertsResponse>(await call('GET', '/api/alerts', owner))).items.length
  await report(10)
  await report(50)
  // Stored by the worker (on either engine): the report of 50 is in the history.
  await expect.poll(async () => Math.max(...(await worker.store.history(PLANT, 'soil_humidity', 0, Date.now() / 1000 + 60, 3600)).map((bucket) => bucket.max)), { timeout: 5000 }).toBe(50)
  expect((await json<AlertsResponse>(await call('GET', '/api/alerts', owner))).items).toHaveLength(before)
  expect(await json(await call('PUT', `/api/devices/${PLANT}/alert-settings`, owner, { receive: true, quiet_hours: null }))).toEqual({ receive: true, quiet_hours: null })
})

test('settings need the device bound and a well-formed body; the list needs a session', async () => {
  expect((await call('GET', `/api/devices/${PLANT}/alert-settings`, other)).status).toBe(404)
  expect((await call('PUT', `/api/devices/${PLANT}/alert-settings`, owner, { quiet_hours: { start_min: 1440, end_min: 420, time_zone: 'Asia/Shanghai' } })).status).toBe(400)
  expect((await call('PUT', `/api/devices/${PLANT}/alert-settings`, owner, { receive: true, extra: 1 })).status).toBe(400)
  expect((await fetch(`${backend.bffUrl}/api/alerts`)).status).toBe(401)
})
