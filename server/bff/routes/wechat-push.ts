// `/wechat/push`: WeChat's server configuration URL. GET proves we hold the token; POST carries messages and
// events. Anything unsigned, wrongly signed, stale or replayed is refused and changes nothing, and the checks come
// before any reading of the body beyond one linear scan: the endpoint needs no login, so it is the first thing an
// attacker reaches. With an EncodingAESKey configured only safe or compatible mode is accepted (msg_signature
// covers the encrypted message); plain mode, whose signature covers no body at all, only when no key is set.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Context } from '../context'
import { MessageCrypto, MessageCryptoError } from '../wechat/message-crypto'
import { PushHandler, PushReplayError } from '../wechat/push-handler'
import { buildXml, encryptedField, parsePushXml, PushXmlError } from '../wechat/push-xml'
import { messageSignature, pushSignature, PUSH_TIMESTAMP_WINDOW_S, sameText, timestampInWindow } from '../wechat/signatures'
import type { RouteScope } from './route-schemas'

/**
 * WeChat's pushes are a few KB (a long text message in compatible mode carries it twice, once in base64); the cap
 * applies whatever the content type, so no other parser sees more either.
 */
export const MAX_PUSH_BODY = 64 * 1024
/** How often expired nonces, dedup keys and events are deleted. */
export const PUSH_SWEEP_EVERY_MS = 10 * 60 * 1000

/** What the push endpoint answers on refusal. WeChat's servers read these, not users; the log says why. */
export const PushRefusal = {
  /** 401: not signed by WeChat with our token, outside the time window, or a signed nonce reused. */
  SIGNATURE: 'invalid signature',
  /** 400: signed, but not WeChat's flat XML. */
  BAD_PUSH: 'bad push',
  /** 503: we could not store it (full disk, database error): nothing was kept, and WeChat retries a non-200. */
  RETRY: 'temporarily unavailable, retry',
} as const

const PushQuery = Type.Object({
  signature: Type.Optional(Type.String({ maxLength: 40, pattern: '^[0-9a-f]*$' })),
  timestamp: Type.Optional(Type.String({ maxLength: 12, pattern: '^[0-9]*$' })),
  nonce: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9A-Za-z_-]*$' })),
  echostr: Type.Optional(Type.String({ maxLength: 256 })),
  openid: Type.Optional(Type.String({ maxLength: 64 })),
  encrypt_type: Type.Optional(Type.String({ maxLength: 16 })),
  msg_signature: Type.Optional(Type.String({ maxLength: 40, pattern: '^[0-9a-f]*$' })),
}, { additionalProperties: false })

function refuse(request: FastifyRequest, reply: FastifyReply, why: string): FastifyReply {
  request.log.warn({ why, ip: request.ip }, 'WeChat push refused')
  return reply.status(401).type('text/plain').send(PushRefusal.SIGNATURE)
}

export interface PushRouteOptions {
  /** Seconds since the epoch, real time: WeChat stamps pushes with its own clock. */
  nowS?: () => number
}

export async function wechatPushRoutes(app: RouteScope, context: Context, handler: PushHandler, options: PushRouteOptions = {}): Promise<void> {
  const { pushToken, aesKey, appId } = context.config.wechat
  if (!pushToken) return
  const crypto = aesKey ? new MessageCrypto(aesKey, appId) : null
  const nowS = options.nowS ?? (() => Math.floor(Date.now() / 1000))

  app.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string', bodyLimit: MAX_PUSH_BODY }, (_request, body, done) => done(null, body))

  // Started synchronously (SQLite sweeps at once), finished whenever the store answers (PostgreSQL).
  const sweep = () => {
    const failed = (error: unknown) => app.log.warn({ err: error }, 'expired WeChat push records not deleted')
    try {
      void Promise.resolve(handler.store.sweep(nowS(), PUSH_TIMESTAMP_WINDOW_S)).then((swept) => {
        if (swept.seen + swept.events > 0) app.log.info(swept, 'expired WeChat push records deleted')
      }, failed)
    } catch (error) {
      failed(error)
    }
  }
  sweep()
  // unref: the sweep alone must not keep the process alive; cleared on close so no sweep runs on a closed database.
  const sweeper = setInterval(sweep, PUSH_SWEEP_EVERY_MS).unref()
  app.addHook('onClose', async () => clearInterval(sweeper))

  app.get('/wechat/push', { schema: { querystring: PushQuery } }, async (request, reply) => {
    const { signature = '', timestamp = '', nonce = '', echostr = '' } = request.query
    if (!timestampInWindow(timestamp, nowS())) return refuse(request, reply, `verification timestamp outside ±${PUSH_TIMESTAMP_WINDOW_S} s`)
    if (!sameText(pushSignature(pushToken, timestamp, nonce), signature)) return refuse(request, reply, 'bad signature on verification')
    return reply.type('text/plain').send(echostr)
  })

  app.post('/wechat/push', { bodyLimit: MAX_PUSH_BODY, schema: { querystring: PushQuery } }, async (request, reply) => {
    const query = request.query
    const raw = typeof request.body === 'string' ? request.body : ''
    const timestamp = query.timestamp ?? ''
    const nonce = query.nonce ?? ''
    // Cheap checks first, on the query alone: nothing in the body is looked at for a stale or unsigned request.
    if (!timestampInWindow(timestamp, nowS())) return refuse(request, reply, `timestamp outside ±${PUSH_TIMESTAMP_WINDOW_S} s`)
    let message: string
    try {
      if (crypto) {
        if (query.encrypt_type !== 'aes' || !query.msg_signature) return refuse(request, reply, 'WECHAT_AES_KEY is set: only encrypted pushes with msg_signature are accepted')
        const encrypted = encryptedField(raw)
        if (encrypted === null) return refuse(request, reply, 'no Encrypt element to check msg_signature against')
        if (!sameText(messageSignature(pushToken, timestamp, nonce, encrypted), query.msg_signature)) return refuse(request, reply, 'bad msg_signature')
        message = crypto.decrypt(encrypted).message
      } else {
        if (query.encrypt_type === 'aes') return refuse(request, reply, 'safe mode push but no WECHAT_AES_KEY')
        if (!sameText(pushSignature(pushToken, timestamp, nonce), query.signature ?? '')) return refuse(request, reply, 'bad signature')
        message = raw
      }
    } catch (error) {
      if (error instanceof MessageCryptoError) return refuse(request, reply, error.message)
      throw error
    }
    try {
      const push = parsePushXml(message)
      const appUrl = context.config.publicUrl ?? `${request.protocol}://${request.host}`
      const signed = { timestamp: Number(timestamp), nonce, messageSha256: createHash('sha256').update(message).digest('hex') }
      const answer = await handler.handle(push, { appUrl, nowS, signed })
      if (!answer) return reply.type('text/plain').send('success')
      if (!crypto) return reply.type('application/xml').send(answer)
      const encrypted = crypto.encrypt(answer)
      const replyNonce = randomBytes(8).toString('hex')
      return reply.type('application/xml').send(buildXml({ Encrypt: encrypted, MsgSignature: messageSignature(pushToken, timestamp, replyNonce, encrypted), TimeStamp: timestamp, Nonce: replyNonce }))
    } catch (error) {
      if (error instanceof PushReplayError) return refuse(request, reply, error.message)
      if (error instanceof PushXmlError) {
        request.log.warn({ why: error.message }, 'unreadable WeChat push')
        return reply.status(400).type('text/plain').send(PushRefusal.BAD_PUSH)
      }
      // The push was signed and readable but could not be kept (a full disk, a locked or damaged database). Its
      // one transaction left nothing behind; a non-200 makes WeChat send it again, and the retry starts clean.
      const code = (error as { code?: unknown }).code
      request.log.error({ code: typeof code === 'string' ? code : undefined, why: (error as Error).message }, 'WeChat push not stored; answered 503 so WeChat retries')
      return reply.status(503).type('text/plain').send(PushRefusal.RETRY)
    }
  })
}
