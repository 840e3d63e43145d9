// The worker as its own process (`npm run worker`) with METRICS_PORT: its /metrics, on its own port, shows the SNoti
// link up and counts the events it stores, with their lag; nothing else answers there.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDatabase } from '../../server/bff/store/database'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { startTestSandbox } from '../support/backend'
import { freePort } from '../support/free-port'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let sandbox: Sandbox
let dataDir: string
let child: ChildProcess | undefined
let metricsPort: number

beforeAll(async () => {
  sandbox = await startTestSandbox()
  dataDir = mkdtempSync(join(tmpdir(), 'h5-worker-metrics-'))
  openDatabase(join(dataDir, 'app.db')).close()
  writeFileSync(join(dataDir, 'snoti.crt'), sandbox.snoti.ca)
  metricsPort = await freePort()
  child = spawn(process.execPath, ['--import', 'tsx', 'server/worker/main.ts'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      METRICS_PORT: String(metricsPort),
      SNOTI_HOST: sandbox.snoti.host,
      SNOTI_PORT: String(sandbox.snoti.port),
      SNOTI_CA_FILE: join(dataDir, 'snoti.crt'),
      SNOTI_CREDENTIALS: sandbox.snoti.credentials.map((c) => `${c.product_key}:${c.auth_id}:${c.auth_secret}`).join(','),
      GIZWITS_API_BASE: sandbox.url,
      GIZWITS_APP_ID: DEMO_GIZWITS_APP_ID,
      WECHAT_API_BASE: sandbox.url,
      WECHAT_APP_ID: DEMO_WECHAT_APP_ID,
      WECHAT_APP_SECRET: DEMO_WECHAT_APP_SECRET,
      WECHAT_ALERT_TEMPLATE_ID: DEMO_ALERT_TEMPLATE_ID,
      PUBLIC_URL: 'http://app.example',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not come up: ${output}`)), 20_000)
    child!.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('SNoti up')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child!.stderr!.on('data', (chunk) => (output += chunk))
    child!.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${output}`)))
  })
})

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  await sandbox?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const sample = async (name: string): Promise<number | undefined> => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

test('its /metrics shows SNoti up and counts the events it stores', async () => {
  // The metrics server starts right after the worker says SNoti is up.
  await expect.poll(() => sample('h5_snoti_connected').catch(() => undefined), { timeout: 5000 }).toBe(1)
  const before = (await sample('h5_snoti_events_total')) ?? 0
  await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: 40 } }) })
  await expect.poll(() => sample('h5_snoti_events_total'), { timeout: 5000 }).toBeGreaterThan(before)
  expect(await sample('h5_snoti_lag_seconds')).toBeGreaterThanOrEqual(0)
  expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404)
})
