// Compression of what the BFF writes itself: the JSON of /api (a product definition is 4–5 KB of repetitive
// JSON) and the SPA's page. Built assets are not compressed here: they go out as the brotli or gzip copies the
// build wrote (@fastify/static's `preCompressed`, app.ts). A hook of a few lines over node:zlib rather than
// @fastify/compress: only whole string bodies are compressed, so streams, websockets and files never pass here.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import type { FastifyInstance } from 'fastify'

/** Below this a compressed body saves less than the headers it adds. */
const MIN_BYTES = 1024
const COMPRESSIBLE = /^(application\/json|text\/html)/
/** Fast settings: these bodies are made per request (brotli 4 is close to gzip 6 in time, smaller in size). */
const BROTLI_QUALITY = 4

export function registerCompression(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload !== 'string' || Buffer.byteLength(payload) < MIN_BYTES) return payload
    if (reply.hasHeader('content-encoding') || !COMPRESSIBLE.test(String(reply.getHeader('content-type') ?? ''))) return payload
    reply.header('vary', reply.hasHeader('vary') ? `${String(reply.getHeader('vary'))}, accept-encoding` : 'accept-encoding')
    const accepted = String(request.headers['accept-encoding'] ?? '')
    const encoding = /\bbr\b/.test(accepted) ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null
    if (!encoding) return payload
    const body = encoding === 'br' ? brotliCompressSync(payload, { params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } }) : gzipSync(payload)
    reply.header('content-encoding', encoding)
    reply.removeHeader('content-length')
    return body
  })
}
