// Binding and sharing through the BFF: what it forwards, what it refuses itself, and what users are told.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { ProductSummary } from '@shared/api'
import type { BindingsResponse, Guest, MessageList, SharingCodeInfo, SharingCreated, SharingList } from '@shared/open-api'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, body, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const THIRD_USER = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const UNBOUND_PET = { did: 'Nw3gTzCz9xX5yQd8Bh1WfO', passcode: 'YTREWQLKJH' }
const UNBOUND_PLANT = 'Nw2fSyBy8wW4xPc7Ag0VeN'

let backend: Backend
const cookies: Record<string, string> = {}

beforeAll(async () => {
  backend = await startBackend()
  for (const user of [FIRST_USER, SECOND_USER, THIRD_USER]) cookies[user] = await loginThroughSandbox(backend.bffUrl, user)
})
afterAll(async () => {
  await backend.close()
})

const as = (user: string) => (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${backend.bffUrl}${path}`, {
    ...init,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    headers: { cookie: cookies[user], origin: backend.bffUrl, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) },
  })
const owner = as(FIRST_USER)
const guest = as(SECOND_USER)
const third = as(THIRD_USER)
const uidOf = async (call: ReturnType<typeof as>) => (await body(await call('/api/me'))).uid as string

describe('binding from a scanned code', () => {
  test('should bind by did + passcode and explain a wrong passcode in the user\'s language', async () => {
    const wrong = await third('/api/app/bindings', { method: 'POST', json: { devices: [{ did: UNBOUND_PET.did, passcode: 'NOPE' }]} })
    expect(wrong.status).toBe(400)
    expect((await body(wrong)).message).toContain('码不对')
    const right = await third('/api/app/bindings', { method: 'POST', json: { devices: [{ did: UNBOUND_PET.did, passcode: UNBOUND_PET.passcode }]} })
    expect(right.status).toBe(201)
    const { devices } = await json<BindingsResponse>(await third('/api/app/bindings'))
    expect(devices.find((device) => device.did === UNBOUND_PET.did)?.role).toBe('special')
  })

  test('should bind by the QR service\'s code, and tell the next user who to ask', async () => {
    const labels = await json<Array<{ did: string; qr_service_content: string; label_url: string }>>(await fetch(`${backend.sandbox.url}/sandbox/devices/labels`))
    const label = labels.find((candidate) => candidate.did === UNBOUND_PLANT)!
    expect(label.label_url).toMatch(new RegExp(`^${backend.bffUrl}/bind\\?product_key=8c2e51f0a4b34d9e9f1a7b6c5d4e3f21&mac=5ccf7f0a1b2e&sig=[A-Za-z0-9_-]{12}$`))
    expect((await third('/api/app/bind_latest', { method: 'POST', json: { qr_content: label.qr_service_content } })).status).toBe(201)
    const taken = await guest('/api/app/bind_latest', { method: 'POST', json: { qr_content: label.qr_service_content } })
    expect(taken.status).toBe(409)
    expect((await body(taken)).message).toBe('这台设备已经有主人了。请让主人在设备页点“分享”，把设备分享给你')
    const english = await guest('/api/app/bind_latest', { method: 'POST', json: { qr_content: 'GZQR1234567890' }, headers: { 'accept-language': 'en' } })
    expect((await body(english)).message).toMatch(/the code is wrong/)
  })

  test('should list the products this deployment supports, by name', async () => {
    const products = await json<ProductSummary[]>(await guest('/api/products'))
    expect(products.map((p) => p.name).sort()).toEqual(['宠物屋', '智能浇花器', '空调', '智能网关', '门窗传感器', '计量插座'].sort())
    expect(products.find((p) => p.name === '空调')?.product_key).toBe(AC_PRODUCT)
  })
})

describe('sharing', () => {
  test('should share by QR, let the scanner join as guest, and refuse the guest every owner action', async () => {
    const created = await owner('/api/app/sharing', { method: 'POST', json: { type: 1, did: LIVING_ROOM_AC } })
    expect(created.status).toBe(201)
    const code = (await json<SharingCreated>(created)).qr_content!.split('code=')[1]
    const ownCode = await owner(`/api/app/sharing/code/${code}`)
    expect((await body(ownCode)).message).toContain('你自己分享出去的二维码')
    const info = await json<SharingCodeInfo>(await guest(`/api/app/sharing/code/${code}`))
    expect(info).toMatchObject({ product_name: '空调', dev_alias: '客厅空调' })
    expect((await guest(`/api/app/sharing/code/${code}`, { method: 'POST' })).status).toBe(201)

    const { devices } = await json<BindingsResponse>(await guest('/api/app/bindings'))
    expect(devices.find((device) => device.did === LIVING_ROOM_AC)?.role).toBe('guest')
    expect((await guest(`/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', json: { attrs: { set_temp: 22 } } })).status).toBe(200)

    const before = await json<SharingList>(await guest('/api/app/sharing?sharing_type=0'))
    const refusals = [
      await guest('/api/app/sharing', { method: 'POST', json: { type: 1, did: LIVING_ROOM_AC } }),
      await guest(`/api/app/${LIVING_ROOM_AC}/bindings`),
      await guest(`/api/app/sharing/${LIVING_ROOM_AC}/transfer?uid=${await uidOf(third)}`, { method: 'POST' }),
      await guest(`/api/app/${LIVING_ROOM_AC}/bindings?uid=${await uidOf(owner)}`, { method: 'DELETE' }),
    ]
    for (const refused of refusals) {
      expect(refused.status).toBe(403)
      expect((await body(refused)).message).toMatch(/只有设备主人/)
    }
    expect((await json<SharingList>(await guest('/api/app/sharing?sharing_type=0'))).meta.total).toBe(before.meta.total)

    const record = (await json<SharingList>(await owner(`/api/app/sharing?sharing_type=0&did=${LIVING_ROOM_AC}&status=1`))).objects[0]
    const revoke = await owner(`/api/app/sharing/${record.id}`, { method: 'DELETE' })
    expect(revoke.status).toBe(409)
    expect((await body(revoke)).message).toContain('二维码分享无法收回')
    expect((await guest(`/api/app/sharing/${record.id}`, { method: 'DELETE' })).status).toBe(404)

    const guests = await json<Guest[]>(await owner(`/api/app/${LIVING_ROOM_AC}/bindings`))
    const guestUid = await uidOf(guest)
    expect(guests.map((g) => g.uid)).toEqual([guestUid])
    expect((await owner(`/api/app/${LIVING_ROOM_AC}/bindings?uid=${guestUid}`, { method: 'DELETE' })).status).toBe(200)
    // The removed guest is refused by us at once: their cached bindings no longer vouch for the device.
    const control = vi.spyOn(backend.context.client, 'control')
    try {
      expect((await guest(`/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', json: { attrs: { set_temp: 23 } } })).status).toBe(404)
      expect(control).not.toHaveBeenCalled()
    } finally {
      control.mockRestore()
    }
    expect((await guest(`/api/app/devices/${LIVING_ROOM_AC}`)).status).toBe(404)
  })

  test('should invite by uid, let the guest accept from the list, and leave messages for both', async () => {
    const guestUid = await uidOf(guest)
    const created = await json<SharingCreated>(await owner('/api/app/sharing', { method: 'POST', json: { type: 0, did: LIVING_ROOM_AC, uid: guestUid } }))
    const self = await owner('/api/app/sharing', { method: 'POST', json: { type: 0, did: LIVING_ROOM_AC, uid: await uidOf(owner) } })
    expect((await body(self)).message).toBe('不能把设备分享给自己')
    const received = await json<SharingList>(await guest('/api/app/sharing?sharing_type=1&status=0'))
    expect(received.objects.map((s) => s.id)).toContain(created.id)
    const messages = await json<MessageList>(await guest('/api/app/messages?type=1'))
    expect(messages.objects[0]).toMatchObject({ status: 0, content: expect.stringContaining('给您共享了设备 客厅空调') })
    expect((await guest(`/api/app/messages/${messages.objects[0].id}?status=1`, { method: 'PUT' })).status).toBe(200)
    expect((await guest(`/api/app/sharing/${created.id}?status=1`, { method: 'PUT' })).status).toBe(200)
    expect((await owner(`/api/app/sharing/${created.id}/alias?user_alias=${encodeURIComponent('小红')}`, { method: 'PUT' })).status).toBe(200)
    const mine = await json<SharingList>(await owner(`/api/app/sharing?sharing_type=0&did=${LIVING_ROOM_AC}&status=1`))
    expect(mine.objects.find((s) => s.id === created.id)?.user_alias).toBe('小红')
    expect((await owner(`/api/app/sharing/${created.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await guest(`/api/app/devices/${LIVING_ROOM_AC}`)).status).toBe(404)
  })

  test('should validate what it takes', async () => {
    expect((await owner('/api/app/sharing', { method: 'POST', json: { type: 2, did: LIVING_ROOM_AC } })).status).toBe(400)
    expect((await owner('/api/app/sharing?sharing_type=5')).status).toBe(400)
    expect((await owner('/api/app/sharing/code/not-a-code!')).status).toBe(400)
    expect((await owner('/api/app/messages/abc?status=7', { method: 'PUT' })).status).toBe(400)
    expect((await fetch(`${backend.bffUrl}/api/app/messages`)).status).toBe(401)
  })
})
