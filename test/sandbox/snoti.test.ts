// The sandbox's SNoti against the frames of the enterprise notification spec (SNoti 2.x, as summarised in
// server/sandbox/snoti/README.md): login and its refusals, each event type our products produce, event_ack with
// delivery ids, the prefetch window, redelivery to the other consumers of a subscription key, fan-out across keys,
// buffering while nobody is connected, heartbeats, remote control and invalid_msg codes. All over a real TLS socket.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { SNOTI_ALREADY_LOGGED_IN, SNOTI_NOT_LOGGED_IN, SNOTI_NOT_RECOGNISED } from '../../server/sandbox/snoti/snoti-server'
import { json, startTestSandbox } from '../support/backend'
import { SnotiLine } from '../support/snoti-line'

const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const UNBOUND_PLANT = { did: 'Nw2fSyBy8wW4xPc7Ag0VeN', passcode: 'HGFDSAPOIU' }
const ALL_EVENTS = ['device.online', 'device.offline', 'device.status.kv', 'device.attr_alert', 'device.attr_fault', 'device.bind', 'device.unbind']

let sandbox: Sandbox
const lines: SnotiLine[] = []

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  for (const line of lines.splice(0)) line.close()
  await sandbox.close()
})

const credential = () => sandbox.snoti.credentials.find((c) => c.product_key === PLANT_PRODUCT)!
const entry = (subkey = 'vendor_srv', events = ALL_EVENTS) => ({ ...credential(), subkey, events })

async function open(): Promise<SnotiLine> {
  const line = await SnotiLine.open(sandbox.snoti)
  lines.push(line)
  return line
}

async function consumer(options: { prefetch?: number; subkey?: string } = {}): Promise<SnotiLine> {
  const line = await open()
  line.send({ cmd: 'login_req', ...(options.prefetch ? { prefetch_count: options.prefetch } : {}), data: [entry(options.subkey)] })
  expect(await line.next((f) => f.cmd === 'login_res')).toEqual({ cmd: 'login_res', data: { result: true, msg: 'ok' } })
  return line
}

/** Everything the server wrote before its pong has arrived: frames on one socket come in order. */
async function settle(line: SnotiLine): Promise<void> {
  line.send({ cmd: 'ping' })
  await line.next((f) => f.cmd === 'pong')
}

async function report(did: string, attrs: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/devices/${did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
  expect(response.status).toBe(200)
}

const push = (type: string) => (f: Record<string, unknown>) => f.cmd === 'event_push' && f.event_type === type

describe('login', () => {
  test('a good login is answered with data.result true; ping works before and after', async () => {
    const line = await open()
    line.send({ cmd: 'ping' })
    expect(await line.next((f) => f.cmd === 'pong')).toEqual({ cmd: 'pong' })
    line.send({ cmd: 'login_req', prefetch_count: 50, data: [entry()] })
    expect(await line.next((f) => f.cmd === 'login_res')).toEqual({ cmd: 'login_res', data: { result: true, msg: 'ok' } })
  })

  test.each([
    ['a wrong auth_secret', () => ({ data: [{ ...entry(), auth_secret: 'nope' }] }), /auth_id or auth_secret/],
    ['an unknown product', () => ({ data: [{ ...entry(), product_key: 'ffffffffffffffffffffffffffffffff' }] }), /not a product/],
    ['a bad subkey', () => ({ data: [entry('has-dash')] }), /subkey/],
    ['prefetch_count 0', () => ({ prefetch_count: 0, data: [entry()] }), /prefetch_count/],
    ['prefetch_count over 32767', () => ({ prefetch_count: 32768, data: [entry()] }), /prefetch_count/],
  ])('%s: login_res result false, then the server closes the connection', async (_name, frame, why) => {
    const line = await open()
    line.send({ cmd: 'login_req', ...frame() })
    const answer = (await line.next((f) => f.cmd === 'login_res')) as { data: { result: boolean; msg: string } }
    expect(answer.data.result).toBe(false)
    expect(answer.data.msg).toMatch(why)
    await line.untilClosed()
  })

  test('invalid_msg: 4001 for what it cannot read, 4003 before login, 4009 on a second login', async () => {
    const line = await open()
    line.send('this is not json')
    expect(await line.next((f) => f.cmd === 'invalid_msg')).toMatchObject({ error_code: SNOTI_NOT_RECOGNISED })
    line.send({ cmd: 'event_ack', delivery_id: 1 })
    expect(await line.next((f) => f.cmd === 'invalid_msg')).toMatchObject({ error_code: SNOTI_NOT_LOGGED_IN })
    line.send({ cmd: 'login_req', data: [entry()] })
    await line.next((f) => f.cmd === 'login_res')
    line.send({ cmd: 'login_req', data: [entry()] })
    expect(await line.next((f) => f.cmd === 'invalid_msg')).toMatchObject({ error_code: SNOTI_ALREADY_LOGGED_IN })
    line.send({ cmd: 'no_such_cmd' })
    expect(await line.next((f) => f.cmd === 'invalid_msg')).toMatchObject({ error_code: SNOTI_NOT_RECOGNISED })
  })

  test('a product has at most five subkeys: the sixth login is refused', async () => {
    for (const n of [1, 2, 3, 4, 5]) await consumer({ subkey: `k${n}` })
    const line = await open()
    line.send({ cmd: 'login_req', data: [entry('k6')] })
    expect(await line.next((f) => f.cmd === 'login_res')).toMatchObject({ data: { result: false } })
  })

  test('"smart login": an empty login, then subscribe_req with result at the top level and the data echoed', async () => {
    const line = await open()
    line.send({ cmd: 'login_req', prefetch_count: 10, data: [] })
    expect(await line.next((f) => f.cmd === 'login_res')).toMatchObject({ data: { result: true } })
    line.send({ cmd: 'subscribe_req', data: [entry('smart', ['device.status.kv'])] })
    expect(await line.next((f) => f.cmd === 'subscribe_res')).toEqual({ cmd: 'subscribe_res', result: true, msg: 'ok', data: [entry('smart', ['device.status.kv'])] })
    await report(BALCONY_PLANT, { soil_humidity: 40 })
    expect(await line.next(push('device_status_kv'))).toMatchObject({ did: BALCONY_PLANT })
  })

  test('a silent client gets "No Heartbeat!" and is closed', async () => {
    const impatient = await startTestSandbox({ snotiIdleTimeoutMs: 300 })
    try {
      const line = await SnotiLine.open(impatient.snoti)
      lines.push(line)
      line.send({ cmd: 'login_req', data: [{ ...impatient.snoti.credentials.find((c) => c.product_key === PLANT_PRODUCT)!, subkey: 'quiet', events: ALL_EVENTS }] })
      await line.next((f) => f.cmd === 'login_res')
      await line.untilClosed()
      expect(line.lines).toContain('No Heartbeat!')
    } finally {
      await impatient.close()
    }
  })
})

describe('events our products produce', () => {
  test('status kv with the envelope; alarms raised and cleared with one event_id; online and offline', async () => {
    const line = await consumer()
    await report(BALCONY_PLANT, { soil_humidity: 12, alert_dry: true })
    const kv = await line.next(push('device_status_kv'))
    expect(kv).toMatchObject({ cmd: 'event_push', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, mac: '5ccf7f0a1b2c', group_id: '' })
    expect(typeof kv.delivery_id).toBe('number')
    expect(typeof kv.msg_id).toBe('string')
    expect(typeof kv.created_at).toBe('number')
    expect(kv.data).toMatchObject({ soil_humidity: 12, alert_dry: 1, pump: 0 })
    const raised = await line.next(push('attr_alert'))
    expect(raised.data).toEqual({ attr_name: 'alert_dry', attr_displayname: '缺水报警', value: 1 })
    await report(BALCONY_PLANT, { soil_humidity: 50, alert_dry: false })
    const cleared = await line.next(push('attr_alert'))
    expect(cleared.data).toMatchObject({ attr_name: 'alert_dry', value: 0 })
    expect(cleared.event_id).toBe(raised.event_id)
    await report(BALCONY_PLANT, { fault_pump: true })
    expect((await line.next(push('attr_fault'))).data).toEqual({ attr_name: 'fault_pump', attr_displayname: '水泵故障', value: 1 })

    await fetch(`${sandbox.url}/sandbox/devices/${BALCONY_PLANT}/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ online: false }) })
    expect(await line.next(push('device_offline'))).toMatchObject({ did: BALCONY_PLANT, group_id: '' })
    await fetch(`${sandbox.url}/sandbox/devices/${BALCONY_PLANT}/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ online: true }) })
    expect(await line.next(push('device_online'))).toMatchObject({ did: BALCONY_PLANT, city: expect.any(String) })
  })

  test('bind and unbind carry app_id and the Gizwits uid', async () => {
    const line = await consumer()
    const user = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
      method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: 'snoti-test-user' }),
    }))
    const headers = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': user.token, 'content-type': 'application/json' }
    expect((await fetch(`${sandbox.url}/app/bindings`, { method: 'POST', headers, body: JSON.stringify({ devices: [UNBOUND_PLANT] }) })).ok).toBe(true)
    expect(await line.next(push('device_bind'))).toMatchObject({ did: UNBOUND_PLANT.did, uid: user.uid, app_id: DEMO_GIZWITS_APP_ID })
    await fetch(`${sandbox.url}/app/bindings`, { method: 'DELETE', headers, body: JSON.stringify({ devices: [{ did: UNBOUND_PLANT.did }] }) })
    expect(await line.next(push('device_unbind'))).toMatchObject({ did: UNBOUND_PLANT.did, uid: user.uid })
  })

  test('only the events a queue subscribed to are pushed to it', async () => {
    const line = await open()
    line.send({ cmd: 'login_req', data: [entry('online_only', ['device.online', 'device.offline'])] })
    await line.next((f) => f.cmd === 'login_res')
    await report(BALCONY_PLANT, { soil_humidity: 33 })
    await settle(line)
    expect(line.pushes()).toEqual([])
  })
})

describe('delivery', () => {
  test('the prefetch window stops pushes until an ack; acks of unknown ids change nothing', async () => {
    const line = await consumer({ prefetch: 2 })
    for (const value of [31, 32, 33]) await report(BALCONY_PLANT, { soil_humidity: value })
    await settle(line)
    const first = line.pushes().filter((f) => f.event_type === 'device_status_kv')
    expect(first.map((f) => (f.data as { soil_humidity: number }).soil_humidity)).toEqual([31, 32])
    line.send({ cmd: 'event_ack', delivery_id: 9999 })
    await settle(line)
    expect(line.pushes()).toHaveLength(2)
    line.send({ cmd: 'event_ack', delivery_id: first[0].delivery_id, msg_id: first[0].msg_id })
    await settle(line)
    expect(line.pushes().map((f) => (f.data as { soil_humidity: number }).soil_humidity)).toEqual([31, 32, 33])
  })

  test('connections with one subscription key share the stream round-robin; another key gets its own copy', async () => {
    const a = await consumer()
    const b = await consumer()
    const other = await consumer({ subkey: 'analytics' })
    for (const value of [41, 42, 43, 44]) await report(BALCONY_PLANT, { soil_humidity: value })
    await Promise.all([settle(a), settle(b), settle(other)])
    const values = (line: SnotiLine) => line.pushes().map((f) => (f.data as { soil_humidity: number }).soil_humidity)
    expect([...values(a), ...values(b)].sort()).toEqual([41, 42, 43, 44])
    expect(values(a)).toHaveLength(2)
    expect(values(other)).toEqual([41, 42, 43, 44])
  })

  test('what a consumer did not acknowledge goes to the others of its key when it disconnects, once', async () => {
    const a = await consumer({ prefetch: 2 })
    for (const value of [51, 52, 53]) await report(BALCONY_PLANT, { soil_humidity: value })
    await settle(a)
    expect(a.pushes()).toHaveLength(2)
    const b = await consumer()
    // b logged in after the three reports: it gets what a had no room for …
    expect((await b.next(push('device_status_kv'))).data).toMatchObject({ soil_humidity: 53 })
    a.send({ cmd: 'event_ack', delivery_id: a.pushes()[0].delivery_id })
    await settle(a)
    a.close()
    // … and, once a is gone, what a held without acknowledging (52), but never what a acknowledged (51).
    expect((await b.next(push('device_status_kv'))).data).toMatchObject({ soil_humidity: 52 })
    await settle(b)
    expect(b.pushes()).toEqual([])
  })

  test('events wait in the queue while nobody is connected, and come at the next login with fresh delivery ids', async () => {
    const first = await consumer()
    await settle(first)
    first.close()
    await report(BALCONY_PLANT, { soil_humidity: 61 })
    const next = await consumer()
    const pushed = await next.next(push('device_status_kv'))
    expect(pushed).toMatchObject({ delivery_id: 1, data: { soil_humidity: 61 } })
  })
})

describe('remote control from the server', () => {
  test('remote_control_v2_req: write_attrs succeeds and the device reports; a bad target fails with a reason', async () => {
    const line = await consumer()
    const plant = (await (await fetch(`${sandbox.url}/sandbox/devices`)).json()) as Array<{ did: string; mac: string }>
    const mac = plant.find((d) => d.did === BALCONY_PLANT)!.mac
    line.send({
      cmd: 'remote_control_v2_req', msg_id: 'ctl-42',
      data: [
        { cmd: 'write_attrs', source: 'noti', data: { did: BALCONY_PLANT, mac, product_key: PLANT_PRODUCT, attrs: { water_threshold: 45, pump: 1 } } },
        { cmd: 'write_attrs', source: 'noti', data: { did: 'nope', mac: 'x', product_key: PLANT_PRODUCT, attrs: { pump: true } } },
      ],
    })
    expect(await line.next((f) => f.cmd === 'remote_control_v2_res')).toEqual({
      cmd: 'remote_control_v2_res', msg_id: 'ctl-42', result: { succeed: [{ did: BALCONY_PLANT }], failed: [{ did: 'nope', reason: 'device not found' }] },
    })
    expect((await line.next(push('device_status_kv'))).data).toMatchObject({ water_threshold: 45, pump: 1 })
  })
})
