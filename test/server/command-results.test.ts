// The vendor design's 反馈, end to end over real sockets: a command still pending when its page closed gets its
// result to the sender — confirmed by the device's report (seen by the worker through SNoti, the page's cloud link
// being gone) or failed with the reason — as an in-app notice and a WeChat subscription notice that opens the device
// page; the command's row (on SQLite or PostgreSQL, as the backend runs) says who sent it, by which path, and the outcome.
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { AlertsResponse } from '@shared/alerts'
import { cmd, FIRST_USER, FrameRecorder, json, LIVING_ROOM_AC, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { loginThroughSandbox } from '../support/login'

let stack: BackendWithWorker
let backend: Backend
let owner: string

beforeEach(async () => {
  // The device answers 1.5 s after a control: long enough for the page to be gone by then.
  stack = await startBackendWithWorker({ commandAnswerMs: 2500 }, { sandbox: { reportDelayMs: 1500 } })
  ;({ backend } = stack)
  owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
})
afterEach(async () => {
  await stack.close()
})

const control = (path: string, payload: unknown) => fetch(`${backend.sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })

/** Opens a page, sends one command and closes the page as soon as the command is sent (before the device answers). */
async function sendAndClose(id: string, attrs: Record<string, unknown>): Promise<void> {
  const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, backend.page(owner))
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  await page.next(cmd('subscribe_res'))
  await page.next((frame) => frame.cmd === 's2c_noti' || frame.cmd === 's2c_online_status')
  page.send({ cmd: 'c2s_write', req_sn: 7, id, data: { did: LIVING_ROOM_AC, attrs } })
  expect((await page.next<{ data: Record<string, unknown> }>(cmd('s2c_write_res'), 5000)).data).toMatchObject({ ok: true, state: 'sent' })
  page.close()
}

const commandNotices = async () => (await backend.context.history.inbox(FIRST_USER, 10)).filter((notice) => notice.kind === 'command')

test('a command whose page closed is confirmed by the device\'s report and told in the app and by a subscription notice', async () => {
  await control('/sandbox/wechat/subscription', { openid: FIRST_USER, credits: 1 })
  await sendAndClose('command-closed-0001', { set_temp: 27 })
  await expect.poll(async () => (await commandNotices()).map((notice) => [notice.title, notice.status, notice.channel]), { timeout: 8000 }).toEqual([['指令已执行', 'sent', 'subscribe']])
  const [notice] = await commandNotices()
  // Named as the app's log names it (the product's datapoints, read by the worker), not set_temp=27.
  expect(notice).toMatchObject({ did: LIVING_ROOM_AC, detail: '设定温度 27°C' })
  // Who sent it, from where, and what became of it.
  expect(await backend.context.commandLog.ofDevice(LIVING_ROOM_AC, 10)).toEqual([expect.objectContaining({ openid: FIRST_USER, id: 'command-closed-0001', source: 'page', state: 'confirmed', attrs: { set_temp: 27 } })])
  // WeChat: a subscription notice that opens the device page (through the silent login).
  const chat = await json<{ messages: Array<{ kind: string; page?: string; data?: Record<string, { value: string }> }> }>(await fetch(`${backend.sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`))
  expect(chat.messages.filter((message) => message.kind === 'subscribe')).toEqual([
    expect.objectContaining({ page: `${backend.bffUrl}/devices/${LIVING_ROOM_AC}`, data: expect.objectContaining({ thing2: { value: '指令已执行' }, thing3: { value: '设定温度 27°C' } }) }),
  ])
  // In the app: the message centre lists it.
  const list = await json<AlertsResponse>(await fetch(`${backend.bffUrl}/api/alerts`, { headers: backend.page(owner) }))
  expect(list.items.map((item) => item.title)).toContain('指令已执行')
})

test('a command whose device never answers is told as failed with the reason; without a consent it stays in the app (43101)', async () => {
  await sendAndClose('command-closed-0002', { set_temp: 18 })
  await control(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: false })
  await expect.poll(async () => (await commandNotices()).map((notice) => [notice.title, notice.detail, notice.status, notice.channel, notice.result]), { timeout: 8000 })
    .toEqual([['指令没有执行', '设备没有回应', 'in_app_only', 'app', '43101']])
  expect((await backend.context.commandLog.ofDevice(LIVING_ROOM_AC, 10))[0]).toMatchObject({ state: 'failed', reason: 'no_report' })
})

test('a command settled while its page was open is not told again', async () => {
  const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, backend.page(owner))
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  await page.next(cmd('subscribe_res'))
  page.send({ cmd: 'c2s_write', req_sn: 8, id: 'command-open-0003', data: { did: LIVING_ROOM_AC, attrs: { set_temp: 22 } } })
  await page.next((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 8, 6000)
  page.close()
  await expect.poll(async () => (await backend.context.commandLog.ofDevice(LIVING_ROOM_AC, 10))[0]?.state, { timeout: 5000 }).toBe('confirmed')
  await new Promise((resolve) => setTimeout(resolve, 1500))
  expect(await commandNotices()).toEqual([])
})
