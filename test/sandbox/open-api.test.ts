import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { BindingsResponse, BoundDevice, DevdataLatest, UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { body, AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, UNBOUND_AC_MAC, json, startTestSandbox } from '../support/backend'

let sandbox: Sandbox
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }

async function login(phoneId = FIRST_USER): Promise<UserToken> {
  const response = await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) })
  expect(response.status).toBe(201)
  return json<UserToken>(response)
}

const call = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { ...app, 'X-Gizwits-User-token': token, ...(init.headers as Record<string, string>) } })

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

describe('users', () => {
  test('should give the same uid to the same phone_id, with a new 7-day token each time', async () => {
    const first = await login()
    const second = await login()
    expect(second.uid).toBe(first.uid)
    expect(second.token).not.toBe(first.token)
    expect(first.uid).toMatch(/^[0-9a-f]{32}$/)
    expect(first.expire_at - Date.now() / 1000).toBeGreaterThan(7 * 86400 - 60)
    const profile = await json<{ uid: string; is_anonymous: boolean }>(await call(first.token, '/app/users'))
    expect(profile).toMatchObject({ uid: first.uid, is_anonymous: true })
  })

  test('should refuse an unknown appid and a bad token with the cloud error bodies', async () => {
    const wrongApp = await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: { ...app, 'X-Gizwits-Application-Id': '0'.repeat(32) }, body: '{"phone_id":"x"}' })
    expect(wrongApp.status).toBe(400)
    expect(await body(wrongApp)).toEqual({ error_code: 9003, error_message: 'appid invalid', detail_message: null })
    const badToken = await call('f'.repeat(32), '/app/bindings')
    expect(badToken.status).toBe(400)
    expect(await body(badToken)).toEqual({ error_code: 9004, error_message: 'token invalid!', detail_message: null })
  })

  test('should expire tokens after 7 days', async () => {
    const { token } = await login()
    await fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: app, body: JSON.stringify({ advance_s: 8 * 86400 }) })
    const response = await call(token, '/app/bindings')
    expect((await body(response)).error_code).toBe(9006)
  })

  test('should answer a malformed form with 9015', async () => {
    const response = await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: '{"phone_id":' })
    expect(response.status).toBe(400)
    expect((await body(response)).error_code).toBe(9015)
  })
})

describe('bindings and devices', () => {
  test('should list bindings with every field of the seed example and page through them', async () => {
    const { token } = await login()
    const { devices } = await json<BindingsResponse>(await call(token, '/app/bindings?limit=20&skip=0'))
    expect(devices.map((device) => device.dev_alias)).toEqual(['客厅空调', '卧室空调', '阳台绿萝', '书房多肉', '旺财的小屋'])
    const fields: Array<keyof BoundDevice> = ['product_key', 'did', 'mac', 'is_online', 'passcode', 'host', 'port', 'port_s', 'ws_port', 'wss_port', 'remark', 'is_disabled', 'type', 'dev_alias', 'dev_label', 'role']
    for (const field of fields) expect(devices[0]).toHaveProperty(field)
    expect(devices[0]).toMatchObject({ host: '127.0.0.1', ws_port: sandbox.port, type: 'normal', role: 'owner', is_online: true })
    const page = await json<BindingsResponse>(await call(token, '/app/bindings?limit=2&skip=2'))
    expect(page.devices.map((device) => device.dev_alias)).toEqual(['阳台绿萝', '书房多肉'])
  })

  test('should tell an unknown device (404, 9014) from one bound by someone else (401, 9017)', async () => {
    const { token } = await login()
    const unknown = await call(token, '/app/devices/nope')
    expect(unknown.status).toBe(404)
    expect(await body(unknown)).toEqual({ error_code: 9014, error_message: 'device not found!', detail_message: null })
    const foreign = await call(token, `/app/devices/${SECOND_USERS_AC}`)
    expect(foreign.status).toBe(401)
    expect((await body(foreign)).error_code).toBe(9017)
  })

  test('should rename a binding and unbind with success and failed lists', async () => {
    const { token } = await login()
    const renamed = await call(token, `/app/bindings/${LIVING_ROOM_AC}`, { method: 'PUT', body: JSON.stringify({ dev_alias: '大客厅' }) })
    expect(await body(renamed)).toMatchObject({ dev_alias: '大客厅' })
    const unbound = await call(token, '/app/bindings', { method: 'DELETE', body: JSON.stringify({ devices: [{ did: LIVING_ROOM_AC }, { did: SECOND_USERS_AC }] }) })
    expect(await body(unbound)).toEqual({ success: [LIVING_ROOM_AC], failed: [SECOND_USERS_AC] })
  })
})

describe('bind_mac', () => {
  const sign = (timestamp: number, secret: string) => createHash('md5').update(secret + timestamp).digest('hex')

  test('should bind with a good signature and refuse stale or wrong ones', async () => {
    const { token } = await login('a-new-phone')
    const secret = sandbox.products.find((product) => product.product_key === AC_PRODUCT)!.product_secret
    const now = Math.floor(Date.now() / 1000)
    const form = JSON.stringify({ product_key: AC_PRODUCT, mac: UNBOUND_AC_MAC, dev_alias: '新空调' })
    const stale = await call(token, '/app/bind_mac', { method: 'POST', body: form, headers: { 'X-Gizwits-Timestamp': String(now - 400), 'X-Gizwits-Signature': sign(now - 400, secret) } })
    expect((await body(stale)).error_code).toBe(9043)
    const wrong = await call(token, '/app/bind_mac', { method: 'POST', body: form, headers: { 'X-Gizwits-Timestamp': String(now), 'X-Gizwits-Signature': sign(now, 'not-the-secret') } })
    expect((await body(wrong)).error_code).toBe(9044)
    const good = await call(token, '/app/bind_mac', { method: 'POST', body: form, headers: { 'X-Gizwits-Timestamp': String(now), 'X-Gizwits-Signature': sign(now, secret) } })
    expect(good.status).toBe(201)
    expect(await body(good)).toMatchObject({ mac: UNBOUND_AC_MAC, dev_alias: '新空调', role: 'special' })
  })
})

describe('device data and control', () => {
  test('should return datapoints and the latest report with the singular attr and bools as 0/1', async () => {
    const { token } = await login()
    const product = await json<{ product_key: string; entities: unknown[] }>(await call(token, `/app/datapoint?product_key=${AC_PRODUCT}`))
    expect(product.product_key).toBe(AC_PRODUCT)
    expect((await call(token, '/app/datapoint?product_key=nope').then(body)).error_code).toBe(9002)
    const latest = await json<DevdataLatest>(await call(token, `/app/devdata/${LIVING_ROOM_AC}/latest`))
    expect(latest.did).toBe(LIVING_ROOM_AC)
    expect(latest.attr).toMatchObject({ switch: 1, alert_full: 0, mode: '制冷', set_temp: 24, room_temp: 27.3 })
  })

  test('should apply a control after the device reports it', async () => {
    const { token } = await login()
    const response = await call(token, `/app/control/${LIVING_ROOM_AC}`, { method: 'POST', body: JSON.stringify({ attrs: { set_temp: 18, mode: '制热' } }) })
    expect(response.status).toBe(200)
    expect(await body(response)).toEqual({})
    await expect.poll(async () => (await json<DevdataLatest>(await call(token, `/app/devdata/${LIVING_ROOM_AC}/latest`))).attr.set_temp).toBe(18)
  })

  test.each([
    [{ set_temp: 31 }],
    [{ set_temp: 20.5 }],
    [{ mode: '睡眠' }],
    [{ room_temp: 20 }],
    [{ nope: 1 }],
    [{ switch: 'on' }],
  ])('should refuse the invalid control %j with 9025', async (attrs) => {
    const { token } = await login()
    const response = await call(token, `/app/control/${LIVING_ROOM_AC}`, { method: 'POST', body: JSON.stringify({ attrs }) })
    expect(response.status).toBe(400)
    expect((await body(response)).error_code).toBe(9025)
  })

  test('should refuse to control an offline device with 9042', async () => {
    const { token } = await login()
    const response = await call(token, `/app/control/${STUDY_PLANT_OFFLINE}`, { method: 'POST', body: JSON.stringify({ attrs: { pump: true } }) })
    expect(response.status).toBe(400)
    expect(await body(response)).toEqual({ error_code: 9042, error_message: 'device offline!', detail_message: null })
  })
})

describe('control surface', () => {
  test('should validate what it is given', async () => {
    const post = (path: string, body: unknown) => fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await post(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: { room_temp: 99 } })).status).toBe(400)
    expect((await post(`/sandbox/devices/${LIVING_ROOM_AC}/report`, { attrs: {} })).status).toBe(400)
    expect((await post('/sandbox/devices/nope/report', { attrs: { room_temp: 20 } })).status).toBe(404)
    expect((await post(`/sandbox/devices/${LIVING_ROOM_AC}/online`, { online: 'no' })).status).toBe(400)
    expect((await post(`/sandbox/devices/${STUDY_PLANT_OFFLINE}/report`, { attrs: { pump: true } })).status).toBe(409)
    const devices = await json<Array<{ did: string; online: boolean }>>(await fetch(`${sandbox.url}/sandbox/devices`))
    expect(devices.length).toBeGreaterThanOrEqual(6)
    expect(devices.find((device) => device.did === STUDY_PLANT_OFFLINE)?.online).toBe(false)
  })
})
