// The sandbox's Open API as clients in the field call it (issue 12), written from seed 003 and Gizwits' own SDKs:
// the JSON header on body-less requests, error bodies for unknown paths, device_register after Wi-Fi setup,
// password users, looking a device up by MAC, aggregated history.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import { deviceRandomCode } from '../../server/sandbox/device-register'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AC_PRODUCT, body, FIRST_USER, json, LIVING_ROOM_AC, SECOND_USERS_AC, startTestSandbox, UNBOUND_AC_MAC } from '../support/backend'

let sandbox: Sandbox
// Gizwits' SDKs send this header on every request, GETs included (openapi-sdk-java OpenApi.java; mini_program_gizwits_sdk openApiRequest.ts).
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }
const UNBOUND_AC = 'Nw1eRxAx7vV3wOb6Zf9UdM'

async function anonymous(phoneId = FIRST_USER): Promise<UserToken> {
  return json<UserToken>(await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) }))
}
const call = (token: string, path: string, init: RequestInit = {}) =>
  fetch(`${sandbox.url}${path}`, { ...init, headers: { ...app, 'X-Gizwits-User-token': token, ...(init.headers as Record<string, string>) } })
const post = (path: string, payload: unknown, token?: string) =>
  fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { ...app, ...(token ? { 'X-Gizwits-User-token': token } : {}) }, body: JSON.stringify(payload) })

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

describe('requests as the SDKs send them', () => {
  test('should take Content-Type: application/json with no body on GET, DELETE and body-less POST', async () => {
    const { token } = await anonymous()
    const list = await call(token, '/app/bindings')
    expect(list.status).toBe(200)
    expect(((await body(list)).devices as unknown[]).length).toBeGreaterThan(0)
    // A POST whose parameters are all in the path: the answer is about the code, not about the empty body.
    const accept = await call(token, '/app/sharing/code/000000', { method: 'POST' })
    expect(await body(accept)).toMatchObject({ error_code: 9084 })
    // A route that needs a body still says which parameter is missing, in the Gizwits shape.
    const unbind = await call(token, '/app/bindings', { method: 'DELETE' })
    expect(unbind.status).toBe(400)
    expect(await body(unbind)).toMatchObject({ error_code: 9015, error_message: 'form invalid!' })
  })

  test('should answer an unknown path or method with a Gizwits error body, never a bare 404', async () => {
    const { token } = await anonymous()
    const unknown = await call(token, '/app/no_such_api')
    expect(unknown.status).toBe(404)
    const unknownBody = await body(unknown)
    expect(Object.keys(unknownBody).sort()).toEqual(['detail_message', 'error_code', 'error_message'])
    expect(unknownBody).toMatchObject({ error_code: 9015, error_message: 'form invalid!' })
    const wrongMethod = await call(token, '/app/datapoint?product_key=x', { method: 'DELETE' })
    expect(wrongMethod.status).toBe(405)
    expect(wrongMethod.headers.get('allow')).toBe('GET')
    expect(await body(wrongMethod)).toMatchObject({ error_code: 9015 })
    const brokenJson = await call(token, '/app/control/x', { method: 'POST', body: '{"attrs":' })
    expect(await body(brokenJson)).toMatchObject({ error_code: 9015 })
  })
})

describe('device_register after Wi-Fi setup', () => {
  test("should derive random codes as Gizwits' SDK does (its own test vector)", () => {
    // mini_program_gizwits_sdk tests/randomCode.spec.ts
    expect(deviceRandomCode('gizwits', 'giz$2025', '162866a5336c4a92a7edba1a2b07b182')).toBe('1151f0754ded09e8098db90ba7f24ff5')
  })

  test('should list the device once it has joined the network the codes were made from, and nothing before', async () => {
    const { token } = await anonymous()
    const codes = sandbox.products.map((product) => deviceRandomCode('HomeWiFi', 'secret-pass-1', product.product_key))
    const poll = async () => json<Array<Record<string, unknown>>>(await call(token, `/app/device_register?random_codes=${codes.join(',')}`))
    expect(await poll()).toEqual([])
    const joined = await fetch(`${sandbox.url}/sandbox/wechat/airkiss`, {
      method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ did: UNBOUND_AC, ssid: 'HomeWiFi', password: 'secret-pass-1' }),
    })
    expect(await body(joined)).toMatchObject({ ok: true })
    expect(await poll()).toEqual([expect.objectContaining({ random_code: codes[sandbox.products.findIndex((p) => p.product_key === AC_PRODUCT)], product_key: AC_PRODUCT, mac: UNBOUND_AC_MAC, did: UNBOUND_AC })])
    // Another network's codes (a wrong password) find nothing.
    const wrong = deviceRandomCode('HomeWiFi', 'secret-pass-2', AC_PRODUCT)
    expect(await json(await call(token, `/app/device_register?random_codes=${wrong}`))).toEqual([])
  })

  test('should refuse a missing token (9004) and malformed codes (9015)', async () => {
    const noToken = await fetch(`${sandbox.url}/app/device_register?random_codes=${'a'.repeat(32)}`, { headers: app })
    expect(await body(noToken)).toMatchObject({ error_code: 9004 })
    const { token } = await anonymous()
    expect(await body(await call(token, '/app/device_register?random_codes=xyz'))).toMatchObject({ error_code: 9015 })
  })
})

describe('username and password users (seed 003 用户管理)', () => {
  test('should create, refuse a taken username or weak password, and log in with 9020 on a wrong password', async () => {
    const created = await post('/app/users', { username: 'gizwits', password: 'Passw0rd!' })
    expect(created.status).toBe(201)
    const user = await json<UserToken>(created)
    expect(user).toEqual({ uid: expect.stringMatching(/^[0-9a-f]{32}$/), token: expect.stringMatching(/^[0-9a-f]{32}$/), expire_at: expect.any(Number) })
    expect(await body(await post('/app/users', { username: 'gizwits', password: 'Other0ne!' }))).toMatchObject({ error_code: 9019, error_message: 'username unavailable!' })
    expect(await body(await post('/app/users', { username: 'other', password: 'short' }))).toMatchObject({ error_code: 9015 })
    expect(await body(await post('/app/users', { username: 'other', password: 'alllowercase' }))).toMatchObject({ error_code: 9015 })

    const login = await post('/app/login', { username: 'gizwits', password: 'Passw0rd!', lang: 'en' })
    expect(login.status).toBe(200)
    const session = await json<UserToken>(login)
    expect(session.uid).toBe(user.uid)
    expect(session.token).not.toBe(user.token)
    const wrong = await post('/app/login', { username: 'gizwits', password: 'Passw0rd?' })
    expect(wrong.status).toBe(400)
    expect(await body(wrong)).toEqual({ error_code: 9020, error_message: 'username or password error!', detail_message: null })
    expect(await body(await post('/app/login', { username: 'nobody', password: 'Passw0rd!' }))).toMatchObject({ error_code: 9020 })
    expect(await body(await post('/app/login', { username: 'gizwits' }))).toMatchObject({ error_code: 9015 })

    const profile = await json<Record<string, unknown>>(await call(session.token, '/app/users'))
    expect(profile).toMatchObject({ uid: user.uid, username: 'gizwits', is_anonymous: false, gender: 'N', lang: 'en' })
  })

  test('should change the profile and the password with PUT /app/users, answering updatedAt', async () => {
    const { token } = await json<UserToken>(await post('/app/users', { username: 'profiled', password: 'Passw0rd!' }))
    const put = (payload: unknown) => call(token, '/app/users', { method: 'PUT', body: JSON.stringify(payload) })
    const changed = await put({ name: 'gizwits', gender: 'M', birthday: '2017-01-01', address: 'guangzhou', lang: 'zh-cn', remark: 'remark' })
    expect(changed.status).toBe(200)
    expect(await body(changed)).toEqual({ updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/) })
    expect(await json(await call(token, '/app/users'))).toMatchObject({ name: 'gizwits', gender: 'M', birthday: '2017-01-01', address: 'guangzhou', lang: 'zh-cn', remark: 'remark' })
    expect(await body(await put({ gender: 'X' }))).toMatchObject({ error_code: 9015 })
    expect(await body(await put({ old_pwd: 'Wrong0ne!', new_pwd: 'N3w-Passw0rd' }))).toMatchObject({ error_code: 9020 })
    expect((await put({ old_pwd: 'Passw0rd!', new_pwd: 'N3w-Passw0rd' })).status).toBe(200)
    expect(await body(await post('/app/login', { username: 'profiled', password: 'Passw0rd!' }))).toMatchObject({ error_code: 9020 })
    expect((await post('/app/login', { username: 'profiled', password: 'N3w-Passw0rd' })).status).toBe(200)
  })

  test('should turn an anonymous user into a username user who keeps uid and devices', async () => {
    const { uid, token } = await anonymous()
    const converted = await call(token, '/app/users', { method: 'PUT', body: JSON.stringify({ username: 'xiaoming', password: 'Passw0rd!' }) })
    expect(converted.status).toBe(200)
    const session = await json<UserToken>(await post('/app/login', { username: 'xiaoming', password: 'Passw0rd!' }))
    expect(session.uid).toBe(uid)
    expect(await json(await call(session.token, '/app/users'))).toMatchObject({ username: 'xiaoming', is_anonymous: false })
    const devices = (await json<{ devices: Array<{ did: string }> }>(await call(session.token, '/app/bindings'))).devices
    expect(devices.map((device) => device.did)).toContain(LIVING_ROOM_AC)
  })
})

describe('GET /app/devices?product_key=&mac=', () => {
  test('should find a device by its MAC without giving away its passcode', async () => {
    const { token } = await anonymous()
    const found = await json<Record<string, unknown>>(await call(token, `/app/devices?product_key=${AC_PRODUCT}&mac=${UNBOUND_AC_MAC.toUpperCase()}`))
    expect(found).toMatchObject({ did: UNBOUND_AC, mac: UNBOUND_AC_MAC, product_key: AC_PRODUCT, is_online: false })
    expect(found).not.toHaveProperty('passcode')
    const missing = await call(token, `/app/devices?product_key=${AC_PRODUCT}&mac=000000000000`)
    expect(missing.status).toBe(404)
    expect(await body(missing)).toMatchObject({ error_code: 9014 })
    expect(await body(await call(token, `/app/devices?product_key=${'0'.repeat(32)}&mac=${UNBOUND_AC_MAC}`))).toMatchObject({ error_code: 9002 })
  })
})

describe('aggregated history (seed 003 高级数据接口)', () => {
  test('should aggregate numeric datapoints per bucket, values as strings, for GET and the documented PUT', async () => {
    const { token } = await anonymous()
    const start = Date.now() - 60_000
    for (const setTemp of [20, 26, 23]) {
      await fetch(`${sandbox.url}/sandbox/devices/${LIVING_ROOM_AC}/report`, { method: 'POST', headers: app, body: JSON.stringify({ attrs: { set_temp: setTemp } }) })
    }
    const path = `/app/devdata/${LIVING_ROOM_AC}/agg_data?start_ts=${start}&attrs=set_temp&aggregator=max&unit=HOURS`
    for (const method of ['GET', 'PUT']) {
      const answer = await json<{ query: Record<string, unknown>; data: Array<{ datatime: string; uid: string; product_key: string; attrs: Record<string, string> }> }>(await call(token, path, { method }))
      expect(answer.query).toEqual({ aggregator: 'max', end_ts: null, start_ts: start, attrs: 'set_temp', unit: 'HOURS' })
      const last = answer.data[answer.data.length - 1]
      expect(last).toMatchObject({ datatime: expect.stringMatching(/^\d{10}$/), product_key: AC_PRODUCT, attrs: { set_temp: '26' } })
    }
    expect(await body(await call(token, `/app/devdata/${LIVING_ROOM_AC}/agg_data?start_ts=${start}&attrs=switch&aggregator=max&unit=hours`))).toMatchObject({ error_code: 9025 })
    expect(await body(await call(token, `/app/devdata/${LIVING_ROOM_AC}/agg_data?start_ts=${start}&attrs=set_temp&aggregator=median&unit=hours`))).toMatchObject({ error_code: 9015 })
    expect(await body(await call(token, `/app/devdata/${SECOND_USERS_AC}/agg_data?start_ts=${start}&attrs=set_temp&aggregator=max&unit=hours`))).toMatchObject({ error_code: 9017 })
  })
})
