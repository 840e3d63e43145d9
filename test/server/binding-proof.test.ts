// Binding needs proof of possession (issue 9, critical): a MAC printed on a box, sequential and guessable, binds
// nothing. What a user may hold — a signed label, the Gizwits app QR (did + passcode), the QR service's code, a
// device that answered on their own LAN right after their own Wi-Fi setup — each binds; every refused attempt
// answers the same; refusals are limited per user and per device, and past the limit nothing reaches the cloud.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { BindingsResponse } from '@shared/open-api'
import { labelSignature } from '../../server/labels/label-signature'
import { DEMO_LABEL_KEY } from '../../server/sandbox/demo-defaults'
import { AC_PRODUCT, body, FIRST_USER, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox, newSandboxUser } from '../support/login'

const PET = '268162799f764b999f834b5a02eb894d'
const PLANT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
/** 小明's pet house (seed), the device of the original report. */
const XIAOMING_PET = { did: 'Pt9cPvYv5tT1uMz4Xd7SbK', mac: '18fe34a1b2c3' }
/** Touched by no other test here, so its refusals are counted from zero. */
const XIAOMING_BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const LAOWANG = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const UNBOUND = {
  ac: { did: 'Nw1eRxAx7vV3wOb6Zf9UdM', mac: 'accf2350d449', passcode: 'MNBVCXZLKJ' },
  plant: { did: 'Nw2fSyBy8wW4xPc7Ag0VeN', mac: '5ccf7f0a1b2e', passcode: 'HGFDSAPOIU' },
  pet: { did: 'Nw3gTzCz9xX5yQd8Bh1WfO', mac: '18fe34a1b2c4', passcode: 'YTREWQLKJH' },
}
const sig = (productKey: string, mac: string) => labelSignature(DEMO_LABEL_KEY, productKey, mac)

let backend: Backend
beforeAll(async () => {
  backend = await startBackend()
})
afterAll(async () => {
  await backend.close()
})

async function userAgent(openid: string) {
  const cookie = await loginThroughSandbox(backend.bffUrl, openid)
  return (path: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${backend.bffUrl}${path}`, {
      method: init.method ?? 'GET',
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      headers: { ...backend.page(cookie), ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
    })
}
const fresh = async (name: string) => userAgent(await newSandboxUser(backend.sandbox.url, name))
const didsOf = async (call: Awaited<ReturnType<typeof userAgent>>) => (await json<BindingsResponse>(await call('/api/app/bindings'))).devices.map((device) => device.did)

describe('binding needs proof of possession', () => {
  test('should not let anyone bind a stranger\'s device by naming its MAC', async () => {
    const laowang = await userAgent(LAOWANG)
    // The original report: bind_mac with 小明's pet-house MAC, then control it.
    expect((await laowang('/api/app/bind_mac', { method: 'POST', json: { product_key: PET, mac: XIAOMING_PET.mac } })).status).toBe(404)
    // A label URL without its signature, or with a guessed one, binds nothing either.
    expect((await laowang('/api/app/bind_label', { method: 'POST', json: { product_key: PET, mac: XIAOMING_PET.mac } })).status).toBe(400)
    const guessed = await laowang('/api/app/bind_label', { method: 'POST', json: { product_key: PET, mac: XIAOMING_PET.mac, sig: 'AAAAAAAAAAAA' } })
    expect(guessed.status).toBe(400)
    expect((await body(guessed)).error_code).toBe('bind_refused')
    // set_owner on an unbound air conditioner: unknown fields are refused, and the page cannot choose a role.
    expect((await laowang('/api/app/bind_label', { method: 'POST', json: { product_key: AC_PRODUCT, mac: UNBOUND.ac.mac, sig: 'AAAAAAAAAAAA', set_owner: 1 } })).status).toBe(400)
    expect(await didsOf(laowang)).toEqual([])
    expect((await laowang(`/api/app/control/${XIAOMING_PET.did}`, { method: 'POST', json: { attrs: { led: true } } })).status).toBe(404)
  })

  test('should answer every refused attempt with one and the same error', async () => {
    const guesser = await fresh('猜码的人')
    const attempts = [
      // a real device with a wrong signature, and a MAC that names no device at all
      ['/api/app/bind_label', { product_key: PET, mac: XIAOMING_PET.mac, sig: 'AAAAAAAAAAAA' }],
      ['/api/app/bind_label', { product_key: PET, mac: 'ffffffffffff', sig: 'AAAAAAAAAAAA' }],
      // a real did with a wrong passcode, and a did that does not exist
      ['/api/app/bindings', { devices: [{ did: XIAOMING_PET.did, passcode: 'WRONGWRONG' }] }],
      ['/api/app/bindings', { devices: [{ did: 'NoSuchDeviceAnywhere00', passcode: 'WRONGWRONG' }] }],
      // a QR service code that is not one
      ['/api/app/bind_latest', { qr_content: 'GZQR0000000000000000000000000000000000000000' }],
    ] as const
    const answers = []
    for (const [path, json] of attempts) {
      const response = await guesser(path, { method: 'POST', json })
      answers.push({ status: response.status, body: await body(response) })
    }
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1)
    expect(answers[0]).toEqual({
      status: 400,
      body: { error_code: 'bind_refused', error_message: 'bind_refused', detail_message: null, message: expect.stringContaining('无法添加这台设备') },
    })
  })

  test('should stop a user after ten refused attempts, before anything reaches the cloud', async () => {
    const guesser = await fresh('连猜十次')
    for (let mac = 0; mac < 10; mac++) {
      const response = await guesser('/api/app/bind_label', { method: 'POST', json: { product_key: PET, mac: `18fe34a1b${String(mac).padStart(3, '0')}`, sig: 'AAAAAAAAAAAA' } })
      expect(response.status).toBe(400)
    }
    const bindMac = vi.spyOn(backend.context.client, 'bindMac')
    const bindByPasscode = vi.spyOn(backend.context.client, 'bindByPasscode')
    try {
      // Even a correct proof waits now: the limit is on the person, not on the guess.
      const limited = await guesser('/api/app/bind_label', { method: 'POST', json: { product_key: PET, mac: UNBOUND.pet.mac, sig: sig(PET, UNBOUND.pet.mac) } })
      expect(limited.status).toBe(429)
      expect(await body(limited)).toMatchObject({ error_code: 'bind_attempts_exceeded', message: expect.stringMatching(/^添加设备失败的次数太多，请 1[0-5] 分钟后再试$/) })
      expect((await guesser('/api/app/bindings', { method: 'POST', json: { devices: [{ did: UNBOUND.pet.did, passcode: 'WRONGWRONG' }] } })).status).toBe(429)
      expect(bindMac).not.toHaveBeenCalled()
      expect(bindByPasscode).not.toHaveBeenCalled()
    } finally {
      bindMac.mockRestore()
      bindByPasscode.mockRestore()
    }
  })

  test('should stop guesses at one device after five refusals, whoever makes them', async () => {
    for (let person = 0; person < 5; person++) {
      const guesser = await fresh(`猜同一台${person}`)
      expect((await guesser('/api/app/bindings', { method: 'POST', json: { devices: [{ did: XIAOMING_BEDROOM_AC, passcode: `WRONG${person}` }] } })).status).toBe(400)
    }
    const sixth = await fresh('第六个人')
    const limited = await sixth('/api/app/bindings', { method: 'POST', json: { devices: [{ did: XIAOMING_BEDROOM_AC, passcode: 'QWERTYUIOP' }] } })
    expect(limited.status).toBe(429)
    expect((await body(limited)).error_code).toBe('bind_attempts_exceeded')
    // The sixth person is not limited for other devices.
    expect((await sixth('/api/app/bind_label', { method: 'POST', json: { product_key: PLANT, mac: 'ffffffffffff', sig: 'AAAAAAAAAAAA' } })).status).toBe(400)
  })

  test('should bind with a signed label, and make its first binder the owner', async () => {
    const buyer = await fresh('买空调的人')
    const bound = await buyer('/api/app/bind_label', { method: 'POST', json: { product_key: AC_PRODUCT, mac: UNBOUND.ac.mac, sig: sig(AC_PRODUCT, UNBOUND.ac.mac) } })
    expect(bound.status).toBe(201)
    expect(await body(bound)).toMatchObject({ did: UNBOUND.ac.did, role: 'owner' })
    // The same label in someone else's hands: the device has an owner, who can share it.
    const neighbour = await fresh('邻居')
    const taken = await neighbour('/api/app/bind_label', { method: 'POST', json: { product_key: AC_PRODUCT, mac: UNBOUND.ac.mac, sig: sig(AC_PRODUCT, UNBOUND.ac.mac) } })
    expect(taken.status).toBe(409)
  })

  test('should bind a device found on the user\'s own LAN right after their Wi-Fi setup, by its passcode', async () => {
    const setter = await fresh('配网的人')
    // What the WeChat client stand-in does: AirKiss from this phone, then WeChat's LAN discovery from this phone.
    const airkiss = await fetch(`${backend.sandbox.url}/sandbox/wechat/airkiss`, {
      method: 'POST', headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ did: UNBOUND.plant.did, ssid: 'home-2.4', password: 'a-good-password', phone: 'phone-of-setter' }),
    })
    expect(await body(airkiss)).toMatchObject({ ok: true })
    const lan = await json<Array<{ did: string; passcode?: string }>>(await fetch(`${backend.sandbox.url}/sandbox/wechat/lan-devices?phone=phone-of-setter`))
    expect(lan).toEqual([expect.objectContaining({ did: UNBOUND.plant.did, passcode: UNBOUND.plant.passcode })])
    // Another phone's discovery does not see it.
    expect(await json(await fetch(`${backend.sandbox.url}/sandbox/wechat/lan-devices?phone=someone-else`))).toEqual([])
    const bound = await setter('/api/app/bindings', { method: 'POST', json: { devices: [{ did: lan[0].did, passcode: lan[0].passcode }] } })
    expect(bound.status).toBe(201)
    expect(await didsOf(setter)).toEqual([UNBOUND.plant.did])
  })

  test('should keep 小明\'s devices his through all of this', async () => {
    const xiaoming = await userAgent(FIRST_USER)
    expect(await didsOf(xiaoming)).toContain(XIAOMING_PET.did)
    const laowang = await userAgent(LAOWANG)
    expect(await didsOf(laowang)).toEqual([])
  })
})
