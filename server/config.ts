// Settings from the environment, with sandbox defaults. A bad or missing setting stops the start, naming it.
import { randomBytes } from 'node:crypto'
import { DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_WECHAT_TOKEN } from './sandbox/demo-defaults'

export interface Config {
  port: number
  host: string
  sandboxPort: number
  dataDir: string
  sessionSecret: string
  /** True when no real cloud is configured: `npm start` runs the sandbox and points at it. */
  sandboxMode: boolean
  sandboxBehaviour: 'live' | 'still'
  publicUrl: string | null
  gizwits: { apiBase: string; appId: string; products: Map<string, string> }
  /** Signs and checks device labels (server/labels/label-signature.ts); null turns binding by label off. */
  labelKey: string | null
  /** pushToken and aesKey are the Official Account's server configuration; null turns the push endpoint off. */
  wechat: { appId: string; appSecret: string; openBase: string; apiBase: string; pushToken: string | null; aesKey: string | null }
}

export class ConfigError extends Error {
  constructor(readonly setting: string, problem: string) {
    super(`${setting}: ${problem}`)
  }
}

type Env = Record<string, string | undefined>

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(name, `must be a port number 0–65535, got "${raw}"`)
  return value
}

function url(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  try {
    const parsed = new URL(raw)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error()
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`)
  }
  return raw.replace(/\/+$/, '')
}

function products(raw: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  if (!raw) return map
  for (const pair of raw.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [key, secret, extra] = pair.split(':')
    if (!key || !secret || extra !== undefined || !/^[0-9a-f]{32}$/i.test(key)) {
      throw new ConfigError('GIZWITS_PRODUCTS', `must be "product_key:product_secret,…" with 32-hex product keys, got "${pair}"`)
    }
    map.set(key, secret)
  }
  return map
}

/** Sandbox URLs are filled in by main.ts once the sandbox listens. */
export function loadConfig(env: Env = process.env): Config {
  const bases = { GIZWITS_API_BASE: url(env, 'GIZWITS_API_BASE'), WECHAT_OPEN_BASE: url(env, 'WECHAT_OPEN_BASE'), WECHAT_API_BASE: url(env, 'WECHAT_API_BASE') }
  const given = Object.entries(bases).filter(([, value]) => value !== undefined)
  const sandboxMode = given.length === 0
  if (!sandboxMode && given.length < 3) {
    const missing = Object.entries(bases).filter(([, value]) => value === undefined).map(([name]) => name)
    throw new ConfigError(missing.join(', '), 'set all of GIZWITS_API_BASE, WECHAT_OPEN_BASE and WECHAT_API_BASE for real clouds, or none for the sandbox')
  }
  const sessionSecret = env.SESSION_SECRET ?? ''
  if (!sandboxMode && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'required with real clouds: at least 32 random characters')
  if (sandboxMode && sessionSecret !== '' && sessionSecret.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters')
  const behaviour = env.SANDBOX_BEHAVIOUR || 'live'
  if (behaviour !== 'live' && behaviour !== 'still') throw new ConfigError('SANDBOX_BEHAVIOUR', `must be "live" or "still", got "${behaviour}"`)
  const appId = env.GIZWITS_APP_ID || DEMO_GIZWITS_APP_ID
  if (!/^[0-9a-f]{32}$/i.test(appId)) throw new ConfigError('GIZWITS_APP_ID', 'must be 32 hex characters')
  const wechatAppId = env.WECHAT_APP_ID || DEMO_WECHAT_APP_ID
  if (!/^wx[0-9a-zA-Z]{16}$/.test(wechatAppId)) throw new ConfigError('WECHAT_APP_ID', 'must look like wx followed by 16 letters or digits')
  const wechatSecret = env.WECHAT_APP_SECRET || (sandboxMode ? DEMO_WECHAT_APP_SECRET : '')
  if (!wechatSecret) throw new ConfigError('WECHAT_APP_SECRET', 'required with real clouds')
  const pushToken = env.WECHAT_TOKEN || (sandboxMode ? DEMO_WECHAT_TOKEN : null)
  if (pushToken !== null && !/^[A-Za-z0-9]{3,32}$/.test(pushToken)) throw new ConfigError('WECHAT_TOKEN', 'must be 3–32 letters or digits, as in the Official Account settings')
  const aesKey = env.WECHAT_AES_KEY || (sandboxMode ? DEMO_WECHAT_AES_KEY : null)
  if (aesKey !== null && !/^[A-Za-z0-9]{43}$/.test(aesKey)) throw new ConfigError('WECHAT_AES_KEY', 'must be the 43-character EncodingAESKey')
  const labelKey = env.LABEL_KEY || (sandboxMode ? DEMO_LABEL_KEY : null)
  if (labelKey !== null && labelKey.length < 32) throw new ConfigError('LABEL_KEY', 'must be at least 32 random characters (the key device labels are signed with)')
  const publicUrl = url(env, 'PUBLIC_URL') ?? null
  // With real clouds the OAuth redirect and the pages we sign must not follow a Host header anyone can send.
  if (!sandboxMode && !publicUrl) throw new ConfigError('PUBLIC_URL', 'required with real clouds: the https origin WeChat users reach')
  const gizwitsProducts = products(env.GIZWITS_PRODUCTS)
  if (!sandboxMode && gizwitsProducts.size === 0) throw new ConfigError('GIZWITS_PRODUCTS', 'required with real clouds: "product_key:product_secret,…"')

  return {
    port: port(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    sandboxPort: port(env, 'SANDBOX_PORT', 8081),
    dataDir: env.DATA_DIR || './data',
    sessionSecret: sessionSecret || randomBytes(32).toString('hex'),
    sandboxMode,
    sandboxBehaviour: behaviour,
    publicUrl,
    labelKey,
    gizwits: { apiBase: bases.GIZWITS_API_BASE ?? '', appId, products: gizwitsProducts },
    wechat: { appId: wechatAppId, appSecret: wechatSecret, openBase: bases.WECHAT_OPEN_BASE ?? '', apiBase: bases.WECHAT_API_BASE ?? '', pushToken, aesKey },
  }
}
