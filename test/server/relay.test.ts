import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, cmd, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
let first: string
let second: string
const pages: FrameRecorder[] = []

beforeAll(async () => {
  backend = await startBackend()
  first = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  second = await loginThroughSandbox(backend.bffUrl, SECOND_USER)
})
afterEach(() => {
  for (const page of pages.splice(0)) page.close()
})
afterAll(async () => {
  await backend.close()
})

async function page(cookie: string, lang = 'zh-CN'): Promise<FrameRecorder> {
  const recorder = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws?lang=${lang}`, { cookie, origin: backend.bffUrl })
  pages.push(recorder)
  return recorder
}

async function subscribed(cookie: string, did = LIVING_ROOM_AC): Promise<FrameRecorder> {
  const recorder = await page(cookie)
  recorder.send({ cmd: 'subscribe_req', data: [{ did }] })
  await recorder.next(cmd('subscribe_res'))
  // The snapshot: online state, then the values.
  await recorder.next(cmd('s2c_online_status'))
  await recorder.next(cmd('s2c_noti'))
  return recorder
}

const report = (did: string, attrs: unknown) =>
  fetch(`${backend.sandbox.url}/sandbox/devices/${did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
const setOnline = (did: string, online: boolean) =>
  fetch(`${backend.sandbox.url}/sandbox/devices/${did}/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ online }) })

describe('the live relay', () => {
  test('should refuse a socket without a session', async () => {
    const socket = new WebSocket(`${backend.bffUrl.replace('http', 'ws')}/ws`, { headers: { origin: backend.bffUrl } })
    const status = await new Promise<number>((resolve) => socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0)))
    expect(status).toBe(401)
  })

  test('should not report the cloud down to a user who has no device yet', async () => {
    const recorder = await page(await loginThroughSandbox(backend.bffUrl, 'oDemo_LaoWang_9kL4mV6xZ0oP'))
    expect(await recorder.next(cmd('s2c_cloud_status'))).toEqual({ cmd: 's2c_cloud_status', data: { connected: true } })
  })

  test('should answer a subscription with results and a snapshot of each own device', async () => {
    const recorder = await page(first)
    expect(await recorder.next(cmd('s2c_cloud_status'))).toMatchObject({ cmd: 's2c_cloud_status' })
    recorder.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }, { did: SECOND_USERS_AC }] })
    const result = await recorder.next<{ data: { success: Array<{ did: string }>; failed: Array<{ did: string }> } }>(cmd('subscribe_res'))
    expect(result.data.success.map((item) => item.did)).toEqual([LIVING_ROOM_AC])
    expect(result.data.failed.map((item) => item.did)).toEqual([SECOND_USERS_AC])
    expect(await recorder.next(cmd('s2c_online_status'))).toMatchObject({ data: { did: LIVING_ROOM_AC, online: true } })
    expect(await recorder.next(cmd('s2c_noti'))).toMatchObject({ data: { did: LIVING_ROOM_AC, attrs: { mode: '制冷' } } })
  })

  test('should confirm a write with its req_sn, then deliver the device report answering it', async () => {
    const recorder = await subscribed(first)
    recorder.send({ cmd: 'c2s_write', req_sn: 11, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 26 } } })
    expect(await recorder.next(cmd('s2c_write_res'))).toEqual({ cmd: 's2c_write_res', res_sn: 11, data: { did: LIVING_ROOM_AC, ok: true, state: 'sent' } })
    const noti = await recorder.next<{ res_sn?: number; data: { attrs: { set_temp: number } } }>((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 11)
    expect(noti.data.attrs.set_temp).toBe(26)
  })

  test('should refuse invalid and offline writes with a reason in the page\'s language', async () => {
    const recorder = await subscribed(first)
    recorder.send({ cmd: 'c2s_write', req_sn: 12, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 99 } } })
    expect(await recorder.next(cmd('s2c_write_res'))).toMatchObject({ res_sn: 12, data: { ok: false, error_code: '9025', msg: '“设定温度”必须在 16°C 到 30°C 之间' } })
    const plant = await page(first, 'en')
    plant.send({ cmd: 'subscribe_req', data: [{ did: STUDY_PLANT_OFFLINE }] })
    await plant.next(cmd('subscribe_res'))
    plant.send({ cmd: 'c2s_write', req_sn: 13, data: { did: STUDY_PLANT_OFFLINE, attrs: { pump: true } } })
    expect(await plant.next(cmd('s2c_write_res'))).toMatchObject({ res_sn: 13, data: { ok: false, error_code: 'device_offline', msg: 'The device is offline and cannot be controlled right now' } })
  })

  test('should fan a report out to every page of the user and to nobody else', async () => {
    const one = await subscribed(first)
    const two = await subscribed(first)
    const stranger = await subscribed(second, SECOND_USERS_AC)
    await report(LIVING_ROOM_AC, { room_temp: 33.3 })
    for (const recorder of [one, two]) expect(await recorder.next(cmd('s2c_noti'))).toMatchObject({ data: { did: LIVING_ROOM_AC, attrs: { room_temp: 33.3 } } })
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(stranger.frames.filter((frame) => JSON.stringify(frame).includes(LIVING_ROOM_AC))).toEqual([])
  })

  test('should pass online changes on', async () => {
    const recorder = await subscribed(first)
    await setOnline(LIVING_ROOM_AC, false)
    expect(await recorder.next(cmd('s2c_online_status'))).toMatchObject({ data: { did: LIVING_ROOM_AC, online: false } })
    await setOnline(LIVING_ROOM_AC, true)
    expect(await recorder.next(cmd('s2c_online_status'))).toMatchObject({ data: { did: LIVING_ROOM_AC, online: true } })
  })

  test('should answer garbage with s2c_invalid_msg and pings with pong', async () => {
    const recorder = await page(first)
    recorder.socket.send('not json')
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toMatchObject({ data: { error_code: 4400 } })
    recorder.send({ cmd: 'login_req', data: {} })
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toMatchObject({ data: { error_code: 4400 } })
    recorder.send({ cmd: 'ping' })
    expect(await recorder.next(cmd('pong'))).toEqual({ cmd: 'pong' })
  })

  test('should log in to the cloud again after it drops the login, and keep relaying', async () => {
    const recorder = await subscribed(first)
    const { uid } = (await (await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie: first } })).json()) as { uid: string }
    await fetch(`${backend.sandbox.url}/sandbox/ws/kick`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ uid }) })
    await expect.poll(async () => {
      await report(LIVING_ROOM_AC, { room_temp: 20.2 })
      return recorder.frames.some((frame) => frame.cmd === 's2c_noti' && JSON.stringify(frame).includes('20.2'))
    }, { timeout: 5000 }).toBe(true)
  })
})
