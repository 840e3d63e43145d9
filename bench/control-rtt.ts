// Tap-to-confirmed: a write through the BFF page socket until the device's own report shows the value, against a
// direct sandbox REST control (POST /app/control) until the same report arrives on a direct sandbox socket.
// Run: npm run bench:control-rtt   (ROUNDS=200 to change)
import WebSocket from 'ws'
import type { UserToken } from '@shared/open-api'
import type { GizwitsServerFrame, PageServerFrame } from '@shared/ws-frames'
import { DEMO_GIZWITS_APP_ID } from '../server/sandbox/demo-defaults'
import { firstUsersAirConditioner, startSandboxAndBff } from './support/processes'
import { ms, summarize } from './support/stats'

const ROUNDS = Number(process.env.ROUNDS ?? 200)
/** The BFF lets a user write 10 times a second (burst 20): rounds are spaced to stay under it, outside the timing. */
const ROUND_GAP_MS = 110
const APP_ID_HEADER = 'X-Gizwits-Application-Id'

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
}

function waitFor<T>(socket: WebSocket, match: (frame: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const listener = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as T
      if (match(frame)) {
        socket.off('message', listener)
        resolve(frame)
      }
    }
    socket.on('message', listener)
  })
}

const reports = (did: string, value: number) => (frame: PageServerFrame | GizwitsServerFrame) =>
  frame.cmd === 's2c_noti' && frame.data.did === did && frame.data.attrs.set_temp === value

const stack = await startSandboxAndBff()
try {
  const { openid, cookie, device } = await firstUsersAirConditioner(stack)

  // Through the BFF, as a page does.
  const page = await open(`${stack.bff.url.replace('http', 'ws')}/ws`, { cookie })
  // The snapshot's values arrive once the BFF's cloud socket is up: only then can a tap go through.
  const snapshot = waitFor<PageServerFrame>(page, (frame) => frame.cmd === 's2c_noti' && frame.data.did === device.did)
  page.send(JSON.stringify({ cmd: 'subscribe_req', data: [{ did: device.did }] }))
  await snapshot
  page.on('message', (data) => {
    const frame = JSON.parse(String(data)) as PageServerFrame
    if (frame.cmd === 's2c_write_res' && !frame.data.ok) throw new Error(`write refused: ${frame.data.msg}`)
  })
  const viaBff: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const wanted = round % 2 === 0 ? 20 : 21
    const started = performance.now()
    const confirmed = waitFor<PageServerFrame>(page, reports(device.did, wanted))
    page.send(JSON.stringify({ cmd: 'c2s_write', req_sn: round + 1, data: { did: device.did, attrs: { set_temp: wanted } } }))
    await confirmed
    viaBff.push(performance.now() - started)
    await new Promise((resolve) => setTimeout(resolve, ROUND_GAP_MS))
  }
  page.close()

  // Directly on the sandbox, as the cloud's own clients do.
  const headers = { 'content-type': 'application/json', [APP_ID_HEADER]: DEMO_GIZWITS_APP_ID }
  const token = (await (await fetch(`${stack.sandbox.url}/app/users`, { method: 'POST', headers, body: JSON.stringify({ phone_id: openid }) })).json()) as UserToken
  const cloud = await open(`ws://${device.host}:${device.ws_port}/ws/app/v1`)
  const loggedIn = waitFor<GizwitsServerFrame>(cloud, (frame) => frame.cmd === 'login_res')
  cloud.send(JSON.stringify({ cmd: 'login_req', data: { appid: headers[APP_ID_HEADER], uid: token.uid, token: token.token, p0_type: 'attrs_v4', heartbeat_interval: 180, auto_subscribe: true } }))
  await loggedIn
  const direct: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const wanted = round % 2 === 0 ? 22 : 23
    const started = performance.now()
    const confirmed = waitFor<GizwitsServerFrame>(cloud, reports(device.did, wanted))
    const response = await fetch(`${stack.sandbox.url}/app/control/${device.did}`, {
      method: 'POST',
      headers: { ...headers, 'X-Gizwits-User-token': token.token },
      body: JSON.stringify({ attrs: { set_temp: wanted } }),
    })
    if (!response.ok) throw new Error(`direct control failed: ${response.status} ${await response.text()}`)
    await confirmed
    direct.push(performance.now() - started)
  }
  cloud.close()

  const b = summarize(viaBff)
  const d = summarize(direct)
  console.log(`control-rtt: ${ROUNDS} writes each, tap → device report confirms (sandbox report delay included)`)
  console.log(`  through BFF     : p50 ${ms(b.p50)}, p95 ${ms(b.p95)} (target p95 ≤ 100 ms)`)
  console.log(`  direct sandbox  : p50 ${ms(d.p50)}, p95 ${ms(d.p95)}`)
  console.log(`  ratio BFF/direct: p50 ${(b.p50 / d.p50).toFixed(2)}×, p95 ${(b.p95 / d.p95).toFixed(2)}×`)
} finally {
  await stack.stop()
}
