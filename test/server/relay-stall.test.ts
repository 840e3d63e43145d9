// The relay against a cloud that freezes and a BFF that dies, each a separate process (the sandbox is frozen with
// SIGSTOP, the BFF killed with SIGKILL), with short relay timings so freezes of a second or two suffice.
// What is asserted is what pages were told and what the device did — never how long anything took.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { CommandOutcome } from '@shared/ws-frames'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, cmd } from '../support/backend'
import { loginThroughSandbox } from '../support/login'
import { startRelayStack, type RelayStack } from '../support/relay-processes'

let stack: RelayStack
let cookie: string
const pages: FrameRecorder[] = []

beforeAll(async () => {
  stack = await startRelayStack({
    cloud: { heartbeatMs: 400, deadlineMs: 800, aliveWithinMs: 150, backoffBaseMs: 100, backoffCapMs: 300 },
    writeWindowMs: 1500,
  })
  cookie = await loginThroughSandbox(stack.bffUrl, FIRST_USER)
}, 60_000)
afterEach(() => {
  stack.thawCloud()
  for (const page of pages.splice(0)) page.close()
})
afterAll(async () => {
  await stack?.stop()
})

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function subscribedPage(): Promise<{ page: FrameRecorder; setTemp: number }> {
  const page = await FrameRecorder.open(`${stack.bffUrl.replace('http', 'ws')}/ws?lang=zh-CN`, { cookie, origin: stack.bffUrl })
  pages.push(page)
  await page.next(cmd('s2c_cloud_status'), 5000)
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  const snapshot = await page.next<{ data: { attrs: { set_temp: number } } }>((frame) => frame.cmd === 's2c_noti', 10_000)
  return { page, setTemp: snapshot.data.attrs.set_temp }
}

/** What the device holds now, as the cloud's REST API reports it (read through the BFF). */
async function deviceSetTemp(): Promise<number> {
  const response = await fetch(`${stack.bffUrl}/api/app/devdata/${LIVING_ROOM_AC}/latest`, { headers: { cookie } })
  return ((await response.json()) as { attr: { set_temp: number } }).attr.set_temp
}

async function statusOf(page: FrameRecorder, id: string): Promise<CommandOutcome> {
  page.send({ cmd: 'c2s_command_status', data: { ids: [id] } })
  const answer = await page.next<{ data: { commands: Array<{ id: string; state: CommandOutcome }> } }>(cmd('s2c_command_status'), 5000)
  return answer.data.commands.find((command) => command.id === id)!.state
}

const cloudStatus = (connected: boolean) => (frame: Record<string, unknown>) =>
  frame.cmd === 's2c_cloud_status' && (frame.data as { connected: boolean }).connected === connected

const other = (value: number, ...taken: number[]) => [18, 19, 27, 28, 29].find((candidate) => candidate !== value && !taken.includes(candidate))!

describe('a stalled cloud', () => {
  test('should tell pages the cloud is down, expire a write it could not send, and send nothing when the cloud wakes up', async () => {
    const { page, setTemp } = await subscribedPage()
    const wanted = other(setTemp)
    stack.freezeCloud()
    // Longer than aliveWithinMs: whatever the cloud said last is now too old to vouch for the link.
    await pause(300)
    page.send({ cmd: 'c2s_write', req_sn: 1, id: 'stall-write-0001', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })

    await page.next(cloudStatus(false), 8000)
    expect(await page.next(cmd('s2c_write_res'), 8000)).toEqual({
      cmd: 's2c_write_res', res_sn: 1,
      data: { did: LIVING_ROOM_AC, ok: false, id: 'stall-write-0001', state: 'expired', error_code: 'not_sent', msg: '没能及时发给设备，设备没有变化，请重试' },
    })

    stack.thawCloud()
    await page.next(cloudStatus(true), 15_000)
    // The read after the reconnect, and the cloud's REST API: the device never got the write.
    expect(await page.next<{ data: { attrs: { set_temp: number } } }>(cmd('s2c_noti'), 8000)).toMatchObject({ data: { attrs: { set_temp: setTemp } } })
    expect(await deviceSetTemp()).toBe(setTemp)
    expect(await statusOf(page, 'stall-write-0001')).toBe('expired')
  })

  test('should leave a write already on the wire to the device, and show what the device did once the cloud is back', async () => {
    const { page, setTemp } = await subscribedPage()
    const wanted = other(setTemp)
    page.send({ cmd: 'c2s_write', req_sn: 2, id: 'stall-write-0002', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await page.next(cmd('s2c_write_res'), 5000)).toMatchObject({ data: { ok: true, id: 'stall-write-0002', state: 'sent' } })
    stack.freezeCloud()
    await pause(1500)
    stack.thawCloud()
    // Whether the device applied it before the freeze or after, the page ends up with the device's own value,
    // and the BFF never calls the command failed.
    await expect.poll(async () => {
      const device = await deviceSetTemp()
      const lastSeen = page.frames.filter((frame) => frame.cmd === 's2c_noti').map((frame) => (frame.data as { attrs: { set_temp?: number } }).attrs.set_temp).filter((value) => value !== undefined).pop()
      return lastSeen === device
    }, { timeout: 15_000, interval: 200 }).toBe(true)
    expect(['sent', 'confirmed']).toContain(await statusOf(page, 'stall-write-0002'))
  })
})

describe('a BFF that dies mid-flight', () => {
  test('should, after a restart, say truthfully that a queued command was never sent, and never send it on a retry', async () => {
    const { page, setTemp } = await subscribedPage()
    const wanted = other(setTemp)
    stack.freezeCloud()
    await pause(300)
    page.send({ cmd: 'c2s_write', req_sn: 3, id: 'crash-write-0003', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await statusOf(page, 'crash-write-0003')).toBe('queued')
    await stack.killBff()
    stack.thawCloud()
    await stack.startBff()

    const { page: again } = await subscribedPage()
    expect(await statusOf(again, 'crash-write-0003')).toBe('expired')
    again.send({ cmd: 'c2s_write', req_sn: 4, id: 'crash-write-0003', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await again.next(cmd('s2c_write_res'), 5000)).toMatchObject({ res_sn: 4, data: { ok: false, id: 'crash-write-0003', state: 'expired' } })
    // Nothing reached the device, before or after: a read through the cloud shows the old value.
    again.send({ cmd: 'c2s_read', data: { did: LIVING_ROOM_AC } })
    expect(await again.next(cmd('s2c_noti'), 5000)).toMatchObject({ data: { attrs: { set_temp: setTemp } } })
    expect(await deviceSetTemp()).toBe(setTemp)
  })

  test('should, after a restart, say a sent command was sent, and not run it again on a retry with the same id', async () => {
    const { page, setTemp } = await subscribedPage()
    const wanted = other(setTemp)
    page.send({ cmd: 'c2s_write', req_sn: 5, id: 'crash-write-0005', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await page.next(cmd('s2c_write_res'), 5000)).toMatchObject({ data: { ok: true, state: 'sent' } })
    await stack.killBff()
    await stack.startBff()

    const { page: again } = await subscribedPage()
    expect(['sent', 'confirmed']).toContain(await statusOf(again, 'crash-write-0005'))
    await expect.poll(deviceSetTemp, { timeout: 5000 }).toBe(wanted)

    // Someone changes it on the device; the page's retry of the old command must not undo that.
    const changed = other(wanted, setTemp)
    await fetch(`${stack.sandboxUrl}/sandbox/devices/${LIVING_ROOM_AC}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { set_temp: changed } }) })
    await again.next((frame) => frame.cmd === 's2c_noti' && (frame.data as { attrs: { set_temp?: number } }).attrs.set_temp === changed, 5000)
    again.send({ cmd: 'c2s_write', req_sn: 6, id: 'crash-write-0005', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await again.next(cmd('s2c_write_res'), 5000)).toMatchObject({ res_sn: 6, data: { ok: true, id: 'crash-write-0005' } })
    // A read goes through the same cloud socket after the retry would have: the device still holds the change.
    again.send({ cmd: 'c2s_read', data: { did: LIVING_ROOM_AC } })
    expect(await again.next(cmd('s2c_noti'), 5000)).toMatchObject({ data: { attrs: { set_temp: changed } } })
    await pause(300)
    expect(await deviceSetTemp()).toBe(changed)
  })
})
