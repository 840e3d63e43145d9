// `/wechat/push`: WeChat's server configuration URL. GET proves we hold the token; POST carries messages and
// events in plain, compatible or safe (AES) mode. Anything unsigned or wrongly signed is refused and changes nothing.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Context } from '../context'
import { MessageCrypto, MessageCryptoError } from '../wechat/message-crypto'
import { PushHandler } from '../wechat/push-handler'
import { buildXml, parsePushXml } from '../wechat/push-xml'
import { messageSignature, pushSignature, sameText } from '../wechat/signatures'

const PushQuery = Type.Object({
  signature: Type.Optional(Type.String({ maxLength: 64 })),
  timestamp: Type.Optional(Type.String({ maxLength: 16 })),
  nonce: Type.Optional(Type.String({ maxLength: 64 })),
  echostr: Type.Optional(Type.String({ maxLength: 256 })),
  openid: Type.Optional(Type.String({ maxLength: 64 })),
  encrypt_type: Type.Optional(Type.String({ maxLength: 16 })),
  msg_signature: Type.Optional(Type.String({ maxLength: 64 })),
})
type PushQuery = Static<typeof PushQuery>

function refuse(request: FastifyRequest, reply: FastifyReply, why: string): FastifyReply {
  request.log.warn({ why, ip: request.ip }, 'WeChat push refused')
  return reply.status(401).type('text/plain').send('invalid signature')
}

export async function wechatPushRoutes(app: FastifyInstance, context: Context, handler: PushHandler): Promise<void> {
  const { pushToken, aesKey, appId } = context.config.wechat
  if (!pushToken) return
  const crypto = aesKey ? new MessageCrypto(aesKey, appId) : null

  app.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body))

  app.get('/wechat/push', { schema: { querystring: PushQuery } }, async (request, reply) => {
    const { signature = '', timestamp = '', nonce = '', echostr = '' } = request.query as PushQuery
    if (!sameText(pushSignature(pushToken, timestamp, nonce), signature)) return refuse(request, reply, 'bad signature on verification')
    return reply.type('text/plain').send(echostr)
  })

  app.post('/wechat/push', { schema: { querystring: PushQuery } }, async (request, reply) => {
    const query = request.query as PushQuery
    const raw = typeof request.body === 'string' ? request.body : ''
    const timestamp = query.timestamp ?? ''
    const nonce = query.nonce ?? ''
    let xml = raw
    try {
      if (query.encrypt_type === 'aes') {
        if (!crypto) return refuse(request, reply, 'safe mode push but no WECHAT_AES_KEY')
        const encrypted = parsePushXml(raw).Encrypt ?? ''
        if (!sameText(messageSignature(pushToken, timestamp, nonce, encrypted), query.msg_signature ?? '')) return refuse(request, reply, 'bad msg_signature')
        xml = crypto.decrypt(encrypted).message
      } else if (!sameText(pushSignature(pushToken, timestamp, nonce), query.signature ?? '')) {
        return refuse(request, reply, 'bad signature')
      }
      const push = parsePushXml(xml)
      const appUrl = context.config.publicUrl ?? `${request.protocol}://${request.host}`
      const answer = await handler.handle(push, { appUrl, nowS: () => Math.floor(Date.now() / 1000) })
      if (!answer) return reply.type('text/plain').send('success')
      if (query.encrypt_type !== 'aes' || !crypto) return reply.type('application/xml').send(answer)
      const encrypted = crypto.encrypt(answer)
      const replyNonce = randomBytes(8).toString('hex')
      return reply.type('application/xml').send(buildXml({ Encrypt: encrypted, MsgSignature: messageSignature(pushToken, timestamp, replyNonce, encrypted), TimeStamp: timestamp, Nonce: replyNonce }))
    } catch (error) {
      if (error instanceof MessageCryptoError) return refuse(request, reply, error.message)
      request.log.warn({ err: error }, 'unreadable WeChat push')
      return reply.status(400).type('text/plain').send('bad push')
    }
  })
}
