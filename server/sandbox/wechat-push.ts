// WeChat's server pushes, sent to the Official Account's server URL exactly as WeChat signs and encrypts them.
// Written apart from the BFF's code (its own signing and AES) so the two can only agree by both being right.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { SandboxClock } from './clock'
import type { WechatStore } from './store/wechat'

export interface WechatPushOptions {
  wechat: WechatStore
  clock: SandboxClock
  appId: string
  /** The Official Account's original id, the ToUserName of every push. */
  accountId: string
  token: string
  aesKey: string
  pushUrl: () => string | null
}

type Mode = 'plain' | 'compatible' | 'safe'

const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex')
const cdata = (value: string) => `<![CDATA[${value}]]>`

function aes(aesKey: string) {
  const key = Buffer.from(`${aesKey}=`, 'base64')
  const iv = key.subarray(0, 16)
  return {
    encrypt(text: string, appId: string): string {
      const message = Buffer.from(text)
      const head = Buffer.alloc(20)
      randomBytes(16).copy(head)
      head.writeUInt32BE(message.length, 16)
      const plain = Buffer.concat([head, message, Buffer.from(appId)])
      const padLength = 32 - (plain.length % 32)
      const cipher = createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
      return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(padLength, padLength)])), cipher.final()]).toString('base64')
    },
    decrypt(encrypted: string): string {
      const decipher = createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false)
      const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()])
      const body = plain.subarray(0, plain.length - plain[plain.length - 1])
      return body.subarray(20, 20 + body.readUInt32BE(16)).toString()
    },
  }
}

const field = (xml: string, name: string) => new RegExp(`<${name}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${name}>`).exec(xml)?.slice(1).find((v) => v !== undefined)

export async function wechatPush(app: FastifyInstance, options: WechatPushOptions): Promise<void> {
  const cipher = aes(options.aesKey)
  let msgId = 24_000_000_000_000_000n

  app.post('/sandbox/wechat/push', async (request, reply) => {
    const input = (request.body ?? {}) as { openid?: string; msg_type?: string; content?: string; event?: string; event_key?: string; device_id?: string; mode?: Mode; create_time?: number; timestamp?: number; nonce?: string }
    if (!input.openid || !['text', 'event', 'device_event'].includes(input.msg_type ?? '')) {
      return reply.status(400).send({ error: 'bad_push', message: 'body must be {"openid", "msg_type":"text"|"event"|"device_event", "content"|"event", "event_key"?, "device_id"?}' })
    }
    // What opens the customer-service window: a message, a menu click, a scan, following (a VIEW click does not).
    // WeChat counts it, and (un)following, whether or not the account's server answers.
    if (input.msg_type === 'event' && input.event === 'unsubscribe') options.wechat.setFollowing(input.openid, false)
    if (input.msg_type === 'event' && input.event === 'subscribe') options.wechat.setFollowing(input.openid, true)
    if (input.msg_type === 'text' || (input.msg_type === 'event' && ['CLICK', 'SCAN', 'subscribe', 'scancode_push', 'scancode_waitmsg'].includes(input.event ?? ''))) {
      options.wechat.touch(input.openid, options.clock.nowS())
    }
    const target = options.pushUrl()
    if (!target) return reply.status(409).send({ error: 'no_push_url', message: 'no server URL is configured for the Official Account' })
    const mode: Mode = input.mode ?? 'safe'
    const createTime = input.create_time ?? options.clock.nowS()
    // The WeChat hardware platform's device events (`MsgType` device_event, `Event` bind/unbind, as the AbleCloud
    // guide shows them): who bound which device, from the device's QR. Like messages they carry a MsgId, which is
    // what tells two events of one second apart.
    const deviceEvent = `<xml><ToUserName>${cdata(options.accountId)}</ToUserName><FromUserName>${cdata(input.openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('device_event')}</MsgType><Event>${cdata(input.event ?? '')}</Event><DeviceType>${cdata(options.accountId)}</DeviceType><DeviceID>${cdata(input.device_id ?? '')}</DeviceID><Content>${cdata('')}</Content><SessionID>0</SessionID><MsgId>${++msgId}</MsgId><OpenID>${cdata(input.openid)}</OpenID></xml>`
    const inner = input.msg_type === 'device_event' ? deviceEvent : input.msg_type === 'text'
      ? `<xml><ToUserName>${cdata(options.accountId)}</ToUserName><FromUserName>${cdata(input.openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(input.content ?? '')}</Content><MsgId>${++msgId}</MsgId></xml>`
      : `<xml><ToUserName>${cdata(options.accountId)}</ToUserName><FromUserName>${cdata(input.openid)}</FromUserName><CreateTime>${createTime}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata(input.event ?? '')}</Event>${input.event_key === undefined ? '' : `<EventKey>${cdata(input.event_key)}</EventKey>`}</xml>`
    // WeChat signs with its real clock, and the BFF checks it against its own: the sandbox's movable clock (moved
    // by tests to expire tokens and shares) must not make its pushes look stale. Tests may ask for a given
    // timestamp or nonce to check the BFF's window and replay refusals.
    const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000))
    const nonce = input.nonce ?? randomBytes(5).toString('hex')
    const query = new URLSearchParams({ signature: sha1([options.token, timestamp, nonce]), timestamp, nonce, openid: input.openid })
    let body = inner
    if (mode !== 'plain') {
      const encrypted = cipher.encrypt(inner, options.appId)
      query.set('encrypt_type', 'aes')
      query.set('msg_signature', sha1([options.token, timestamp, nonce, encrypted]))
      const envelope = `<ToUserName>${cdata(options.accountId)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt>`
      body = mode === 'safe' ? `<xml>${envelope}</xml>` : inner.replace('</xml>', `<Encrypt>${cdata(encrypted)}</Encrypt></xml>`)
    }
    if (input.msg_type === 'text') options.wechat.addMessage(input.openid, 'user', { content: input.content ?? '' }, options.clock.nowS())
    const started = Date.now()
    const response = await fetch(`${target}?${query}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body, signal: AbortSignal.timeout(5000) })
    const raw = await response.text()
    let replyXml = raw.startsWith('<xml>') ? raw : null
    if (replyXml && field(replyXml, 'Encrypt')) {
      const encrypted = field(replyXml, 'Encrypt')!
      const signature = field(replyXml, 'MsgSignature')
      if (signature !== sha1([options.token, field(replyXml, 'TimeStamp') ?? '', field(replyXml, 'Nonce') ?? '', encrypted])) return reply.status(502).send({ error: 'bad_reply_signature', message: 'the server signed its reply wrongly' })
      replyXml = cipher.decrypt(encrypted)
    }
    const content = replyXml ? field(replyXml, 'Content') ?? null : null
    if (content) options.wechat.addMessage(input.openid, 'reply', { content }, options.clock.nowS())
    return { status: response.status, elapsed_ms: Date.now() - started, raw, reply: content }
  })
}
