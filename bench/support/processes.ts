// The sandbox and the BFF as two processes, the BFF configured exactly as for the real clouds (explicit bases,
// secrets and product keys), so a benchmark measures the production code path and each process's own memory.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { BoundDevice } from '@shared/open-api'
import { freePort } from '../../test/support/free-port'
import { loginThroughSandbox } from '../../test/support/login'
import { waitUntilUp } from '../../test/support/wait-until-up'

export interface RunningProcess { url: string; child: ChildProcess; stop: () => Promise<void> }

const root = join(import.meta.dirname, '..', '..')

export async function startProcess(script: string, env: Record<string, string>, probeUrl: string, url: string): Promise<RunningProcess> {
  let log = ''
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (log += chunk))
  child.stderr?.on('data', (chunk) => (log += chunk))
  await waitUntilUp(probeUrl, child, () => log)
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }
}

export interface SandboxAndBff { sandbox: RunningProcess; bff: RunningProcess; stop: () => Promise<void> }

export async function startSandboxAndBff(): Promise<SandboxAndBff> {
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-bench-'))
  const sandboxPort = await freePort()
  const bffPort = await freePort()
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`
  const sandbox = await startProcess(
    'server/sandbox/main.ts',
    { SANDBOX_PORT: String(sandboxPort), DATA_DIR: dataDir, SANDBOX_BEHAVIOUR: 'still', SNOTI_PORT: '0' },
    `${sandboxUrl}/sandbox/products`,
    sandboxUrl,
  )
  const products = (await (await fetch(`${sandboxUrl}/sandbox/products`)).json()) as Array<{ product_key: string; product_secret: string }>
  const bffUrl = `http://localhost:${bffPort}`
  const bff = await startProcess(
    'server/bff/main.ts',
    {
      PORT: String(bffPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
      GIZWITS_API_BASE: sandboxUrl,
      GIZWITS_PRODUCTS: products.map((p) => `${p.product_key}:${p.product_secret}`).join(','),
      WECHAT_API_BASE: sandboxUrl,
      WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
      WECHAT_OPEN_BASE: `http://localhost:${sandboxPort}`,
      PUBLIC_URL: bffUrl,
    },
    `${bffUrl}/healthz`,
    bffUrl,
  )
  return {
    sandbox,
    bff,
    stop: async () => {
      await bff.stop()
      await sandbox.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Logs the first demo user into the BFF and finds their online air conditioner, the device benchmarks drive. */
export async function firstUsersAirConditioner(stack: SandboxAndBff): Promise<{ openid: string; cookie: string; device: BoundDevice }> {
  const [user] = (await (await fetch(`${stack.sandbox.url}/sandbox/users`)).json()) as Array<{ openid: string }>
  const cookie = await loginThroughSandbox(stack.bff.url, user.openid)
  const { devices } = (await (await fetch(`${stack.bff.url}/api/app/bindings?limit=100`, { headers: { cookie } })).json()) as { devices: BoundDevice[] }
  const device = devices.find((d) => d.is_online && d.product_name === '空调')
  if (!device) throw new Error('no online air conditioner for the first demo user')
  return { openid: user.openid, cookie, device }
}
