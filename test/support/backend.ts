// The sandbox and a BFF built from config, both listening on ephemeral ports, for server tests.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { inject } from 'vitest'
import WebSocket from 'ws'
import { buildApp, type BuildOptions } from '../../server/bff/app'
import { loadConfig } from '../../server/bff/config'
import type { Context } from '../../server/bff/context'
import { DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_WECHAT_TOKEN } from '../../server/sandbox/demo-defaults'
import { startSandbox, type Sandbox, type SandboxOptions } from '../../server/sandbox/sandbox'

export const FIRST_USER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
export const SECOND_USER = 'oDemo_XiaoHong_3bN7cR2tY8uI'
export const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'
export const STUDY_PLANT_OFFLINE = 'Pl8bOuXu4sS0tLy3Wc6RaJ'
export const SECOND_USERS_AC = 'Ac0dQwZw6uU2vNa5Ye8TcL'
export const AC_PRODUCT = '4214bf2d79694a259232431b6f2ef46b'
export const UNBOUND_AC_MAC = 'accf2350d449'

export function startTestSandbox(options: Partial<SandboxOptions> = {}): Promise<Sandbox> {
  return startSandbox({
    port: 0,
    dataFile: ':memory:',
    behaviour: 'still',
    reportDelayMs: 20,
    gizwitsAppId: DEMO_GIZWITS_APP_ID,
    wechatAppId: DEMO_WECHAT_APP_ID,
    wechatAppSecret: DEMO_WECHAT_APP_SECRET,
    labelKey: DEMO_LABEL_KEY,
    ...options,
  })
}

export interface Backend {
  sandbox: Sandbox
  app: FastifyInstance
  /** Headers of a request from one of our own pages (the BFF refuses state changes from any other origin). */
  page: (cookie: string) => Record<string, string>
  context: Context
  bffUrl: string
  close: () => Promise<void>
}

export interface BackendOptions extends Pick<BuildOptions, 'logger' | 'rateLimits' | 'bindAttemptLimits' | 'relay' | 'onRoute' | 'distDir'> {
  /** Settings over the defaults below; `WECHAT_AES_KEY: ''` runs the BFF without a key (plain-mode pushes). */
  env?: Record<string, string>
  /** Sandbox options over the test defaults (generated history, a quota). */
  sandbox?: Partial<SandboxOptions>
}

/**
 * Under the `server-pg` project (vite.config.ts) a fresh PostgreSQL database for this backend, so the same tests
 * run on the second engine; elsewhere null (SQLite, as `npm start`).
 */
async function postgresForThisBackend(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const server = inject('h5PostgresUrl')
  if (!server) return null
  const name = `h5_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: server })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(server)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: server })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}

export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const sandbox = await startTestSandbox(options.sandbox)
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-test-'))
  const postgres = await postgresForThisBackend()
  const config = loadConfig({
    GIZWITS_API_BASE: sandbox.url,
    WECHAT_API_BASE: sandbox.url,
    WECHAT_OPEN_BASE: sandbox.url,
    WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
    WECHAT_TOKEN: DEMO_WECHAT_TOKEN,
    WECHAT_AES_KEY: DEMO_WECHAT_AES_KEY,
    SESSION_SECRET: 'test-session-secret-0123456789abcdef0123',
    DATA_KEY: 'test-data-key-0123456789abcdef0123456789',
    GIZWITS_PRODUCTS: sandbox.products.map((p) => `${p.product_key}:${p.product_secret}`).join(','),
    DATA_DIR: dataDir,
    LABEL_KEY: DEMO_LABEL_KEY,
    // Replaced by the real address once the BFF listens on its ephemeral port.
    PUBLIC_URL: 'http://127.0.0.1:1',
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...options.env,
  })
  const { env: _env, sandbox: _sandbox, ...buildOptions } = options
  const { app, context } = await buildApp(config, { distDir: '/nonexistent', releaseAfterMs: 50, ...buildOptions })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const bffUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  config.publicUrl = bffUrl
  sandbox.setPushUrl(`${bffUrl}/wechat/push`)
  sandbox.setAppUrl(bffUrl)
  return {
    sandbox, app, context, bffUrl,
    page: (cookie) => ({ cookie, origin: bffUrl }),
    close: async () => {
      await app.close()
      await sandbox.close()
      await postgres?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T
}

/** A WebSocket that records every frame, with a way to wait for the one a test expects. */
export class FrameRecorder {
  readonly frames: Array<Record<string, unknown>> = []
  private waiters: Array<() => void> = []

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Record<string, unknown>)
      for (const wake of this.waiters.splice(0)) wake()
    })
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<FrameRecorder> {
    const socket = new WebSocket(url, { headers })
    const recorder = new FrameRecorder(socket)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return recorder
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame))
  }

  async next<T = Record<string, unknown>>(match: (frame: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    let seen = 0
    for (;;) {
      for (; seen < this.frames.length; seen++) {
        const frame = this.frames[seen]
        if (match(frame)) {
          this.frames.splice(seen, 1)
          return frame as T
        }
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  close(): void {
    this.socket.close()
  }
}

export const cmd = (name: string) => (frame: Record<string, unknown>) => frame.cmd === name

/** A JSON body whose fields tests compare without declaring its whole type. */
export async function body(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>
}

/** Has the sandbox's WeChat send a push to the BFF (`POST /sandbox/wechat/push`), and returns what the BFF answered. */
export async function sandboxPush(sandboxUrl: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  return body(await fetch(`${sandboxUrl}/sandbox/wechat/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }))
}
