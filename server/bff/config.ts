// Settings from the environment, with sandbox defaults. A bad or missing setting stops the start, naming it.
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_WECHAT_TOKEN } from '../sandbox/index'

export interface Config {
  port: number
  host: string
  sandboxPort: number
  dataDir: string
  sessionSecret: string
  /** Seals the Gizwits tokens kept in app.db (AES-256-GCM, key derived with HKDF). */
  dataKey: string
  /** Secrets left unset in sandbox mode: generated here, then kept in DATA_DIR by keepSecretsInDataDir (main.ts). */
  generatedSecrets: Array<'SESSION_SECRET' | 'DATA_KEY'>
  /** Fastify's trustProxy: whether X-Forwarded-* headers are believed, and from whom. */
  trustProxy: boolean | string[]
  /** True when no real cloud is configured: `npm start` runs the sandbox and points at it. */
  sandboxMode: boolean
  sandboxBehaviour: 'live' | 'still'
  publicUrl: string | null
  gizwits: { apiBase: string; appId: string; products: Map<string, string> }
  /** Signs and checks device labels (server/labels/label-signature.ts); null turns binding by label off. */
  labelKey: string | null
  /** pushToken and aesKey are the Official Account's server configuration; null turns the push endpoint off. */
  wechat: { appId: string; appSecret: string; openBase: string; apiBase: string; pushToken: string | null; aesKey: string | null }
  /**
   * Scale-out (README "Several BFFs"): PostgreSQL for sessions, users' sealed tokens and the command journal, and
   * Redis for what is shared and short-lived. null = embedded (SQLite under DATA_DIR, state in this process).
   */
  databaseUrl: string | null
  redisUrl: string | null
  /** Names this process in the cluster (pub/sub skips its own messages); random when unset. */
  instanceId: string
  /**
   * Who may open the operator page (/ops, server/bff/ops/): holders of OPERATOR_TOKEN (kept only as its SHA-256,
   * compared in constant time) and the WeChat users listed in OPERATOR_OPENIDS. Neither set: the page is closed.
   */
  operator: { tokenHash: Buffer | null; openids: ReadonlySet<string> }
  /** /metrics in Prometheus' text format on its own port (METRICS_PORT, METRICS_HOST); null port = off. */
  metrics: { port: number | null; host: string }
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

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** Fastify's trustProxy: true/false, or the proxies' addresses/CIDR ranges (and proxy-addr's names loopback, linklocal, uniquelocal). */
function trustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = (raw ?? '').trim()
  if (value === '' || value === 'false') return false
  if (value === 'true') return true
  // Fastify (5.8+) ignores a hop count, failing closed because it cannot tell the proxy from a client that adds the
  // headers itself; say so rather than accept a setting that would silently trust nothing.
  if (/^\d+$/.test(value)) throw new ConfigError('TRUST_PROXY', `a hop count cannot tell your proxy from a client sending the same headers, so Fastify ignores it; give the proxy's addresses or CIDR ranges instead (e.g. 127.0.0.1 or 10.0.0.0/8), or true when only the proxy can reach the BFF, got "${raw}"`)
  const entries = value.split(',').map((item) => item.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/')
    const family = isIP(address)
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32))
    if (!PROXY_NAMES.has(entry) && (family === 0 || !okBits || extra !== undefined)) {
      throw new ConfigError('TRUST_PROXY', `must be true, false, or proxy addresses/CIDR ranges separated by commas (or loopback, linklocal, uniquelocal), got "${entry}"`)
    }
  }
  return entries
}

function operator(env: Env): Config['operator'] {
  const token = env.OPERATOR_TOKEN ?? ''
  if (token !== '' && (token.length < 24 || /\s/.test(token))) throw new ConfigError('OPERATOR_TOKEN', 'must be at least 24 random characters without spaces')
  const openids = (env.OPERATOR_OPENIDS ?? '').split(',').map((item) => item.trim()).filter(Boolean)
  for (const openid of openids) {
    if (!/^[A-Za-z0-9_-]{6,64}$/.test(openid)) throw new ConfigError('OPERATOR_OPENIDS', `must be WeChat openids separated by commas, got "${openid.slice(0, 70)}"`)
  }
  return { tokenHash: token ? createHash('sha256').update(token).digest() : null, openids: new Set(openids) }
}

function serviceUrl(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name]
  if (raw === undefined || raw === '') return null
  let protocol = ''
  try {
    protocol = new URL(raw).protocol
  } catch {
    // reported below
  }
  if (!protocols.includes(protocol)) throw new ConfigError(name, `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL, got a value that is not`)
  return raw
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
  const dataKey = env.DATA_KEY ?? ''
  if (!sandboxMode && dataKey.length < 32) throw new ConfigError('DATA_KEY', 'required with real clouds: at least 32 random characters (it seals the Gizwits tokens in app.db; keep it with your backups)')
  if (sandboxMode && dataKey !== '' && dataKey.length < 32) throw new ConfigError('DATA_KEY', 'must be at least 32 characters')
  const generatedSecrets: Config['generatedSecrets'] = []
  if (!sessionSecret) generatedSecrets.push('SESSION_SECRET')
  if (!dataKey) generatedSecrets.push('DATA_KEY')
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
    dataKey: dataKey || randomBytes(32).toString('hex'),
    generatedSecrets,
    trustProxy: trustProxy(env.TRUST_PROXY),
    sandboxMode,
    sandboxBehaviour: behaviour,
    publicUrl,
    labelKey,
    gizwits: { apiBase: bases.GIZWITS_API_BASE ?? '', appId, products: gizwitsProducts },
    wechat: { appId: wechatAppId, appSecret: wechatSecret, openBase: bases.WECHAT_OPEN_BASE ?? '', apiBase: bases.WECHAT_API_BASE ?? '', pushToken, aesKey },
    databaseUrl: serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    instanceId: env.INSTANCE_ID || randomBytes(6).toString('hex'),
    operator: operator(env),
    metrics: { port: env.METRICS_PORT ? port(env, 'METRICS_PORT', 0) : null, host: env.METRICS_HOST || '127.0.0.1' },
  }
}

export const SECRET_FILES = { SESSION_SECRET: 'session-secret', DATA_KEY: 'data-key' } as const

/**
 * Sandbox mode: a secret not configured is generated once and kept in DATA_DIR (mode 600), so a restart keeps
 * everyone logged in and the sealed tokens readable. Deleting the file is how to change it.
 */
export function keepSecretsInDataDir(config: Config): void {
  if (config.generatedSecrets.length === 0) return
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
  for (const name of config.generatedSecrets) {
    const file = join(config.dataDir, SECRET_FILES[name])
    let value: string
    if (existsSync(file)) {
      if ((statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600)
      value = readFileSync(file, 'utf8').trim()
      if (value.length < 32) throw new ConfigError(name, `${file} holds fewer than 32 characters; delete it to have a new one generated, or set ${name}`)
    } else {
      value = name === 'SESSION_SECRET' ? config.sessionSecret : config.dataKey
      writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' })
    }
    if (name === 'SESSION_SECRET') config.sessionSecret = value
    else config.dataKey = value
  }
}
