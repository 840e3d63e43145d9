// Seed 003's binding roles, sharing, guests and message centre on the sandbox, against the spec's examples and codes.
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { AppMessage, Guest, MessageList, SharingCodeInfo, SharingCreated, SharingList, UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, UNBOUND_AC_MAC, body, json, startTestSandbox } from '../support/backend'

const THIRD_USER = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const PET_PRODUCT = '268162799f764b999f834b5a02eb894d'
const UNBOUND_PET = { did: 'Nw3gTzCz9xX5yQd8Bh1WfO', mac: '18fe34a1b2c4', passcode: 'YTREWQLKJH' }
const UNBOUND_AC = 'Nw1eRxAx7vV3wOb6Zf9UdM'

let sandbox: Sandbox
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }

async function login(phoneId: string): Promise<UserToken> {
  return json<UserToken>(await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) }))
}

const call = (token: string, method: string, path: string, payload?: unknown) =>
  fetch(`${sandbox.url}${path}`, {
    method,
    headers: payload === undefined ? { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': token } : { ...app, 'X-Gizwits-User-token': token },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  })

async function errorCode(response: Response): Promise<unknown> {
  return (await body(response)).error_code
}

async function bindMac(token: string, productKey: string, mac: string, setOwner = 1): Promise<Response> {
  const secret = sandbox.products.find((p) => p.product_key === productKey)!.product_secret
  const timestamp = String(Math.floor(Date.now() / 1000))
  return fetch(`${sandbox.url}/app/bind_mac`, {
    method: 'POST',
    headers: { ...app, 'X-Gizwits-User-token': token, 'X-Gizwits-Timestamp': timestamp, 'X-Gizwits-Signature': createHash('md5').update(secret + timestamp).digest('hex') },
    body: JSON.stringify({ product_key: productKey, mac, set_owner: setOwner }),
  })
}

const roleOf = async (token: string, did: string) => (await body(await call(token, 'GET', `/app/devices/${did}`))).role
const advance = (seconds: number) => fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: app, body: JSON.stringify({ advance_s: seconds }) })
const messagesOf = async (token: string) => (await json<MessageList>(await call(token, 'GET', '/app/messages?type=1&limit=20&skip=0'))).objects

let owner: UserToken
let guest: UserToken
let third: UserToken

beforeEach(async () => {
  sandbox = await startTestSandbox()
  owner = await login(FIRST_USER)
  guest = await login(SECOND_USER)
  third = await login(THIRD_USER)
})
afterEach(async () => {
  await sandbox.close()
})

describe('binding roles', () => {
  test('should make the set_owner binder owner of a product with sharing on, and refuse others with 9092', async () => {
    expect((await bindMac(guest.token, AC_PRODUCT, UNBOUND_AC_MAC)).status).toBe(201)
    expect(await roleOf(guest.token, UNBOUND_AC)).toBe('owner')
    const refused = await bindMac(third.token, AC_PRODUCT, UNBOUND_AC_MAC)
    expect(refused.status).toBe(400)
    expect(await body(refused)).toEqual({ error_code: 9092, error_message: 'owner exist, guest can not bind!', detail_message: null })
  })

  test('should give special then normal on a product without sharing, and pass special on when it unbinds', async () => {
    await bindMac(guest.token, PET_PRODUCT, UNBOUND_PET.mac)
    await bindMac(third.token, PET_PRODUCT, UNBOUND_PET.mac)
    expect(await roleOf(guest.token, UNBOUND_PET.did)).toBe('special')
    expect(await roleOf(third.token, UNBOUND_PET.did)).toBe('normal')
    await call(guest.token, 'DELETE', '/app/bindings', { devices: [{ did: UNBOUND_PET.did }] })
    expect(await roleOf(third.token, UNBOUND_PET.did)).toBe('special')
  })

  test('should bind by did and passcode, refusing a wrong passcode with 9016', async () => {
    const wrong = await call(guest.token, 'POST', '/app/bindings', { devices: [{ did: UNBOUND_PET.did, passcode: 'WRONG' }] })
    expect(await errorCode(wrong)).toBe(9016)
    const right = await call(guest.token, 'POST', '/app/bindings', { devices: [{ did: UNBOUND_PET.did, passcode: UNBOUND_PET.passcode, remark: '客厅' }] })
    expect(right.status).toBe(201)
    expect(await body(right)).toEqual({ success: [UNBOUND_PET.did], failed: [] })
  })

  test('should bind by the QR service\'s opaque content, and answer 9040 to anything else', async () => {
    const labels = (await (await fetch(`${sandbox.url}/sandbox/devices/labels`)).json()) as Array<{ did: string; qr_service_content: string }>
    const content = labels.find((label) => label.did === UNBOUND_AC)!.qr_service_content
    expect((await call(guest.token, 'POST', '/app/bind_latest', { qr_content: content, set_owner: 1 })).status).toBe(201)
    expect(await roleOf(guest.token, UNBOUND_AC)).toBe('owner')
    expect(await errorCode(await call(guest.token, 'POST', '/app/bind_latest', { qr_content: 'GZQR0000' }))).toBe(9040)
  })
})

describe('normal sharing', () => {
  const share = (token: string, payload: object) => call(token, 'POST', '/app/sharing', { type: 0, did: LIVING_ROOM_AC, ...payload })

  test('should invite, tell both users, and make the guest a guest on accepting', async () => {
    const created = await share(owner.token, { uid: guest.uid })
    expect(created.status).toBe(201)
    const { id, qr_content } = await json<SharingCreated>(created)
    expect(qr_content).toBeNull()
    expect(Number.isInteger(id)).toBe(true)

    const ownerMessages = await messagesOf(owner.token)
    expect(ownerMessages[0]).toMatchObject({ status: 0, type: 1, content: expect.stringMatching(/^您给 .+ 共享了设备 客厅空调!$/) })
    expect(ownerMessages[0].id).toMatch(/^[0-9a-f]{24}$/)
    expect((await messagesOf(guest.token))[0].content).toMatch(/给您共享了设备 客厅空调!$/)

    const received = await json<SharingList>(await call(guest.token, 'GET', '/app/sharing?sharing_type=1&status=0'))
    expect(received.meta).toEqual({ total: 1, limit: 20, skip: 0, previous: null, next: null })
    expect(received.objects[0]).toMatchObject({ id, status: 0, uid: owner.uid, did: LIVING_ROOM_AC, dev_alias: '客厅空调', type: 0, product_name: '空调' })
    expect(Date.parse(received.objects[0].expired_at) - Date.parse(received.objects[0].created_at)).toBe(24 * 3600 * 1000)

    expect(await errorCode(await share(owner.token, { uid: guest.uid }))).toBe(9087)
    expect((await call(guest.token, 'PUT', `/app/sharing/${id}?status=1`)).status).toBe(200)
    expect(await roleOf(guest.token, LIVING_ROOM_AC)).toBe('guest')
    const guests = await json<Guest[]>(await call(owner.token, 'GET', `/app/${LIVING_ROOM_AC}/bindings`))
    expect(guests.map((g) => g.uid)).toEqual([guest.uid])
    expect((await messagesOf(owner.token))[0].content).toMatch(/接受了您共享的设备 客厅空调$/)
  })

  test('should refuse sharing to oneself, to nobody, twice to a bound user, and by a guest', async () => {
    expect(await errorCode(await share(owner.token, { uid: owner.uid }))).toBe(9080)
    expect(await errorCode(await share(owner.token, { uid: 'f'.repeat(32) }))).toBe(9082)
    const { id } = await json<SharingCreated>(await share(owner.token, { uid: guest.uid }))
    await call(guest.token, 'PUT', `/app/sharing/${id}?status=1`)
    expect(await errorCode(await share(owner.token, { uid: guest.uid }))).toBe(9083)
    expect(await errorCode(await share(guest.token, { uid: third.uid }))).toBe(9081)
    expect(await errorCode(await call(guest.token, 'GET', `/app/${LIVING_ROOM_AC}/bindings`))).toBe(9093)
    expect(await errorCode(await call(guest.token, 'POST', `/app/sharing/${LIVING_ROOM_AC}/transfer?uid=${third.uid}`))).toBe(9093)
  })

  test('should expire a normal invitation after 24 hours', async () => {
    const { id } = await json<SharingCreated>(await share(owner.token, { uid: guest.uid }))
    await advance(24 * 3600 + 1)
    expect(await errorCode(await call(guest.token, 'PUT', `/app/sharing/${id}?status=1`))).toBe(9088)
  })

  test('should take back an accepted share, and say a cancelled one is cancelled', async () => {
    const { id } = await json<SharingCreated>(await share(owner.token, { uid: guest.uid }))
    await call(guest.token, 'PUT', `/app/sharing/${id}?status=1`)
    expect(await body(await call(owner.token, 'DELETE', `/app/sharing/${id}`))).toEqual({ id })
    expect(await errorCode(await call(guest.token, 'GET', `/app/devices/${LIVING_ROOM_AC}`))).toBe(9017)
    expect(await errorCode(await call(owner.token, 'DELETE', `/app/sharing/${id}`))).toBe(9094)
    expect((await messagesOf(guest.token))[0].content).toMatch(/收回了共享给您的设备/)
  })

  test('should let a guest reject, and end a time-limited share on time', async () => {
    const first = await json<SharingCreated>(await share(owner.token, { uid: guest.uid }))
    await call(guest.token, 'PUT', `/app/sharing/${first.id}?status=2`)
    expect(await errorCode(await call(guest.token, 'PUT', `/app/sharing/${first.id}?status=1`))).toBe(9089)
    const timed = await json<SharingCreated>(await share(owner.token, { uid: guest.uid, duration: 1 }))
    await call(guest.token, 'PUT', `/app/sharing/${timed.id}?status=1`)
    expect(await roleOf(guest.token, LIVING_ROOM_AC)).toBe('guest')
    await advance(61)
    expect(await errorCode(await call(guest.token, 'GET', `/app/devices/${LIVING_ROOM_AC}`))).toBe(9017)
  })

  test('should let the owner note a guest and transfer ownership, unbinding the old owner', async () => {
    const { id } = await json<SharingCreated>(await share(owner.token, { uid: guest.uid }))
    await call(guest.token, 'PUT', `/app/sharing/${id}?status=1`)
    expect((await call(owner.token, 'PUT', `/app/sharing/${id}/alias?user_alias=${encodeURIComponent('妈妈')}`)).status).toBe(200)
    expect(await errorCode(await call(guest.token, 'PUT', `/app/sharing/${id}/alias?user_alias=x`))).toBe(9100)
    const mine = await json<SharingList>(await call(owner.token, 'GET', `/app/sharing?sharing_type=0&did=${LIVING_ROOM_AC}`))
    expect(mine.objects[0]).toMatchObject({ id, user_alias: '妈妈', uid: guest.uid, status: 1 })
    expect((await call(owner.token, 'POST', `/app/sharing/${LIVING_ROOM_AC}/transfer?uid=${guest.uid}`)).status).toBe(200)
    expect(await roleOf(guest.token, LIVING_ROOM_AC)).toBe('owner')
    expect(await errorCode(await call(owner.token, 'GET', `/app/devices/${LIVING_ROOM_AC}`))).toBe(9017)
  })
})

describe('QR sharing', () => {
  async function qrShare(): Promise<string> {
    const created = await json<SharingCreated>(await call(owner.token, 'POST', '/app/sharing', { type: 1, did: LIVING_ROOM_AC }))
    expect(created.id).toBeNull()
    expect(created.qr_content).toMatch(/^type=share&code=[0-9a-f]{32}$/)
    return created.qr_content!.split('code=')[1]
  }

  test('should show the invitation to others, not the owner, and make the scanner a guest', async () => {
    const code = await qrShare()
    expect(await errorCode(await call(owner.token, 'GET', `/app/sharing/code/${code}`))).toBe(9096)
    const info = await json<SharingCodeInfo>(await call(guest.token, 'GET', `/app/sharing/code/${code}`))
    expect(Object.keys(info).sort()).toEqual(['dev_alias', 'expired_at', 'owner', 'product_name'])
    expect(info).toMatchObject({ product_name: '空调', dev_alias: '客厅空调' })
    expect((await call(guest.token, 'POST', `/app/sharing/code/${code}`)).status).toBe(201)
    expect(await roleOf(guest.token, LIVING_ROOM_AC)).toBe('guest')
    expect(await errorCode(await call(third.token, 'POST', `/app/sharing/code/${code}`))).toBe(9089)
    expect((await messagesOf(owner.token))[0].content).toMatch(/^您给 .+ 共享了设备 客厅空调!$/)
  })

  test('should expire after 15 minutes', async () => {
    const early = await qrShare()
    await advance(14 * 60 + 50)
    expect((await call(guest.token, 'GET', `/app/sharing/code/${early}`)).status).toBe(200)
    await advance(11)
    expect(await errorCode(await call(guest.token, 'GET', `/app/sharing/code/${early}`))).toBe(9088)
  })

  test('should refuse to take back an accepted QR share, but let the owner remove the guest', async () => {
    const code = await qrShare()
    await call(guest.token, 'POST', `/app/sharing/code/${code}`)
    const record = (await json<SharingList>(await call(owner.token, 'GET', '/app/sharing?sharing_type=0&status=1'))).objects[0]
    expect(record).toMatchObject({ type: 1, status: 1, uid: guest.uid })
    expect(await errorCode(await call(owner.token, 'DELETE', `/app/sharing/${record.id}`))).toBe(9089)
    expect(await errorCode(await call(owner.token, 'DELETE', `/app/${LIVING_ROOM_AC}/bindings?uid=${owner.uid}`))).toBe(9095)
    expect(await body(await call(owner.token, 'DELETE', `/app/${LIVING_ROOM_AC}/bindings?uid=${guest.uid}`))).toEqual({})
    expect(await errorCode(await call(guest.token, 'GET', `/app/devices/${LIVING_ROOM_AC}`))).toBe(9017)
  })
})

describe('owner unbinding', () => {
  test('should take every guest\'s binding with it', async () => {
    const code = (await json<SharingCreated>(await call(owner.token, 'POST', '/app/sharing', { type: 1, did: LIVING_ROOM_AC }))).qr_content!.split('code=')[1]
    await call(guest.token, 'POST', `/app/sharing/code/${code}`)
    await call(owner.token, 'DELETE', '/app/bindings', { devices: [{ did: LIVING_ROOM_AC }] })
    expect(await errorCode(await call(guest.token, 'GET', `/app/devices/${LIVING_ROOM_AC}`))).toBe(9017)
  })
})

describe('message centre', () => {
  test('should mark read and delete only the receiver\'s messages, paging with meta', async () => {
    await call(owner.token, 'POST', '/app/sharing', { type: 0, did: LIVING_ROOM_AC, uid: guest.uid })
    await call(owner.token, 'POST', '/app/sharing', { type: 0, did: LIVING_ROOM_AC, uid: third.uid })
    const page = await json<MessageList>(await call(owner.token, 'GET', '/app/messages?type=1&limit=1&skip=0'))
    expect(page.meta).toMatchObject({ total: 2, limit: 1, skip: 0, previous: null })
    expect(page.meta.next).toContain('skip=1')
    const [message] = page.objects as AppMessage[]
    expect(await errorCode(await call(guest.token, 'PUT', `/app/messages/${message.id}?status=1`))).toBe(9101)
    expect(await errorCode(await call(owner.token, 'PUT', '/app/messages/000000000000000000000000?status=1'))).toBe(9085)
    await call(owner.token, 'PUT', `/app/messages/${message.id}?status=1`)
    expect((await messagesOf(owner.token)).find((m) => m.id === message.id)?.status).toBe(1)
    await call(owner.token, 'PUT', `/app/messages/${message.id}?status=2`)
    expect((await messagesOf(owner.token)).map((m) => m.id)).not.toContain(message.id)
  })
})
