// The owner is told in WeChat once when a device of theirs has new firmware: the vendor's worker asks the cloud
// (as the BFF's users), stores each version's notice in its outbox and sends it; asking again, or the device coming
// back online, announces nothing twice; a guest of the device is not told (they cannot update); a newer version is
// a new notice.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { SECOND_USER, json } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

/** 小李, who owns the demo gateway (server/sandbox/seed.ts). */
const HUB_OWNER = 'oDemo_XiaoLi_5hG8jT2wQ4rZ'
const HUB = 'Gw5hUbRb1yY7zSe0Ci3XgP'
const HUB_PRODUCT = '3a7c9e1f5b2d4c6e8a0b1c2d3e4f5061'

interface Bubble { kind: string; data?: Record<string, { value: string }> }

let stack: BackendWithWorker
beforeAll(async () => {
  stack = await startBackendWithWorker()
  for (const user of [HUB_OWNER, SECOND_USER]) await loginThroughSandbox(stack.backend.bffUrl, user)
})
afterAll(async () => {
  await stack?.close()
})

const sandbox = (path: string, input: unknown) => fetch(`${stack.backend.sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) })
const firmwareTitles = async (openid: string) => (await json<{ messages: Bubble[] }>(await fetch(`${stack.backend.sandbox.url}/sandbox/wechat/conversation?openid=${openid}`)))
  .messages.filter((message) => message.kind === 'template').map((message) => message.data?.thing2.value ?? '').filter((title) => title.includes('固件'))

describe('firmware notices', () => {
  test('should tell the owner once per version, and not a guest', async () => {
    // The hub is shared with the second user, who must not be told.
    const cookie = await loginThroughSandbox(stack.backend.bffUrl, HUB_OWNER)
    const guestCookie = await loginThroughSandbox(stack.backend.bffUrl, SECOND_USER)
    const headers = (c: string) => ({ cookie: c, origin: stack.backend.bffUrl, 'content-type': 'application/json' })
    const { uid: guestUid } = await json<{ uid: string }>(await fetch(`${stack.backend.bffUrl}/api/me`, { headers: headers(guestCookie) }))
    expect((await fetch(`${stack.backend.bffUrl}/api/app/sharing`, { method: 'POST', headers: headers(cookie), body: JSON.stringify({ type: 0, did: HUB, uid: guestUid }) })).status).toBe(201)
    const { objects } = await json<{ objects: Array<{ id: number }> }>(await fetch(`${stack.backend.bffUrl}/api/app/sharing?sharing_type=1&status=0`, { headers: headers(guestCookie) }))
    expect((await fetch(`${stack.backend.bffUrl}/api/app/sharing/${objects[0].id}?status=1`, { method: 'PUT', headers: headers(guestCookie) })).status).toBe(200)

    await stack.worker.checkFirmware()
    expect(await firmwareTitles(HUB_OWNER)).toEqual([])

    expect((await sandbox('/sandbox/firmware', { product_key: HUB_PRODUCT, firmware_type: 'wifi', version: '04020021', notes: '修复偶发掉线', forced: false })).status).toBe(200)
    await stack.worker.checkFirmware()
    await stack.worker.checkFirmware(HUB)
    expect(await firmwareTitles(HUB_OWNER)).toEqual(['固件可更新 04020021'])
    expect(await firmwareTitles(SECOND_USER)).toEqual([])

    await sandbox('/sandbox/firmware', { product_key: HUB_PRODUCT, firmware_type: 'wifi', version: '04020022', notes: '再修一次', forced: false })
    await stack.worker.checkFirmware()
    expect(await firmwareTitles(HUB_OWNER)).toEqual(['固件可更新 04020021', '固件可更新 04020022'])
  })
})
