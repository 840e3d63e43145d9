// Runs the product exactly as `npm start` does (BFF + sandbox in one process) on free ports, for end-to-end
// tests and benchmarks. The sandbox is deterministic ('still') unless told otherwise.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port'
import { waitUntilUp } from './wait-until-up'

export interface StackProcess {
  bffUrl: string
  sandboxUrl: string
  output: () => string
  stop: () => Promise<void>
}

const root = join(import.meta.dirname, '..', '..')

export async function startStackProcess(env: Record<string, string> = {}): Promise<StackProcess> {
  const port = await freePort()
  const sandboxPort = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-stack-'))
  let log = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/bff/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SANDBOX_PORT: String(sandboxPort),
      DATA_DIR: dataDir,
      SANDBOX_BEHAVIOUR: 'still',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (log += chunk))
  child.stderr?.on('data', (chunk) => (log += chunk))
  const output = () => log
  const bffUrl = `http://localhost:${port}`
  await waitUntilUp(`${bffUrl}/healthz`, child, output)
  return {
    bffUrl,
    sandboxUrl: `http://localhost:${sandboxPort}`,
    output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
        if (child.exitCode === null) child.kill('SIGKILL')
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
