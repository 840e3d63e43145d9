// The virtual products: one folder each is all a product takes (a new folder is registered, a broken one is refused
// with a message), and in 'live' mode each product's own behaviour shows on the app WebSocket — drift, the plant
// waterer's automation, alarms — as does a flaky device dropping offline and coming back.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import { loadProducts } from '../../server/sandbox/products/registry'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, cmd, json, startTestSandbox } from '../support/backend'

const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const PET_HOUSE = 'Pt9cPvYv5tT1uMz4Xd7SbK'
const FLAKY_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const productsDir = join(import.meta.dirname, '../../server/sandbox/products')

/** A product folder outside the source tree: the air conditioner's definition under a new key, with one device. */
function plugFolder(startingValues: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'sbx-products-'))
  cpSync(join(productsDir, 'air-conditioner'), join(root, 'smart-plug'), { recursive: true })
  const definition = JSON.parse(readFileSync(join(productsDir, 'air-conditioner', 'definition.json'), 'utf8')) as { name: string; product_key: string }
  writeFileSync(join(root, 'smart-plug', 'definition.json'), JSON.stringify({ ...definition, name: '智能插座', product_key: 'ab'.repeat(16) }))
  writeFileSync(join(root, 'smart-plug', 'index.ts'), `export default ${JSON.stringify({
    cloud: { productSecret: 'cd'.repeat(16), sharing: true },
    devices: [{ did: 'PlugAAAAAAAAAAAAAAAAAA', mac: 'a0b1c2d3e4f5', passcode: 'PLUGPLUGPL', online: true }],
    startingValues,
  })}\n`)
  return root
}

describe('product folders', () => {
  test('should register each folder under server/sandbox/products as a product, with its devices', async () => {
    const products = await loadProducts()
    expect([...products.values()].map((product) => [product.folder, product.definition.name, product.sharing, product.module.devices.length])).toEqual([
      ['air-conditioner', '空调', true, 4],
      ['door-sensor', '门窗传感器', true, 2],
      ['metering-plug', '计量插座', true, 1],
      ['pet-house', '宠物屋', false, 2],
      ['plant-waterer', '智能浇花器', true, 3],
      ['zigbee-hub', '智能网关', true, 2],
    ])
  })

  test('should make a new folder a new product, and refuse a folder whose starting values break its definition', async () => {
    const products = await loadProducts(plugFolder({ switch: true, set_temp: 22 }))
    const plug = products.get('ab'.repeat(16))!
    expect([plug.folder, plug.definition.name, plug.secret, plug.module.devices[0].did]).toEqual(['smart-plug', '智能插座', 'cd'.repeat(16), 'PlugAAAAAAAAAAAAAAAAAA'])
    await expect(loadProducts(plugFolder({ set_temp: 99 }))).rejects.toThrow('sandbox product smart-plug/ starting value: set_temp must be within 16..30')
  })
})

describe("'live' mode", () => {
  let sandbox: Sandbox | undefined
  afterEach(async () => {
    await sandbox?.close()
    sandbox = undefined
  })

  async function watch(dids: string[]): Promise<FrameRecorder> {
    const login = await fetch(`${sandbox!.url}/app/users`, {
      method: 'POST',
      headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_id: FIRST_USER }),
    })
    const { uid, token } = await json<UserToken>(login)
    const socket = await FrameRecorder.open(`${sandbox!.url.replace('http', 'ws')}/ws/app/v1`)
    socket.send({ cmd: 'login_req', data: { appid: DEMO_GIZWITS_APP_ID, uid, token, p0_type: 'attrs_v4', heartbeat_interval: 180, auto_subscribe: false } })
    await socket.next(cmd('login_res'))
    socket.send({ cmd: 'subscribe_req', data: dids.map((did) => ({ did })) })
    await socket.next(cmd('subscribe_res'))
    return socket
  }
  const report = (did: string, attrs: Record<string, unknown>) =>
    fetch(`${sandbox!.url}/sandbox/devices/${did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
  const noti = (did: string, test: (attrs: Record<string, unknown>) => boolean) => (frame: Record<string, unknown>) => {
    const data = frame.data as { did?: string; attrs?: Record<string, unknown> } | undefined
    return frame.cmd === 's2c_noti' && data?.did === did && test(data.attrs ?? {})
  }

  test('should run each product\'s behaviour: the room cools, the dry plant is watered and alarms, the hot pet house alarms', async () => {
    sandbox = await startTestSandbox({ behaviour: 'live', tickMs: 20 })
    const socket = await watch([LIVING_ROOM_AC, BALCONY_PLANT, PET_HOUSE])
    try {
      expect((await report(LIVING_ROOM_AC, { switch: true, mode: '制冷', set_temp: 16, room_temp: 30 })).status).toBe(200)
      expect((await report(BALCONY_PLANT, { auto_water: true, pump: false, water_threshold: 40, soil_humidity: 10 })).status).toBe(200)
      expect((await report(PET_HOUSE, { Temperature: 60, Alert_1: false })).status).toBe(200)
      // Only frames after the hand-made reports match: set_temp 16 and water_threshold 40 are not starting values.
      const cooled = await socket.next<{ data: { attrs: { room_temp: number } } }>(noti(LIVING_ROOM_AC, (attrs) => attrs.set_temp === 16 && attrs.room_temp !== 30))
      expect(cooled.data.attrs.room_temp).toBeGreaterThanOrEqual(29.6)
      expect(cooled.data.attrs.room_temp).toBeLessThanOrEqual(29.8)
      await socket.next(noti(BALCONY_PLANT, (attrs) => attrs.water_threshold === 40 && attrs.pump === true && attrs.alert_dry === true))
      const hot = await socket.next<{ data: { attrs: { Temperature: number } } }>(noti(PET_HOUSE, (attrs) => attrs.Alert_1 === true))
      expect(hot.data.attrs.Temperature).toBeGreaterThan(35)
    } finally {
      socket.close()
    }
  })

  test('should take the flaky device offline and bring it back', async () => {
    sandbox = await startTestSandbox({ behaviour: 'live', tickMs: 10 })
    const socket = await watch([FLAKY_AC])
    try {
      const off = await socket.next<{ data: { did: string; online: boolean } }>(cmd('s2c_online_status'), 5000)
      expect([off.data.did, off.data.online]).toEqual([FLAKY_AC, false])
      const back = await socket.next<{ data: { online: boolean } }>(cmd('s2c_online_status'), 5000)
      expect(back.data.online).toBe(true)
    } finally {
      socket.close()
    }
  })
})
