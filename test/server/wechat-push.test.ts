import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { labelSignature } from '../../server/labels/label-signature'
import { DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_TOKEN } from '../../server/sandbox/demo-defaults'
import { MessageCrypto, MessageCryptoError } from '../../server/bff/wechat/message-crypto'
import { buildXml, parsePushXml, pushKey, textReply } from '../../server/bff/wechat/push-xml'
import { FIRST_USER, sandboxPush, startBackend, type Backend } from '../support/backend'

const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex')

describe('safe-mode crypto', () => {
  test('should match the sample of WeChat\'s own message-crypto test suite', () => {
    // WXBizMsgCryptTest (WeChat's Java sample): key, appid, the 16 "random" bytes, and the expected ciphertext.
    const crypto = new MessageCrypto('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', 'wxb11529c136998cb6')
    const expected = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=='
    expect(crypto.encrypt('我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe(expected)
    expect(crypto.decrypt(expected).message).toBe('我是中文abcd123')
  })

  test('should round-trip a message and refuse one for another account', () => {
    const mine = new MessageCrypto(DEMO_WECHAT_AES_KEY, 'wx5a1b2c3d4e5f6a7b')
    const encrypted = mine.encrypt('<xml><Content><![CDATA[你好]]></Content></xml>')
    expect(mine.decrypt(encrypted)).toEqual({ message: '<xml><Content><![CDATA[你好]]></Content></xml>', appId: 'wx5a1b2c3d4e5f6a7b' })
    const theirs = new MessageCrypto(DEMO_WECHAT_AES_KEY, 'wx0000000000000000')
    expect(() => theirs.decrypt(encrypted)).toThrow(MessageCryptoError)
    expect(() => new MessageCrypto('short', 'wx')).toThrow(MessageCryptoError)
  })
})

describe('push XML', () => {
  test('should read CDATA and plain values, and build replies to the sender', () => {
    const push = parsePushXml('<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_123]]></EventKey></xml>')
    expect(push).toEqual({ ToUserName: 'gh_1', FromUserName: 'o1', CreateTime: '1700000000', MsgType: 'event', Event: 'subscribe', EventKey: 'qrscene_123' })
    expect(pushKey(push)).toBe('event:o1:1700000000:subscribe:qrscene_123')
    expect(parsePushXml(textReply(push, 'hi ]]> there', 1))).toEqual({ ToUserName: 'o1', FromUserName: 'gh_1', CreateTime: '1', MsgType: 'text', Content: 'hi ]]> there' })
    expect(buildXml({ A: 1 })).toBe('<xml><A>1</A></xml>')
    expect(() => parsePushXml('<html></html>')).toThrow()
  })
})

describe('/wechat/push', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await startBackend()
  })
  afterAll(async () => {
    await backend.close()
  })

  const push = (input: Record<string, unknown>) => sandboxPush(backend.sandbox.url, input)
  /** Awaited: the store answers at once on SQLite and with a promise on PostgreSQL (project server-pg). */
  const events = async () => backend.context.pushes.events()

  test('should prove it holds the token, and refuse a wrong signature', async () => {
    const now = String(Math.floor(Date.now() / 1000))
    const good = await fetch(`${backend.bffUrl}/wechat/push?signature=${sha1([DEMO_WECHAT_TOKEN, now, 'n1'])}&timestamp=${now}&nonce=n1&echostr=hello123`)
    expect(await good.text()).toBe('hello123')
    const bad = await fetch(`${backend.bffUrl}/wechat/push?signature=${'0'.repeat(40)}&timestamp=${now}&nonce=n1&echostr=hello123`)
    expect(bad.status).toBe(401)
  })

  // Plain mode is only accepted without an AES key: see wechat-push-hardening.test.ts.
  test.each(['compatible', 'safe'])('should answer a text message in %s mode with a link into the app', async (mode) => {
    const result = await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', mode })
    expect(result.status).toBe(200)
    expect(result.reply).toContain(`${backend.bffUrl}/`)
    expect(result.elapsed_ms as number).toBeLessThan(5000)
  })

  test('should welcome a new follower and keep the scene of the QR they scanned', async () => {
    const result = await push({ openid: 'o-new-follower', msg_type: 'event', event: 'subscribe', event_key: 'qrscene_device42' })
    expect(result.reply).toContain('欢迎关注')
    expect(await events()).toContainEqual(expect.objectContaining({ openid: 'o-new-follower', event: 'subscribe', event_key: 'qrscene_device42' }))
  })

  test('should answer the menu\'s help button', async () => {
    const result = await push({ openid: FIRST_USER, msg_type: 'event', event: 'CLICK', event_key: 'HELP' })
    expect(result.reply).toContain('我的设备')
  })

  test('should handle a retried event once', async () => {
    const before = (await events()).length
    const first = await push({ openid: FIRST_USER, msg_type: 'event', event: 'CLICK', event_key: 'DEVICES', create_time: 1_700_000_123 })
    const retry = await push({ openid: FIRST_USER, msg_type: 'event', event: 'CLICK', event_key: 'DEVICES', create_time: 1_700_000_123 })
    expect([first.raw, retry.raw]).toEqual(['success', 'success'])
    expect((await events()).length).toBe(before + 1)
  })

  test('should refuse unsigned or forged pushes without any side effect', async () => {
    const before = (await events()).length
    const xml = '<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[设备]]></Content><MsgId>1</MsgId></xml>'
    const unsigned = await fetch(`${backend.bffUrl}/wechat/push`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml })
    expect(unsigned.status).toBe(401)
    const now = String(Math.floor(Date.now() / 1000))
    const forged = await fetch(`${backend.bffUrl}/wechat/push?encrypt_type=aes&msg_signature=${sha1(['wrong-token', now, 'n', 'AAAA'])}&timestamp=${now}&nonce=n`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>' })
    expect(forged.status).toBe(401)
    const badAes = await fetch(`${backend.bffUrl}/wechat/push?encrypt_type=aes&timestamp=${now}&nonce=n&msg_signature=${sha1([DEMO_WECHAT_TOKEN, now, 'n', 'AAAA'])}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>' })
    expect(badAes.status).toBe(401)
    expect((await events()).length).toBe(before)
  })
})

describe('devices bound from WeChat pushes', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await startBackend()
  })
  afterAll(async () => {
    await backend.close()
  })

  const AC = '4214bf2d79694a259232431b6f2ef46b'
  const PLANT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
  const PET = '268162799f764b999f834b5a02eb894d'
  /** The signature printed on the device's label, which a scene or device id must carry to bind. */
  const sig = (productKey: string, mac: string) => labelSignature(DEMO_LABEL_KEY, productKey, mac)
  const push = (input: Record<string, unknown>) => sandboxPush(backend.sandbox.url, input)
  const macsOf = async (openid: string) => {
    const { token } = (await (await fetch(`${backend.sandbox.url}/app/users`, {
      method: 'POST',
      headers: { 'X-Gizwits-Application-Id': backend.context.config.gizwits.appId, 'content-type': 'application/json' },
      body: JSON.stringify({ phone_id: openid }),
    })).json()) as { token: string }
    const bindings = (await (await fetch(`${backend.sandbox.url}/app/bindings`, { headers: { 'X-Gizwits-Application-Id': backend.context.config.gizwits.appId, 'X-Gizwits-User-token': token } })).json()) as { devices: Array<{ mac: string }> }
    return bindings.devices.map((device) => device.mac)
  }

  test('should bind the device of a parametric QR scanned before following', async () => {
    const result = await push({ openid: 'o-scan-then-follow', msg_type: 'event', event: 'subscribe', event_key: `qrscene_bind:${AC}:accf2350d449:${sig(AC, 'accf2350d449')}` })
    expect(result.reply).toContain('欢迎关注！已把“空调”添加到你的设备')
    expect(await macsOf('o-scan-then-follow')).toEqual(['accf2350d449'])
  })

  test('should tell the next scanner that the device has an owner and how to get it shared', async () => {
    const result = await push({ openid: 'o-second-scanner', msg_type: 'event', event: 'SCAN', event_key: `bind:${AC}:accf2350d449:${sig(AC, 'accf2350d449')}` })
    expect(result.reply).toContain('这台设备已经有主人了。请让主人在设备页点“分享”')
    expect(await macsOf('o-second-scanner')).toEqual([])
  })

  test('should bind and unbind through hardware device events', async () => {
    await push({ openid: 'o-hardware', msg_type: 'device_event', event: 'bind', device_id: `${PLANT}_5ccf7f0a1b2e_${sig(PLANT, '5ccf7f0a1b2e')}` })
    await expect.poll(() => macsOf('o-hardware')).toEqual(['5ccf7f0a1b2e'])
    await push({ openid: 'o-hardware', msg_type: 'device_event', event: 'unbind', device_id: `${PLANT}_5ccf7f0a1b2e_${sig(PLANT, '5ccf7f0a1b2e')}` })
    await expect.poll(() => macsOf('o-hardware')).toEqual([])
  })

  test('should not bind from a scene or device id that anyone could type (no or a wrong signature)', async () => {
    const unsigned = await push({ openid: 'o-typist', msg_type: 'event', event: 'SCAN', event_key: `bind:${PLANT}:5ccf7f0a1b2e` })
    expect(unsigned.reply).toContain('这个二维码不能用来添加设备')
    const forged = await push({ openid: 'o-typist', msg_type: 'event', event: 'subscribe', event_key: `qrscene_bind:${PLANT}:5ccf7f0a1b2e:AAAAAAAAAAAA` })
    expect(forged.reply).toContain('这个二维码不能用来添加设备')
    await push({ openid: 'o-typist', msg_type: 'device_event', event: 'bind', device_id: `${PLANT}_5ccf7f0a1b2e` })
    await push({ openid: 'o-typist', msg_type: 'device_event', event: 'bind', device_id: `${PLANT}_5ccf7f0a1b2e_${sig(PLANT, '5ccf7f0a1b2f')}` })
    // A signed event after them: once its device is bound, the earlier ones have long been handled.
    await push({ openid: 'o-typist', msg_type: 'device_event', event: 'bind', device_id: `${PET}_18fe34a1b2c4_${sig(PET, '18fe34a1b2c4')}` })
    await expect.poll(() => macsOf('o-typist')).toContain('18fe34a1b2c4')
    expect(await macsOf('o-typist')).toEqual(['18fe34a1b2c4'])
  })

  test('should ignore scenes and device ids that name no device of ours', async () => {
    const result = await push({ openid: 'o-stranger', msg_type: 'event', event: 'SCAN', event_key: 'promo-2026' })
    expect(result.raw).toBe('success')
    await push({ openid: 'o-stranger', msg_type: 'device_event', event: 'bind', device_id: 'not-ours' })
    expect(await macsOf('o-stranger')).toEqual([])
  })
})
