// Security headers on every answer, through @fastify/helmet: a Content-Security-Policy that lets our bundle
// (weixin-js-sdk included: it runs from our own scripts and only calls WeixinJSBridge) and, on the sandbox, the
// WeChat client stand-in run, and nothing else; no framing (clickjacking a "transfer device" button); nosniff;
// HSTS when the public origin is https.
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import type { IncomingMessage } from 'node:http'
import type { Config } from '../config'

/** jweixin reports its own errors to WeChat with an image request. */
const WECHAT_SDK_REPORT = 'https://open.weixin.qq.com'

/** The sandbox on the host the browser used (as context.wechatOpenBase), or nothing when it is not a plain host. */
function sandboxOrigin(config: Config, request: IncomingMessage): string {
  if (config.wechat.openBase) return new URL(config.wechat.openBase).origin
  const host = (request.headers.host ?? '').replace(/:\d+$/, '')
  return /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9a-fA-F:]{2,39}\])$/.test(host) ? `http://${host}:${config.sandboxPort}` : "'self'"
}

export async function registerSecurityHeaders(app: FastifyInstance, config: Config): Promise<void> {
  const https = config.publicUrl?.startsWith('https:') ?? false
  // On the sandbox the page loads the client stand-in's script and asks the sandbox for labels and LAN devices.
  const sandbox = (request: IncomingMessage) => (config.sandboxMode ? sandboxOrigin(config, request) : "'self'")
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", sandbox],
        // Vue and Vant set style attributes at run time.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', WECHAT_SDK_REPORT, sandbox],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", sandbox],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    hsts: https ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'same-origin' },
    // The sandbox serves its script to our page from another port: that is its answer, not ours.
    crossOriginEmbedderPolicy: false,
  })
}
