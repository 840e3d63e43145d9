import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { BindingsResponse, DevdataLatest } from '@shared/open-api'
import { body, AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, UNBOUND_AC_MAC, json, startBackend, type Backend } from '../support/backend'
import { labelSignature } from '../../server/labels/label-signature'
import { DEMO_LABEL_KEY } from '../../server/sandbox/demo-defaults'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
let cookie: string

beforeAll(async () => {
  backend = await startBackend()
  cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
})
afterAll(async () => {
  await backend.close()
})

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${backend.bffUrl}${path}`, { ...init, headers: { cookie, origin: backend.bffUrl, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } })
const control = (did: string, attrs: unknown, headers: Record<string, string> = {}) =>
  api(`/api/app/control/${did}`, { method: 'POST', body: JSON.stringify({ attrs }), headers })
const sandboxState = async (did: string) =>
  (await json<Array<{ did: string; online: boolean }>>(await fetch(`${backend.sandbox.url}/sandbox/devices`))).find((device) => device.did === did)

describe('the Open API relay', () => {
  test('should pass the user\'s bindings through in Gizwits\' shape', async () => {
    const { devices } = await json<BindingsResponse>(await api('/api/app/bindings?limit=20&skip=0'))
    expect(devices).toHaveLength(5)
    expect(devices[0]).toMatchObject({ did: LIVING_ROOM_AC, dev_alias: '客厅空调', product_name: '空调' })
    expect((await api('/api/app/bindings?limit=0')).status).toBe(400)
  })

  test('should control a bound device and the device should change', async () => {
    const response = await control(LIVING_ROOM_AC, { set_temp: 21 })
    expect(response.status).toBe(200)
    await expect.poll(async () => (await json<DevdataLatest>(await api(`/api/app/devdata/${LIVING_ROOM_AC}/latest`))).attr.set_temp).toBe(21)
  })

  test('should refuse a bad command before it leaves, in the user\'s language', async () => {
    const zh = await control(LIVING_ROOM_AC, { set_temp: 40 })
    expect(zh.status).toBe(400)
    expect(await body(zh)).toMatchObject({ error_code: 9025, message: '“设定温度”必须在 16°C 到 30°C 之间' })
    const en = await control(LIVING_ROOM_AC, { mode: '睡眠' }, { 'accept-language': 'en' })
    expect((await body(en)).message).toBe('"模式" must be one of: 自动 / 制冷 / 制热 / 送风 / 除湿')
    const readonly = await control(LIVING_ROOM_AC, { room_temp: 20 })
    expect((await body(readonly)).message).toBe('“室内温度”是只读的，不能设置')
    const raw = await api(`/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', body: JSON.stringify({ raw: [1, 2, 3] }) })
    expect(raw.status).toBe(400)
  })

  test('should never forward a command for a device the user has not bound', async () => {
    const response = await control(SECOND_USERS_AC, { switch: false })
    expect(response.status).toBe(404)
    expect((await body(response)).message).toContain('找不到这台设备')
    expect((await api(`/api/app/devdata/${SECOND_USERS_AC}/latest`)).status).toBe(404)
    expect((await api(`/api/app/devices/${SECOND_USERS_AC}`)).status).toBe(404)
  })

  test('should explain an offline device', async () => {
    expect((await sandboxState(STUDY_PLANT_OFFLINE))?.online).toBe(false)
    const response = await control(STUDY_PLANT_OFFLINE, { pump: true })
    expect(response.status).toBe(409)
    expect(await body(response)).toMatchObject({ error_code: 9042, message: '设备离线，暂时无法控制' })
  })

  test('should serve product definitions of the user\'s devices only', async () => {
    expect((await api(`/api/app/datapoint?product_key=${AC_PRODUCT}`)).status).toBe(200)
    expect((await api('/api/app/datapoint?product_key=ffffffffffffffffffffffffffffffff')).status).toBe(404)
    expect((await api('/api/app/datapoint?product_key=short')).status).toBe(400)
  })

  test('should bind a signed label, signing bind_mac itself, so the page never sees a secret', async () => {
    const sig = labelSignature(DEMO_LABEL_KEY, AC_PRODUCT, UNBOUND_AC_MAC)
    const response = await api('/api/app/bind_label', { method: 'POST', body: JSON.stringify({ product_key: AC_PRODUCT, mac: UNBOUND_AC_MAC, sig, dev_alias: '书房空调' }) })
    expect(response.status).toBe(201)
    expect(await body(response)).toMatchObject({ mac: UNBOUND_AC_MAC, dev_alias: '书房空调' })
    const { devices } = await json<BindingsResponse>(await api('/api/app/bindings'))
    expect(devices.map((device) => device.mac)).toContain(UNBOUND_AC_MAC)
  })

  test('should log in to Gizwits again when the token has expired', async () => {
    await fetch(`${backend.sandbox.url}/sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s: 8 * 86400 }) })
    const response = await api('/api/app/bindings')
    expect(response.status).toBe(200)
    expect((await json<BindingsResponse>(response)).devices.length).toBeGreaterThanOrEqual(5)
  })
})
