// The history read path and the owner's limit, through the BFF over HTTP with the vendor's worker filling the same
// app.db from the sandbox's SNoti: schema-declared, behind the session, the binding and the owner's role checked.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { HistoryResponse } from '@shared/history'
import { ALERT_ATTR_AUTOMATIC, ALERT_ATTR_BOOL_EQUAL_ONLY, ALERT_RANGE_INVALID } from '../../server/bff/routes/history-api'
import type { EventWorker } from '../../server/worker/event-worker'
import { FIRST_USER, SECOND_USER, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { loginThroughSandbox } from '../support/login'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let backend: Backend
let worker: EventWorker
let owner: string
let stranger: string

let stack: BackendWithWorker | undefined

beforeAll(async () => {
  stack = await startBackendWithWorker()
  ;({ backend, worker } = stack)
  owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  stranger = await loginThroughSandbox(backend.bffUrl, SECOND_USER)
})

afterAll(async () => {
  await stack?.close()
})

const get = (path: string, cookie: string, lang = 'zh-CN') => fetch(`${backend.bffUrl}${path}`, { headers: { ...backend.page(cookie), 'accept-language': lang } })
const put = (path: string, cookie: string, body: unknown, lang = 'zh-CN') =>
  fetch(`${backend.bffUrl}${path}`, { method: 'PUT', headers: { ...backend.page(cookie), 'content-type': 'application/json', 'accept-language': lang }, body: JSON.stringify(body) })

test('the owner sets a limit; reports become history with the limit beside it', async () => {
  const saved = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'below', threshold: 30 })
  expect(saved.status).toBe(200)
  expect(await saved.json()).toMatchObject({ attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 0 })
  for (const value of [40, 20]) {
    await fetch(`${backend.sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: value } }) })
  }
  const read = async () => (await (await get(`/api/devices/${PLANT}/history?attr=soil_humidity&hours=6`, owner)).json()) as HistoryResponse
  await expect.poll(async () => (await read()).points.reduce((low, point) => Math.min(low, point.min), Infinity), { timeout: 5000 }).toBe(20)
  const history = await read()
  expect(history.bucket_s).toBe(300)
  expect(history.to - history.from).toBe(6 * 3600)
  expect(history.rules).toEqual([expect.objectContaining({ op: 'below', threshold: 30 })])
})

test('every kind of rule: a range with hold time and cooldown, a switch turned on, critical', async () => {
  const range = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'outside', threshold: 20, threshold_high: 80, hysteresis: 2, hold_s: 300, cooldown_s: 1800 })
  expect(await range.json()).toMatchObject({ op: 'outside', threshold: 20, threshold_high: 80, hysteresis: 2, hold_s: 300, cooldown_s: 1800, critical: false })
  const pump = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'pump', op: 'equal', threshold: 1, critical: true })
  expect(pump.status).toBe(200)
  expect(await pump.json()).toMatchObject({ attr: 'pump', op: 'equal', threshold: 1, threshold_high: null, critical: true })
  expect((await worker.store.rulesOf(PLANT)).find((rule) => rule.attr === 'pump')).toMatchObject({ value_kind: 'bool', label: '水泵' })
})

test('a user not bound to the device reads nothing and sets nothing', async () => {
  const read = await get(`/api/devices/${PLANT}/history?attr=soil_humidity&hours=24`, stranger)
  expect(read.status).toBe(404)
  expect(((await read.json()) as { message: string }).message).toBe('找不到这台设备，或者它不在你的设备列表里')
  expect((await put(`/api/devices/${PLANT}/alert-rules`, stranger, { attr: 'soil_humidity', op: 'below', threshold: 1 })).status).toBe(404)
})

test('refusals are clear, in the user\'s language', async () => {
  const bool = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'pump', op: 'above', threshold: 0 }, 'en')
  expect(bool.status).toBe(400)
  expect(await bool.json()).toMatchObject({ error_code: ALERT_ATTR_BOOL_EQUAL_ONLY, message: '"水泵" is a switch: its alert can only be "equal to on/off"' })
  const alarm = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'alert_dry', op: 'equal', threshold: 1 })
  expect(await alarm.json()).toMatchObject({ error_code: ALERT_ATTR_AUTOMATIC, message: '“缺水报警”是设备自带的报警，不用设置就会提醒' })
  const range = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'outside', threshold: 60, threshold_high: 40 })
  expect(await range.json()).toMatchObject({ error_code: ALERT_RANGE_INVALID, message: '范围的上限要大于下限' })
  expect((await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'below', threshold: 1, hold_s: 90_000 })).status).toBe(400)
  const unknown = await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'nothing_here', op: 'above', threshold: 0 })
  expect(await unknown.json()).toMatchObject({ error_code: 'attr_unknown' })
  expect((await get(`/api/devices/${PLANT}/history?attr=soil_humidity&hours=5`, owner)).status).toBe(400)
  expect((await put(`/api/devices/${PLANT}/alert-rules`, owner, { attr: 'soil_humidity', op: 'sideways', threshold: 1 })).status).toBe(400)
  expect((await fetch(`${backend.bffUrl}/api/devices/${PLANT}/history?attr=soil_humidity&hours=24`)).status).toBe(401)
})
