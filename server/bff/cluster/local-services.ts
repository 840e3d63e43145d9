// Real Redis, PostgreSQL and nginx on loopback, started as child processes: for `npm run start:cluster`
// (start-cluster.ts, the scale-out on one machine), the cluster tests and the benchmarks (test/support/ re-exports
// this file). Debian's packages (redis-server, postgresql, nginx; .ci/run installs them): a missing one throws,
// naming the package, so a machine without them fails the tests instead of skipping them. Data lives in a temporary
// directory torn down after, unless a directory is given (start:cluster keeps its PostgreSQL across runs).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..', '..')

/** A port that was free a moment ago on 127.0.0.1 (for child processes that must be told their port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

export interface Service { url: string; port: number; stop: () => Promise<void>; output: () => string }
/** A service that can be taken away and brought back on the same port, as a restart or an outage does. */
export interface Restartable extends Service { halt: () => Promise<void>; resume: () => Promise<void> }

function missing(what: string, pkg: string): Error {
  return new Error(`${what} is not installed: the cluster (start:cluster, the cluster tests) needs Debian's ${pkg} package (apt-get install -y ${pkg}; .ci/run installs it)`)
}

function which(command: string, candidates: string[]): string | null {
  for (const path of candidates) if (existsSync(path)) return path
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim()
  return found || null
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function watch(child: ChildProcess): () => string {
  let log = ''
  child.stdout?.on('data', (chunk) => (log += chunk))
  child.stderr?.on('data', (chunk) => (log += chunk))
  return () => log
}

async function waitFor(what: string, ready: () => Promise<boolean> | boolean, child: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output().slice(-2000)}`)
    if (await ready()) return
    await sleep(100)
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms: ${output().slice(-2000)}`)
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  await Promise.race([exited, sleep(10_000)])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

/** Without persistence: a restart loses everything in it, the worst case the BFFs must survive. */
export async function startRedis({ port: wanted }: { port?: number } = {}): Promise<Restartable> {
  const binary = which('redis-server', ['/usr/bin/redis-server'])
  if (!binary) throw missing('redis-server', 'redis-server')
  const port = wanted ?? await freePort()
  let child: ChildProcess
  let output: () => string = () => ''
  const start = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] })
    output = watch(child)
    await waitFor('redis-server', () => output().includes('Ready to accept connections'), child, output)
  }
  await start()
  return { url: `redis://127.0.0.1:${port}`, port, output: () => output(), stop: () => stopChild(child), halt: () => stopChild(child), resume: start }
}

/** PostgreSQL refuses to run as root: as root, the cluster's directory belongs to the postgres user and it runs as them. */
export async function startPostgres({ dir: kept, port: wanted }: { dir?: string; port?: number } = {}): Promise<Restartable> {
  const base = '/usr/lib/postgresql'
  const version = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a))[0] : undefined
  const bin = version ? join(base, version, 'bin') : null
  if (!bin || !existsSync(join(bin, 'initdb'))) throw missing('PostgreSQL', 'postgresql')
  const asRoot = process.getuid?.() === 0
  const dir = kept ?? mkdtempSync(join(tmpdir(), 'h5-pg-'))
  mkdirSync(dir, { recursive: true })
  const data = join(dir, 'data')
  const fresh = !existsSync(join(data, 'PG_VERSION'))
  const as = (command: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] as const : [command, args] as const)
  if (asRoot) chownSync(dir, uid('postgres'), gid('postgres'))
  const [initCommand, initArgs] = as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'h5', '--no-sync', '-E', 'UTF8'])
  if (fresh) {
    const init = spawnSync(initCommand, initArgs, { encoding: 'utf8' })
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}${init.stdout}`)
  }
  const port = wanted ?? await freePort()
  let child: ChildProcess
  let output: () => string = () => ''
  const start = async () => {
    const [command, args] = as(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'])
    child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    output = watch(child)
    await waitFor('postgres', () => output().includes('database system is ready to accept connections'), child, output)
  }
  // pg_ctl, because runuser does not pass every signal on to the server it started.
  const halt = async () => {
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve))
    const [command, args] = as(join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'fast', '-w'])
    spawnSync(command, args, { encoding: 'utf8' })
    await Promise.race([exited, sleep(10_000)])
  }
  await start()
  if (fresh) {
    const [createCommand, createArgs] = as(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'h5', 'h5'])
    const created = spawnSync(createCommand, createArgs, { encoding: 'utf8' })
    if (created.status !== 0) throw new Error(`createdb failed: ${created.stderr}`)
  }
  return {
    url: `postgres://h5@127.0.0.1:${port}/h5`,
    port,
    output: () => output(),
    // Fast shutdown: sessions are cut, as when the server goes away.
    halt,
    resume: start,
    stop: async () => {
      await halt()
      if (!kept) rmSync(dir, { recursive: true, force: true })
    },
  }
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim())
}
function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim())
}

/** nginx from server/bff/cluster/nginx-cluster.conf.template, round robin over the given BFF ports. */
export async function startNginx(upstreamPorts: number[], { port: wanted, workerConnections = 4096 }: { port?: number; workerConnections?: number } = {}): Promise<Service> {
  const binary = which('nginx', ['/usr/sbin/nginx'])
  if (!binary) throw missing('nginx', 'nginx')
  const prefix = mkdtempSync(join(tmpdir(), 'h5-nginx-'))
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, sub))
  const port = wanted ?? await freePort()
  const conf = readFileSync(join(root, 'server', 'bff', 'cluster', 'nginx-cluster.conf.template'), 'utf8')
    .replaceAll('{{PREFIX}}', prefix)
    .replaceAll('{{LISTEN}}', `127.0.0.1:${port}`)
    .replaceAll('{{WORKER_CONNECTIONS}}', String(workerConnections))
    .replaceAll('{{UPSTREAMS}}', upstreamPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n'))
  writeFileSync(join(prefix, 'nginx.conf'), conf)
  // As root, nginx's workers would switch to "nobody", who cannot write in our temporary directory.
  const globals = `daemon off;${process.getuid?.() === 0 ? ' user root;' : ''}`
  const child = spawn(binary, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log'), '-g', globals], { stdio: ['ignore', 'pipe', 'pipe'] })
  const output = () => (existsSync(join(prefix, 'error.log')) ? readFileSync(join(prefix, 'error.log'), 'utf8') : '')
  await waitFor('nginx', async () => {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`)
      return true
    } catch {
      return false
    }
  }, child, output)
  return {
    url: `http://127.0.0.1:${port}`, port, output,
    stop: async () => {
      await stopChild(child, 'SIGQUIT')
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
