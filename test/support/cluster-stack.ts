// A whole cluster on this machine, each part its own process: Redis, PostgreSQL, the sandbox (Gizwits + WeChat),
// a counting pass-through in front of the sandbox's WeChat API (so a test can tell how often the cluster asked
// for a token), N BFFs sharing DATABASE_URL and REDIS_URL, and nginx round-robin in front of them.
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import { startNginx, startPostgres, startRedis, type Restartable, type Service } from './cluster-services'
import { freePort } from './free-port'
import { waitUntilUp } from './wait-until-up'

const root = join(import.meta.dirname, '..', '..')

interface Child { child: ChildProcess; output: () => string }

async function spawnUp(script: string, env: Record<string, string>, probeUrl: string): Promise<Child> {
  let log = ''
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (chunk) => (log += chunk))
  child.stderr?.on('data', (chunk) => (log += chunk))
  await waitUntilUp(probeUrl, child, () => log)
  return { child, output: () => log }
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** Forwards everything to the sandbox and counts requests by path. */
async function countingProxy(target: string): Promise<{ url: string; counts: Map<string, number>; server: Server }> {
  const counts = new Map<string, number>()
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    counts.set(path, (counts.get(path) ?? 0) + 1)
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>
      fetch(`${target}${request.url}`, { method: request.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined, redirect: 'manual' })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/octet-stream' })
          response.end(Buffer.from(await answer.arrayBuffer()))
        })
        .catch(() => {
          response.writeHead(502)
          response.end()
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return { url: `http://127.0.0.1:${address.port}`, counts, server }
}

export interface ClusterStack {
  redis: Restartable
  postgres: Restartable
  sandboxUrl: string
  nginx: Service
  /** The BFFs' own addresses, bypassing nginx. */
  bffUrls: string[]
  /** The BFF processes' ids (for their memory), null once killed. */
  bffPids: () => Array<number | null>
  /** What the sandbox's WeChat API was asked, by path, through the counting pass-through. */
  wechatCalls: Map<string, number>
  killBff: (index: number, signal?: NodeJS.Signals) => Promise<void>
  /** How a BFF process ended (null while it runs). */
  bffExit: (index: number) => { code: number | null; signal: NodeJS.Signals | null } | null
  output: (index: number) => string
  stop: () => Promise<void>
}

export interface ClusterOptions {
  bffs?: number
  env?: Record<string, string>
  nginxWorkerConnections?: number
}

export async function startClusterStack({ bffs = 2, env = {}, nginxWorkerConnections }: ClusterOptions = {}): Promise<ClusterStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-cluster-'))
  const started: Array<() => Promise<void>> = []
  try {
    const [redis, postgres] = await Promise.all([startRedis(), startPostgres()])
    started.push(redis.stop, postgres.stop)
    const sandboxPort = await freePort()
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
    const sandbox = await spawnUp('server/sandbox/main.ts', { SANDBOX_PORT: String(sandboxPort), DATA_DIR: join(dataDir, 'sandbox'), SANDBOX_BEHAVIOUR: 'still', SNOTI_PORT: '0' }, `${sandboxUrl}/sandbox/products`)
    started.push(() => stop(sandbox.child, 'SIGTERM'))
    const wechat = await countingProxy(sandboxUrl)
    started.push(() => new Promise<void>((resolve) => wechat.server.close(() => resolve())))
    const products = (await (await fetch(`${sandboxUrl}/sandbox/products`)).json()) as Array<{ product_key: string; product_secret: string }>
    const nginxPort = await freePort()
    const publicUrl = `http://127.0.0.1:${nginxPort}`
    const ports = await Promise.all(Array.from({ length: bffs }, () => freePort()))
    const children: Array<Child | null> = await Promise.all(ports.map((port, index) => spawnUp('test/support/bff-child.ts', {
      PORT: String(port),
      HOST: '127.0.0.1',
      INSTANCE_ID: `bff-${index + 1}`,
      DATA_DIR: join(dataDir, `bff-${index + 1}`),
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      TRUST_PROXY: '127.0.0.1',
      SESSION_SECRET: 'cluster-test-session-secret-0123456789abcdef',
      DATA_KEY: 'cluster-test-data-key-0123456789abcdef0123456789',
      GIZWITS_API_BASE: sandboxUrl,
      GIZWITS_PRODUCTS: products.map((p) => `${p.product_key}:${p.product_secret}`).join(','),
      WECHAT_API_BASE: wechat.url,
      WECHAT_OPEN_BASE: sandboxUrl,
      WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
      PUBLIC_URL: publicUrl,
      ...env,
    }, `http://127.0.0.1:${port}/healthz`)))
    started.push(async () => {
      await Promise.all(children.map((child) => (child ? stop(child.child, 'SIGTERM') : undefined)))
    })
    const nginx = await startNginx(ports, { port: nginxPort, workerConnections: nginxWorkerConnections })
    started.push(nginx.stop)
    return {
      redis, postgres, sandboxUrl, nginx,
      bffUrls: ports.map((port) => `http://127.0.0.1:${port}`),
      bffPids: () => children.map((child) => (child && child.child.exitCode === null && child.child.signalCode === null ? child.child.pid ?? null : null)),
      wechatCalls: wechat.counts,
      killBff: async (index, signal = 'SIGKILL') => {
        const child = children[index]
        if (child) await stop(child.child, signal)
      },
      bffExit: (index) => {
        const child = children[index]?.child
        return child && (child.exitCode !== null || child.signalCode !== null) ? { code: child.exitCode, signal: child.signalCode } : null
      },
      output: (index) => children[index]?.output() ?? '',
      stop: async () => {
        for (const step of started.reverse()) await step().catch(() => {})
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    for (const step of started.reverse()) await step().catch(() => {})
    rmSync(dataDir, { recursive: true, force: true })
    throw error
  }
}
