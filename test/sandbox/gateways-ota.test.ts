// Gateways and firmware in the sandbox, over its real HTTP API: the pairing window opens through the Open API and
// closes by itself (moved past its time with the sandbox clock), a sub-device joins only while it is open and is
// bound to the gateway's users as `sub_dev` with `gw_did`, goes offline with its gateway, and is removed; SNoti's
// events are covered in snoti.test.ts' style by the events the World announces. Firmware: a published version is
// offered, an upgrade runs download → install → reboot → done, fails with a reason, or fails when the device
// drops offline mid-way; a guest may look but not upgrade.
import { afterEach, describe, expect, test } from 'vitest'
import type { BoundDevice, UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { SECOND_USER, json, startTestSandbox } from '../support/backend'
import { SnotiLine } from '../support/snoti-line'

/** 小李, who owns the demo gateway (server/sandbox/seed.ts). */
const HUB_OWNER = 'oDemo_XiaoLi_5hG8jT2wQ4rZ'
const HUB = 'Gw5hUbRb1yY7zSe0Ci3XgP'
const SENSOR = 'Ds1aKdLd3aA9bUg2Ek5ZiR'
const PLUG = 'Mp1cMfNf5cC1dWi4Gm7BkT'
const HUB_PRODUCT = '3a7c9e1f5b2d4c6e8a0b1c2d3e4f5061'

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.close()
  sandbox = undefined
})

async function login(phoneId: string): Promise<string> {
  const response = await fetch(`${sandbox!.url}/app/users`, { method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: phoneId }) })
  return (await json<UserToken>(response)).token
}
function api(token: string) {
  const headers = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': token, 'content-type': 'application/json' }
  return {
    get: async <T>(path: string) => json<T>(await fetch(`${sandbox!.url}${path}`, { headers })),
    send: (method: string, path: string, body?: unknown) => fetch(`${sandbox!.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }),
  }
}
const surface = (path: string, body: unknown) => fetch(`${sandbox!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
const bindingOf = async (token: string, did: string) => (await api(token).get<{ devices: BoundDevice[] }>('/app/bindings?limit=100')).devices.find((device) => device.did === did)
const advance = (seconds: number) => surface('/sandbox/clock', { advance_s: seconds })

describe('gateway pairing', () => {
  test('should let a sub-device join only while the pairing window is open, and close the window when its time is up', async () => {
    sandbox = await startTestSandbox()
    const owner = api(await login(HUB_OWNER))
    // Closed: the sensor's button does nothing.
    expect((await surface(`/sandbox/devices/${SENSOR}/pair`, {})).status).toBe(409)
    const opened = await owner.send('POST', `/app/devices/${HUB}/sub_devices`, { timeout: 60 })
    expect(opened.status).toBe(200)
    expect((await json<{ pairing_left: number }>(opened)).pairing_left).toBe(60)
    await advance(20)
    expect((await owner.get<{ pairing_left: number }>(`/app/devices/${HUB}/sub_devices`)).pairing_left).toBe(40)
    // The sandbox's device page has a 配对 button on each sub-device, which posts as text/plain (no CORS preflight).
    const labels = await (await fetch(`${sandbox!.url}/sandbox/labels`)).text()
    expect(labels).toContain(`data-pair="${SENSOR}"`)
    const pressed = await fetch(`${sandbox!.url}/sandbox/devices/${SENSOR}/pair`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })
    expect(await json(pressed)).toEqual({ did: SENSOR, gw_did: HUB })
    const list = await owner.get<{ sub_devices: Array<{ did: string; gw_did: string; is_online: boolean }> }>(`/app/devices/${HUB}/sub_devices`)
    expect(list.sub_devices.map((sub) => [sub.did, sub.gw_did, sub.is_online])).toEqual([[PLUG, HUB, true], [SENSOR, HUB, true]])
    const sensorBinding = await bindingOf(await login(HUB_OWNER), SENSOR)
    expect([sensorBinding?.type, sensorBinding?.gw_did, sensorBinding?.role]).toEqual(['sub_dev', HUB, 'owner'])
    expect((await bindingOf(await login(HUB_OWNER), HUB))?.type).toBe('center_control')
    // The window closes by itself: the second sensor is too late.
    await advance(41)
    expect((await owner.get<{ pairing_left: number }>(`/app/devices/${HUB}/sub_devices`)).pairing_left).toBe(0)
    expect((await surface('/sandbox/devices/Ds2bLeMe4bB0cVh3Fl6AjS/pair', {})).status).toBe(409)
  })

  test('should take sub-devices offline with their gateway and back, and remove one with its bindings', async () => {
    sandbox = await startTestSandbox()
    const token = await login(HUB_OWNER)
    expect((await bindingOf(token, PLUG))?.is_online).toBe(true)
    await surface(`/sandbox/devices/${HUB}/online`, { online: false })
    expect((await bindingOf(token, PLUG))?.is_online).toBe(false)
    await surface(`/sandbox/devices/${HUB}/online`, { online: true })
    expect((await bindingOf(token, PLUG))?.is_online).toBe(true)
    expect((await api(token).send('DELETE', `/app/devices/${HUB}/sub_devices/${PLUG}`)).status).toBe(200)
    expect(await bindingOf(token, PLUG)).toBeUndefined()
    expect((await api(token).get<{ sub_devices: unknown[] }>(`/app/devices/${HUB}/sub_devices`)).sub_devices).toEqual([])
  })

  test('should give a guest of the gateway its sub-devices as a guest, who may not open the window', async () => {
    sandbox = await startTestSandbox()
    const owner = api(await login(HUB_OWNER))
    const guestToken = await login(SECOND_USER)
    const { uid: guestUid } = await api(guestToken).get<{ uid: string }>('/app/users')
    expect((await owner.send('POST', '/app/sharing', { type: 0, did: HUB, uid: guestUid })).status).toBe(201)
    const { objects } = await api(guestToken).get<{ objects: Array<{ id: number }> }>('/app/sharing?sharing_type=1&status=0')
    expect((await api(guestToken).send('PUT', `/app/sharing/${objects[0].id}?status=1`)).status).toBe(200)
    const plug = await bindingOf(guestToken, PLUG)
    expect([plug?.role, plug?.gw_did]).toEqual(['guest', HUB])
    expect((await api(guestToken).send('POST', `/app/devices/${HUB}/sub_devices`, {})).status).toBe(400)
    // Removed from the gateway, the guest loses its sub-devices too.
    expect((await owner.send('DELETE', `/app/${HUB}/bindings?uid=${guestUid}`)).status).toBe(200)
    expect(await bindingOf(guestToken, PLUG)).toBeUndefined()
  })
})

describe('SNoti', () => {
  test('should announce a sub-device added to and deleted from its gateway, on the gateway\'s product', async () => {
    sandbox = await startTestSandbox()
    const line = await SnotiLine.open(sandbox.snoti)
    try {
      const credential = sandbox.snoti.credentials.find((c) => c.product_key === HUB_PRODUCT)!
      line.send({ cmd: 'login_req', data: [{ ...credential, subkey: 'vendor_srv', events: ['center_control.sub_device_added', 'center_control.sub_device_deleted'] }] })
      expect(await line.next((f) => f.cmd === 'login_res')).toEqual({ cmd: 'login_res', data: { result: true, msg: 'ok' } })
      const owner = api(await login(HUB_OWNER))
      await owner.send('POST', `/app/devices/${HUB}/sub_devices`, { timeout: 30 })
      await surface(`/sandbox/devices/${SENSOR}/pair`, {})
      const added = await line.next((f) => f.cmd === 'event_push' && f.event_type === 'sub_device_added')
      expect(added).toMatchObject({ product_key: HUB_PRODUCT, did: HUB, child_did: SENSOR, child_product_key: '4b8d0f2a6c3e5d7f9b1c2d3e4f506172', child_mac: '00158d01a1b2' })
      await owner.send('DELETE', `/app/devices/${HUB}/sub_devices/${SENSOR}`)
      expect(await line.next((f) => f.cmd === 'event_push' && f.event_type === 'sub_device_deleted')).toMatchObject({ did: HUB, child_did: SENSOR })
    } finally {
      line.close()
    }
  })
})

describe('firmware updates', () => {
  type Ota = { wifi: { current: string; latest: string | null; notes: string | null }; upgrade: { state: string; reason: string | null; progress: number } | null }
  const until = async (token: string, did: string, done: (ota: Ota) => boolean): Promise<Ota> => {
    for (;;) {
      const ota = await api(token).get<Ota>(`/app/devices/${did}/ota`)
      if (done(ota)) return ota
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }
  const publish = (forced = false) => surface('/sandbox/firmware', { product_key: HUB_PRODUCT, firmware_type: 'wifi', version: '04020021', notes: '修复偶发掉线', forced })

  test('should offer a published version and run the upgrade to done, with the new version reported', async () => {
    sandbox = await startTestSandbox({ otaStepMs: 5 })
    const token = await login(HUB_OWNER)
    expect((await api(token).get<Ota>(`/app/devices/${HUB}/ota`)).wifi).toEqual({ current: '04020020', latest: null, notes: null, forced: false })
    expect((await publish()).status).toBe(200)
    expect((await api(token).get<Ota>(`/app/devices/${HUB}/ota`)).wifi).toEqual({ current: '04020020', latest: '04020021', notes: '修复偶发掉线', forced: false })
    // Not forced: nothing starts by itself.
    expect((await api(token).get<Ota>(`/app/devices/${HUB}/ota`)).upgrade).toBeNull()
    const started = await api(token).send('POST', `/app/devices/${HUB}/ota`, { firmware_type: 'wifi' })
    expect((await json<{ upgrade: { state: string } }>(started)).upgrade.state).toBe('downloading')
    const done = await until(token, HUB, (ota) => ota.upgrade?.state === 'done')
    expect(done.wifi).toEqual({ current: '04020021', latest: null, notes: null, forced: false })
    expect((await bindingOf(token, HUB))?.wifi_soft_version).toBe('04020021')
  })

  test('should fail with the reason the device gives, and succeed on retry', async () => {
    sandbox = await startTestSandbox({ otaStepMs: 5 })
    const token = await login(HUB_OWNER)
    await publish()
    await surface(`/sandbox/devices/${HUB}/ota-fail`, { reason: 'verify_failed' })
    await api(token).send('POST', `/app/devices/${HUB}/ota`, { firmware_type: 'wifi' })
    const failed = await until(token, HUB, (ota) => ota.upgrade?.state === 'failed')
    expect([failed.upgrade?.reason, failed.wifi.current]).toEqual(['verify_failed', '04020020'])
    await api(token).send('POST', `/app/devices/${HUB}/ota`, { firmware_type: 'wifi' })
    expect((await until(token, HUB, (ota) => ota.upgrade?.state === 'done')).wifi.current).toBe('04020021')
  })

  test('should report a device that went offline mid-update honestly and keep its old version', async () => {
    sandbox = await startTestSandbox({ otaStepMs: 60_000 })
    const token = await login(HUB_OWNER)
    await publish()
    await api(token).send('POST', `/app/devices/${HUB}/ota`, { firmware_type: 'wifi' })
    await surface(`/sandbox/devices/${HUB}/online`, { online: false })
    const ota = await api(token).get<Ota>(`/app/devices/${HUB}/ota`)
    expect([ota.upgrade?.state, ota.upgrade?.reason, ota.wifi.current]).toEqual(['failed', 'device_offline', '04020020'])
  })

  test('should start a forced version on the devices without the owner, and only a forced one', async () => {
    sandbox = await startTestSandbox({ otaStepMs: 5 })
    const token = await login(HUB_OWNER)
    await publish(false)
    expect((await api(token).get<Ota>(`/app/devices/${HUB}/ota`)).upgrade).toBeNull()
    await surface('/sandbox/firmware', { product_key: HUB_PRODUCT, firmware_type: 'wifi', version: '04020022', notes: '安全更新', forced: true })
    const done = await until(token, HUB, (ota) => ota.upgrade?.state === 'done')
    expect(done.wifi.current).toBe('04020022')
  })
})
