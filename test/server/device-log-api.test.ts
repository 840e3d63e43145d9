// GET /api/devices/:did/log over real HTTP with the vendor's worker filling app.db from the sandbox: a command from
// the page (who, from where, its outcome), the device's reports and the viewer's alerts, newest first, paged by
// time; a group control's and a scene run's commands with their path and each device's outcome from the cloud;
// guarded by the binding like every device route; the path names match the shared set.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { COMMAND_SOURCES } from '@shared/commands'
import { DeviceLogItem, type DeviceLogResponse } from '@shared/device-log'
import { SceneRunStatus, type DeviceOutcome, type SceneTaskStatus } from '@shared/open-api'
import { cmd, FIRST_USER, FrameRecorder, json, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { loginThroughSandbox } from '../support/login'

let stack: BackendWithWorker
let backend: Backend
let owner: string
let other: string

beforeAll(async () => {
  stack = await startBackendWithWorker()
  backend = stack.backend
  owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  other = await loginThroughSandbox(backend.bffUrl, SECOND_USER)
})
afterAll(async () => {
  await stack?.close()
})

const log = (cookie: string, did: string, query = '') => fetch(`${backend.bffUrl}/api/devices/${did}/log${query}`, { headers: backend.page(cookie) })
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const post = (cookie: string, path: string, body?: unknown) =>
  fetch(`${backend.bffUrl}${path}`, { method: 'POST', headers: { ...backend.page(cookie), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
/** The device's log entries that came by `source`. */
const commandsBy = async (did: string, source: string) => (await json<DeviceLogResponse>(await log(owner, did, '?limit=50'))).items.filter((item) => item.kind === 'command' && item.source === source)

test('the log shows the command with who and from where and its outcome, and the reports, newest first, in pages', async () => {
  const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, backend.page(owner))
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  await page.next(cmd('subscribe_res'))
  page.send({ cmd: 'c2s_write', req_sn: 3, id: 'log-command-0001', data: { did: LIVING_ROOM_AC, attrs: { set_temp: 25 } } })
  await page.next((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 3, 5000)
  page.close()
  for (const value of [20, 21, 22]) {
    await fetch(`${backend.sandbox.url}/sandbox/devices/${LIVING_ROOM_AC}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { set_temp: value } }) })
  }
  await expect.poll(async () => (await json<DeviceLogResponse>(await log(owner, LIVING_ROOM_AC, '?limit=50'))).items.filter((item) => item.kind === 'report').length, { timeout: 5000 }).toBe(4)
  await expect.poll(async () => (await json<DeviceLogResponse>(await log(owner, LIVING_ROOM_AC, '?limit=50'))).items.find((item) => item.kind === 'command')?.state, { timeout: 5000 }).toBe('confirmed')
  const all = await json<DeviceLogResponse>(await log(owner, LIVING_ROOM_AC, '?limit=50'))
  expect(all.next_before).toBeNull()
  expect(all.items.map((item) => item.at)).toEqual([...all.items.map((item) => item.at)].sort((a, b) => b - a))
  expect(all.items.find((item) => item.kind === 'command')).toEqual({ kind: 'command', at: expect.any(Number), mine: true, who: null, source: 'page', state: 'confirmed', reason: null, values: { set_temp: 25 } })
  expect(all.items[0]).toMatchObject({ kind: 'report', values: expect.objectContaining({ set_temp: 22 }) })
  // Pages of two: every entry once, in the same order.
  const paged: DeviceLogResponse['items'] = []
  let before: number | null = null
  do {
    const next: DeviceLogResponse = await json<DeviceLogResponse>(await log(owner, LIVING_ROOM_AC, `?limit=2${before ? `&before=${before}` : ''}`))
    paged.push(...next.items)
    before = next.next_before
  } while (before !== null)
  expect(paged).toEqual(all.items)
})

test('a device the user is not bound to is refused, and the query is checked', async () => {
  const refused = await log(owner, SECOND_USERS_AC)
  expect(refused.status).toBe(404)
  expect(((await refused.json()) as { message: string }).message).toMatch(/[\u4e00-\u9fa5]/)
  expect((await log(other, SECOND_USERS_AC)).status).toBe(200)
  expect((await log(owner, LIVING_ROOM_AC, '?limit=500')).status).toBe(400)
  expect((await log(owner, 'not-a-did!')).status).toBe(400)
})

test('the log names every path the command store knows', () => {
  const sources = (DeviceLogItem.properties.source.anyOf as Array<{ const: string }>).map((literal) => literal.const)
  expect(sources).toEqual(COMMAND_SOURCES)
})

test('a group control is in each member\'s log: by me, through the group, with the outcome the cloud gave that device', async () => {
  const { id } = await json<{ id: string }>(await post(owner, '/api/app/group', { group_name: '两盆花', product_key: PLANT_PRODUCT }))
  expect((await post(owner, `/api/app/group/${id}/devices`, { dids: [BALCONY_PLANT, STUDY_PLANT_OFFLINE] })).status).toBe(201)
  const outcomes = await json<DeviceOutcome[]>(await post(owner, `/api/app/group/${id}/control`, { attrs: { auto_water: true } }))
  expect(outcomes).toEqual(expect.arrayContaining([expect.objectContaining({ did: BALCONY_PLANT, result: true }), expect.objectContaining({ did: STUDY_PLANT_OFFLINE, result: false })]))
  expect(await commandsBy(BALCONY_PLANT, 'group')).toEqual([{ kind: 'command', at: expect.any(Number), mine: true, who: null, source: 'group', state: 'confirmed', reason: null, values: { auto_water: true } }])
  expect(await commandsBy(STUDY_PLANT_OFFLINE, 'group')).toEqual([{ kind: 'command', at: expect.any(Number), mine: true, who: null, source: 'group', state: 'failed', reason: 'device_offline', values: { auto_water: true } }])
  // Answered on the group page: not told again as a notice.
  expect((await backend.context.commandLog.resultsToTell()).filter((command) => command.source === 'group')).toEqual([])
})

test('a scene run\'s steps are in each device\'s log once its status is read: through the scene, each with its outcome, once', async () => {
  const created = await post(owner, '/api/app/scene', {
    scene_name: '通风浇花',
    tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { mode: '送风' } }, { task_type: 'device', did: STUDY_PLANT_OFFLINE, attrs: { auto_water: false } }],
  })
  expect(created.status).toBe(201)
  const { id } = await json<{ id: string }>(created)
  expect((await post(owner, `/api/app/scene/${id}/task`)).status).toBe(200)
  const status = () => fetch(`${backend.bffUrl}/api/app/scene/${id}/task`, { headers: backend.page(owner) }).then((response) => json<SceneTaskStatus>(response))
  await expect.poll(async () => (await status()).status, { timeout: 10_000 }).not.toBe(SceneRunStatus.RUNNING)
  await status()
  expect(await commandsBy(LIVING_ROOM_AC, 'scene')).toEqual([{ kind: 'command', at: expect.any(Number), mine: true, who: null, source: 'scene', state: 'confirmed', reason: null, values: { mode: '送风' } }])
  expect(await commandsBy(STUDY_PLANT_OFFLINE, 'scene')).toEqual([{ kind: 'command', at: expect.any(Number), mine: true, who: null, source: 'scene', state: 'failed', reason: 'device_offline', values: { auto_water: false } }])
})
