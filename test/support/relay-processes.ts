// The sandbox and the BFF as two separate processes, for relay tests that do to them what a hostile network and a
// crash do: freeze the cloud (SIGSTOP/SIGCONT) or kill the BFF (SIGKILL) and start it again on the same data.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RelayOptions } from '../../server/bff/relay/user-hub'
import { DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
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

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGCONT')
  child.kill(signal)
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
}

export interface RelayStack {
  sandboxUrl: string
  bffUrl: string
  /** SIGSTOP / SIGCONT the sandbox: the cloud freezes with its sockets open, as a stalled cloud does. */
  freezeCloud: () => void
  thawCloud: () => void
  /** SIGKILL the BFF: no shutdown, no cleanup, as a crash. */
  killBff: () => Promise<void>
  /** A new BFF process on the same port and data directory. */
  startBff: () => Promise<void>
  stop: () => Promise<void>
}

export async function startRelayStack(relay: RelayOptions): Promise<RelayStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-relay-'))
  const sandboxPort = await freePort()
  const bffPort = await freePort()
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
  const bffUrl = `http://127.0.0.1:${bffPort}`
  const sandbox = await spawnUp('server/sandbox/main.ts', { SANDBOX_PORT: String(sandboxPort), DATA_DIR: join(dataDir, 'sandbox'), SANDBOX_BEHAVIOUR: 'still', SNOTI_PORT: '0' }, `${sandboxUrl}/sandbox/products`)
  const products = (await (await fetch(`${sandboxUrl}/sandbox/products`)).json()) as Array<{ product_key: string; product_secret: string }>
  const bffEnv = {
    PORT: String(bffPort),
    HOST: '127.0.0.1',
    DATA_DIR: join(dataDir, 'bff'),
    SESSION_SECRET: 'relay-test-session-secret-0123456789abcdef',
    DATA_KEY: 'relay-test-data-key-0123456789abcdef0123456789',
    GIZWITS_API_BASE: sandboxUrl,
    GIZWITS_PRODUCTS: products.map((p) => `${p.product_key}:${p.product_secret}`).join(','),
    WECHAT_API_BASE: sandboxUrl,
    WECHAT_OPEN_BASE: sandboxUrl,
    WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
    PUBLIC_URL: bffUrl,
    RELAY_OPTIONS: JSON.stringify(relay),
  }
  let bff: Child | null = null
  const startBff = async () => {
    bff = await spawnUp('test/support/bff-child.ts', bffEnv, `${bffUrl}/healthz`)
  }
  await startBff()
  return {
    sandboxUrl,
    bffUrl,
    freezeCloud: () => void sandbox.child.kill('SIGSTOP'),
    thawCloud: () => void sandbox.child.kill('SIGCONT'),
    killBff: async () => {
      if (bff) await kill(bff.child, 'SIGKILL')
      bff = null
    },
    startBff,
    stop: async () => {
      if (bff) await kill(bff.child, 'SIGTERM')
      await kill(sandbox.child, 'SIGTERM')
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
