// `npm run start:cluster`: the scale-out of README "Several BFFs", on this machine, to see and demo it — the
// sandbox (Gizwits + WeChat stand-in), Redis, PostgreSQL (when installed), two BFFs, one vendor's worker and nginx
// in front, each its own process except the sandbox (in this one, as on `npm start`, so the worker can be handed
// SNoti's certificate and credentials). Open nginx's address: a page may land on either BFF; stop one
// (`kill -TERM <pid>`, printed below) and its pages come back on the other. Ctrl-C stops everything gracefully.
// Without PostgreSQL the two BFFs and the worker share one SQLite file (WAL); without Redis each BFF keeps its own
// limits and tokens — both said at start. nginx is required: it is the cluster's front door.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_WECHAT_TOKEN, startSandbox,
} from '../../sandbox/index'
import { freePort, startNginx, startPostgres, startRedis, type Service } from './local-services'

const root = join(import.meta.dirname, '..', '..', '..')
const env = process.env
const port = Number(env.PORT ?? 8080)
const sandboxPort = Number(env.SANDBOX_PORT ?? 8081)
const dataDir = join(env.DATA_DIR ?? './data', 'cluster')
const BFFS = 2

interface Child { name: string; child: ChildProcess }
const children: Child[] = []
const stops: Array<() => Promise<void>> = []
let frontDoor: Service | null = null

function run(name: string, script: string, childEnv: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...env, ...childEnv }, stdio: ['ignore', 'pipe', 'pipe'] })
  const prefix = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).map((line) => `[${name}] ${line}`).join('\n')
  child.stdout?.on('data', (chunk: Buffer) => console.log(prefix(chunk)))
  child.stderr?.on('data', (chunk: Buffer) => console.error(prefix(chunk)))
  child.once('exit', (code, signal) => console.log(`[${name}] exited (${signal ?? code})`))
  const entry = { name, child }
  children.push(entry)
  return entry
}

async function until(what: string, ready: () => Promise<boolean>, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`)
    if (await ready().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`${what} did not come up`)
}

/** SIGTERM (graceful: server/bff/cluster/graceful.ts, server/worker/run.ts), then SIGKILL after 15 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

async function optional<T>(what: string, start: () => Promise<T>): Promise<T | null> {
  try {
    return await start()
  } catch (error) {
    console.warn(`${what}: ${(error as Error).message}`)
    return null
  }
}

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  // One SESSION_SECRET and DATA_KEY for every BFF (a cookie signed by one is read by the other), kept across runs.
  const secretsFile = join(dataDir, 'secrets.json')
  if (!existsSync(secretsFile)) writeFileSync(secretsFile, JSON.stringify({ session: randomBytes(32).toString('hex'), data: randomBytes(32).toString('hex') }), { mode: 0o600 })
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { session: string; data: string }

  // Kept across runs under DATA_DIR; as root (a container) PostgreSQL runs as the postgres user, who cannot enter
  // a private DATA_DIR, so its data is then a throwaway directory of its own.
  const keptPostgres = process.getuid?.() === 0 ? undefined : join(dataDir, 'postgres')
  const postgres = await optional('PostgreSQL not used (the BFFs and the worker share one SQLite file instead)', () => startPostgres({ dir: keptPostgres }))
  if (postgres) stops.push(postgres.stop)
  const redis = await optional('Redis not used (each BFF keeps its own rate limits and WeChat token)', () => startRedis())
  if (redis) stops.push(redis.stop)

  const publicUrl = `http://localhost:${port}`
  const sandbox = await startSandbox({
    port: sandboxPort,
    dataFile: join(dataDir, 'sandbox.db'),
    gizwitsAppId: DEMO_GIZWITS_APP_ID,
    wechatAppId: DEMO_WECHAT_APP_ID,
    wechatAppSecret: DEMO_WECHAT_APP_SECRET,
    behaviour: env.SANDBOX_BEHAVIOUR === 'still' ? 'still' : 'live',
    wechatToken: DEMO_WECHAT_TOKEN,
    wechatAesKey: DEMO_WECHAT_AES_KEY,
    // WeChat's pushes and the links in its messages go to the cluster's front door, as they would in production.
    pushUrl: `${publicUrl}/wechat/push`,
    appUrl: publicUrl,
    labelKey: DEMO_LABEL_KEY,
  })
  stops.push(() => sandbox.close())
  const snotiCa = join(dataDir, 'snoti-ca.crt')
  writeFileSync(snotiCa, sandbox.snoti.ca)

  if (!existsSync(join(root, 'dist', 'index.html'))) {
    console.log('Building the SPA (first start)…')
    const { build } = await import('vite')
    await build({ root, logLevel: 'warn' })
  }

  // What every BFF and the worker share: the clouds (the sandbox), the stores, the public address.
  const shared: Record<string, string> = {
    GIZWITS_API_BASE: sandbox.url,
    GIZWITS_APP_ID: DEMO_GIZWITS_APP_ID,
    WECHAT_API_BASE: sandbox.url,
    WECHAT_APP_ID: DEMO_WECHAT_APP_ID,
    WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
    PUBLIC_URL: publicUrl,
    DATA_DIR: join(dataDir, 'app'),
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...(redis ? { REDIS_URL: redis.url } : {}),
  }
  const ports = await Promise.all(Array.from({ length: BFFS }, () => freePort()))
  const bffs = ports.map((bffPort, index) => run(`bff-${index + 1}`, 'server/bff/main.ts', {
    ...shared,
    PORT: String(bffPort),
    HOST: '127.0.0.1',
    INSTANCE_ID: `bff-${index + 1}`,
    TRUST_PROXY: '127.0.0.1',
    SESSION_SECRET: secrets.session,
    DATA_KEY: secrets.data,
    GIZWITS_PRODUCTS: sandbox.products.map((p) => `${p.product_key}:${p.product_secret}`).join(','),
    // The browser reaches the sandbox's WeChat pages on the host it used.
    WECHAT_OPEN_BASE: `http://localhost:${sandbox.port}`,
    WECHAT_TOKEN: DEMO_WECHAT_TOKEN,
    WECHAT_AES_KEY: DEMO_WECHAT_AES_KEY,
    LABEL_KEY: DEMO_LABEL_KEY,
  }))
  for (const [index, bff] of bffs.entries()) await until(bff.name, async () => (await fetch(`http://127.0.0.1:${ports[index]}/healthz`)).status < 500, bff.child)

  const worker = run('worker', 'server/worker/main.ts', {
    ...shared,
    SNOTI_HOST: sandbox.snoti.host,
    SNOTI_PORT: String(sandbox.snoti.port),
    SNOTI_CA_FILE: snotiCa,
    SNOTI_CREDENTIALS: sandbox.snoti.credentials.map((c) => `${c.product_key}:${c.auth_id}:${c.auth_secret}`).join(','),
    WECHAT_ALERT_TEMPLATE_ID: env.WECHAT_ALERT_TEMPLATE_ID || DEMO_ALERT_TEMPLATE_ID,
  })

  frontDoor = await startNginx(ports, { port })

  console.log([
    '',
    `Cluster up: open ${publicUrl} (nginx, round robin over ${BFFS} BFFs) — or the sandbox's WeChat at http://localhost:${sandbox.port}/wechat/`,
    ...bffs.map((bff, index) => `  ${bff.name}: http://127.0.0.1:${ports[index]} (pid ${bff.child.pid}; kill -TERM to see a graceful hand-over, -KILL for a crash)`),
    `  worker: pid ${worker.child.pid}, SNoti subscription key vendor_worker`,
    `  PostgreSQL: ${postgres?.url ?? 'not installed — SQLite'}   Redis: ${redis?.url ?? 'not installed'}`,
    'Ctrl-C stops everything.',
  ].join('\n'))
}

let closing = false
async function shutdown(code: number): Promise<void> {
  if (closing) return
  closing = true
  // Front door first, then the programs (gracefully, together), then what they stand on.
  await frontDoor?.stop().catch(() => {})
  await Promise.all(children.map(({ child }) => stop(child)))
  for (const step of stops.reverse()) await step().catch(() => {})
  process.exit(code)
}
process.once('SIGINT', () => void shutdown(0))
process.once('SIGTERM', () => void shutdown(0))

main().catch(async (error: Error) => {
  console.error(`start:cluster failed: ${error.message}`)
  await shutdown(1)
})
