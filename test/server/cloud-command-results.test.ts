// Commands the cloud sends by itself — a schedule firing, a linkage rule acting — reach the vendor's worker only
// through SNoti's control event (app2dev_kv, source "scheduler" or "d3", with the maker's uid). End to end over real
// sockets: each becomes one row of the command journal with its path and outcome, one notice to its maker (even
// when the event is delivered twice), and an entry in the device's log; a schedule for an offline device fails at
// once, with the reason.
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { DeviceLogResponse } from '@shared/device-log'
import { FIRST_USER, LIVING_ROOM_AC, json, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { loginThroughSandbox } from '../support/login'
import type { SnotiPush } from '../../server/worker/snoti-client'

const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'

let stack: BackendWithWorker
let backend: Backend
let cookie: string
const controls: SnotiPush[] = []

beforeEach(async () => {
  controls.length = 0
  stack = await startBackendWithWorker({ afterStore: (push) => void (push.event_type === 'app2dev_kv' && controls.push(push)) })
  ;({ backend } = stack)
  cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
})
afterEach(async () => {
  await stack.close()
})

const sandbox = (path: string, payload: unknown) => fetch(`${backend.sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
const bff = (path: string, payload?: unknown) => fetch(`${backend.bffUrl}${path}`, {
  method: payload === undefined ? 'GET' : 'POST',
  headers: { cookie, origin: backend.bffUrl, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
  body: payload === undefined ? undefined : JSON.stringify(payload),
})
const commandNotices = async () => (await backend.context.history.inbox(FIRST_USER, 20)).filter((notice) => notice.kind === 'command')
const journal = async (did: string) => backend.context.commandLog.ofDevice(did, 20)

/** A one-shot schedule two minutes ahead of sandbox time (UTC, as the cloud reckons), then the clock moved past it. */
async function fireSchedule(attrs: Record<string, unknown>): Promise<void> {
  const { now } = await json<{ now: number }>(await sandbox('/sandbox/clock', { advance_s: 0 }))
  const due = new Date((Math.floor(now / 60) + 2) * 60_000)
  const created = await bff(`/api/app/devices/${LIVING_ROOM_AC}/scheduler`, { date: due.toISOString().slice(0, 10), time: due.toISOString().slice(11, 16), repeat: 'none', attrs, remark: '' })
  expect(created.status).toBe(201)
  await sandbox('/sandbox/clock', { advance_s: 180 })
}

/** The same control event again, as SNoti redelivers one whose ack was lost, then the worker's next round. */
async function redeliver(): Promise<void> {
  expect(controls.length).toBeGreaterThan(0)
  for (const push of [...controls]) await stack.worker.process(push)
  await stack.worker.tick()
  await stack.worker.flushNotices()
}

test('a schedule fired by the sandbox clock is journaled as the schedule\'s, confirmed by the report, told to its maker once and logged as 定时', async () => {
  await fireSchedule({ set_temp: 19 })
  await expect.poll(async () => (await journal(LIVING_ROOM_AC)).map((row) => [row.source, row.state, row.openid]), { timeout: 8000 }).toEqual([['schedule', 'confirmed', FIRST_USER]])
  expect((await journal(LIVING_ROOM_AC))[0]!.attrs).toEqual({ set_temp: 19 })
  await expect.poll(async () => (await commandNotices()).map((notice) => [notice.title, notice.detail, notice.did]), { timeout: 5000 }).toEqual([['定时已执行', '设定温度 19°C', LIVING_ROOM_AC]])

  await redeliver()
  expect(await journal(LIVING_ROOM_AC)).toHaveLength(1)
  expect(await commandNotices()).toHaveLength(1)

  const log = await json<DeviceLogResponse>(await bff(`/api/devices/${LIVING_ROOM_AC}/log`))
  expect(log.items.filter((item) => item.kind === 'command')).toEqual([expect.objectContaining({ source: 'schedule', state: 'confirmed', mine: true, values: { set_temp: 19 } })])
})

test('a linkage rule fired by a report is journaled as the rule\'s, confirmed, told once and logged as 联动', async () => {
  const rule = {
    name: '缺水浇水', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, event: 'data',
    input: [{ did: BALCONY_PLANT, prefix: 'device1', product_key: PLANT_PRODUCT }],
    condition: [[{ left: 'device1.soil_humidity', opt: '<', right: '30' }]],
    output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }]],
  }
  expect((await bff('/api/app/rules', rule)).status).toBe(201)
  await sandbox(`/sandbox/devices/${BALCONY_PLANT}/report`, { attrs: { soil_humidity: 50, pump: false } })
  await sandbox(`/sandbox/devices/${BALCONY_PLANT}/report`, { attrs: { soil_humidity: 20 } })
  // SNoti carries switches as 0/1, and so does the journal (the report it is matched against says the same).
  await expect.poll(async () => (await journal(BALCONY_PLANT)).map((row) => [row.source, row.state, row.attrs]), { timeout: 8000 }).toEqual([['rule', 'confirmed', { pump: 1 }]])
  await expect.poll(async () => (await commandNotices()).map((notice) => [notice.title, notice.detail]), { timeout: 5000 }).toEqual([['联动已执行', '水泵 开']])

  await redeliver()
  expect(await journal(BALCONY_PLANT)).toHaveLength(1)
  expect(await commandNotices()).toHaveLength(1)

  const log = await json<DeviceLogResponse>(await bff(`/api/devices/${BALCONY_PLANT}/log`))
  expect(log.items.filter((item) => item.kind === 'command')).toEqual([expect.objectContaining({ source: 'rule', state: 'confirmed', mine: true })])
})

test('a schedule for a device that is offline fails at once, with the reason, and is told so', async () => {
  await sandbox(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: false })
  await fireSchedule({ set_temp: 21 })
  await expect.poll(async () => (await journal(LIVING_ROOM_AC)).map((row) => [row.source, row.state, row.reason]), { timeout: 8000 }).toEqual([['schedule', 'failed', 'device_offline']])
  await expect.poll(async () => (await commandNotices()).map((notice) => [notice.title, notice.detail]), { timeout: 5000 }).toEqual([['定时没有执行', '设备离线']])
})
