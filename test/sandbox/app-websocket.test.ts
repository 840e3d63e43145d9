import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, cmd, json, startTestSandbox } from '../support/backend'

let sandbox: Sandbox
const sockets: FrameRecorder[] = []

async function login(phoneId: string): Promise<UserToken> {
  const response = await fetch(`${sandbox.url}/app/users`, {
    method: 'POST',
    headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' },
    body: JSON.stringify({ phone_id: phoneId }),
  })
  return json<UserToken>(response)
}

async function socket(): Promise<FrameRecorder> {
  const recorder = await FrameRecorder.open(`${sandbox.url.replace('http', 'ws')}/ws/app/v1`)
  sockets.push(recorder)
  return recorder
}

async function loggedIn(phoneId = FIRST_USER, autoSubscribe = false, heartbeat = 180): Promise<FrameRecorder> {
  const { uid, token } = await login(phoneId)
  const recorder = await socket()
  recorder.send({ cmd: 'login_req', data: { appid: DEMO_GIZWITS_APP_ID, uid, token, p0_type: 'attrs_v4', heartbeat_interval: heartbeat, auto_subscribe: autoSubscribe } })
  expect(await recorder.next(cmd('login_res'))).toEqual({ cmd: 'login_res', data: { success: true } })
  return recorder
}

const post = (path: string, body: unknown) => fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

beforeEach(async () => {
  sandbox = await startTestSandbox({ heartbeatGraceMs: 200 })
})
afterEach(async () => {
  for (const recorder of sockets.splice(0)) recorder.close()
  await sandbox.close()
})

describe('app WebSocket', () => {
  test('should refuse commands before login with 1003', async () => {
    const recorder = await socket()
    recorder.send({ cmd: 'ping' })
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toEqual({ cmd: 's2c_invalid_msg', data: { error_code: 1003, msg: 'Websocket client not login!' } })
  })

  test('should refuse a login with a bad token or a heartbeat over 180 s', async () => {
    const { uid, token } = await login(FIRST_USER)
    const recorder = await socket()
    recorder.send({ cmd: 'login_req', data: { appid: DEMO_GIZWITS_APP_ID, uid, token: 'x', p0_type: 'attrs_v4', heartbeat_interval: 60 } })
    expect(await recorder.next(cmd('login_res'))).toEqual({ cmd: 'login_res', data: { success: false } })
    recorder.send({ cmd: 'login_req', data: { appid: DEMO_GIZWITS_APP_ID, uid, token, p0_type: 'attrs_v4', heartbeat_interval: 181 } })
    expect(await recorder.next(cmd('login_res'))).toEqual({ cmd: 'login_res', data: { success: false } })
  })

  test('should subscribe bound devices only, and read their full status', async () => {
    const recorder = await loggedIn()
    recorder.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }, { did: SECOND_USERS_AC }] })
    const result = await recorder.next<{ data: { success: Array<{ did: string }>; failed: Array<{ did: string; error_code: number }> } }>(cmd('subscribe_res'))
    expect(result.data.success.map((item) => item.did)).toEqual([LIVING_ROOM_AC])
    expect(result.data.failed).toMatchObject([{ did: SECOND_USERS_AC, error_code: 9017 }])
    recorder.send({ cmd: 'c2s_read', req_sn: 5, data: { did: LIVING_ROOM_AC } })
    const status = await recorder.next<{ res_sn: number; data: { attrs: Record<string, unknown> } }>(cmd('s2c_noti'))
    expect(status.res_sn).toBe(5)
    expect(status.data.attrs).toMatchObject({ switch: true, alert_full: false, mode: '制冷', room_temp: 27.3 })
  })

  test('should answer a write with res_sn to the writer, plainly to the user\'s other sockets, and not at all to others', async () => {
    const writer = await loggedIn(FIRST_USER, true)
    const sibling = await loggedIn(FIRST_USER, true)
    const stranger = await loggedIn(SECOND_USER, true)
    writer.send({ cmd: 'c2s_write', req_sn: 42, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 19 } } })
    const mine = await writer.next<{ res_sn?: number; data: { attrs: { set_temp: number } } }>(cmd('s2c_noti'))
    expect(mine.res_sn).toBe(42)
    expect(mine.data.attrs.set_temp).toBe(19)
    const theirs = await sibling.next<{ res_sn?: number }>(cmd('s2c_noti'))
    expect(theirs.res_sn).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(stranger.frames.filter((frame) => frame.cmd === 's2c_noti')).toEqual([])
  })

  test('should answer writes in flight from two sockets each with its own res_sn, on the report that applies it', async () => {
    const first = await loggedIn(FIRST_USER, true)
    const second = await loggedIn(FIRST_USER, true)
    first.send({ cmd: 'c2s_write', req_sn: 7, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 18 } } })
    second.send({ cmd: 'c2s_write', req_sn: 8, data: { did: LIVING_ROOM_AC, attrs: { fan_swing: true } } })
    first.send({ cmd: 'c2s_write', req_sn: 9, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 26 } } })
    type Noti = { res_sn?: number; data: { attrs: { set_temp: number; fan_swing: boolean } } }
    const answered = (sn: number) => (frame: Record<string, unknown>) => frame.cmd === 's2c_noti' && frame.res_sn === sn
    expect((await first.next<Noti>(answered(7))).data.attrs.set_temp).toBe(18)
    expect((await second.next<Noti>(answered(8))).data.attrs.fan_swing).toBe(true)
    expect((await first.next<Noti>(answered(9))).data.attrs.set_temp).toBe(26)
    // Each socket also gets the other's report, plainly; no res_sn goes to the wrong socket.
    const plain = (frame: Record<string, unknown>) => frame.cmd === 's2c_noti' && !('res_sn' in frame)
    await first.next(plain)
    await second.next(plain)
    await second.next(plain)
    expect([...first.frames, ...second.frames].filter((frame) => 'res_sn' in frame)).toEqual([])
  })

  test('should refuse to write to a device the user has not bound', async () => {
    const recorder = await loggedIn()
    recorder.send({ cmd: 'c2s_write', data: { did: SECOND_USERS_AC, attrs: { switch: true } } })
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toMatchObject({ data: { error_code: 1017 } })
  })

  test('should push hand-made reports and online changes', async () => {
    const recorder = await loggedIn(FIRST_USER, true)
    await post(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: { room_temp: 12.5 } })
    expect(await recorder.next(cmd('s2c_noti'))).toMatchObject({ data: { did: LIVING_ROOM_AC, attrs: { room_temp: 12.5 } } })
    await post(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: false })
    expect(await recorder.next(cmd('s2c_online_status'))).toEqual({ cmd: 's2c_online_status', data: { did: LIVING_ROOM_AC, passcode: 'JHHOOIWJBA', mac: 'accf2350d446', online: false } })
  })

  test('should close a socket whose heartbeat stops, after 1011', async () => {
    const recorder = await loggedIn(FIRST_USER, false, 1)
    const closed = new Promise((resolve) => recorder.socket.once('close', resolve))
    expect(await recorder.next(cmd('s2c_invalid_msg'), 3000)).toEqual({ cmd: 's2c_invalid_msg', data: { error_code: 1011, msg: 'No heartbeat!' } })
    await closed
  })

  test('should answer pings and send 1009 when the cloud drops the login', async () => {
    const { uid } = await login(FIRST_USER)
    const recorder = await loggedIn()
    recorder.send({ cmd: 'ping' })
    expect(await recorder.next(cmd('pong'))).toEqual({ cmd: 'pong' })
    const kicked = await json<{ sockets: number }>(await post('/sandbox/ws/kick', { uid }))
    expect(kicked.sockets).toBe(1)
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toMatchObject({ data: { error_code: 1009 } })
    recorder.send({ cmd: 'ping' })
    expect(await recorder.next(cmd('s2c_invalid_msg'))).toMatchObject({ data: { error_code: 1003 } })
  })
})
