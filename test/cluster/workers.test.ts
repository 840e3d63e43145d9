// Several vendor's workers (server/worker/run.ts, each its own process) on one SNoti subscription key and one
// PostgreSQL: SNoti deals the events out among them, and each event is stored once across the cluster with its
// history, alert edges and notices — also when one worker is SIGKILLed in the middle of a batch (the events it had
// stored but not acknowledged come again to the other, which recognises them in the shared ledger), and when one
// is stopped with SIGTERM (it stops acknowledging and its events go to the other). Every notice reaches WeChat once.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { pgHistoryStore } from '../../server/bff/store/pg-history-store'
import { openPostgres } from '../../server/bff/store/postgres'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, json, startTestSandbox } from '../support/backend'
import { startPostgres, type Restartable } from '../support/cluster-services'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const BATCH = 24
const root = join(import.meta.dirname, '..', '..')
let sandbox: Sandbox
let postgres: Restartable
let pool: pg.Pool
let dir: string
const children: ChildProcess[] = []

beforeAll(async () => {
  ;[sandbox, postgres] = await Promise.all([startTestSandbox(), startPostgres()])
  pool = await openPostgres(postgres.url)
  dir = mkdtempSync(join(tmpdir(), 'h5-workers-'))
  writeFileSync(join(dir, 'snoti.crt'), sandbox.snoti.ca)
  // The user the BFF would have signed in (the worker tells users it knows), and the owner's rule.
  const user = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
    method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: FIRST_USER }),
  }))
  await pool.query('INSERT INTO users (openid, gizwits_uid, created_at, updated_at) VALUES ($1, $2, 0, 0)', [FIRST_USER, user.uid])
  await pgHistoryStore(pool).saveRule({ did: PLANT, attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 0, label: '土壤湿度', unit: '%', created_by: FIRST_USER })
})

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await pool?.end()
  await sandbox?.close()
  await postgres?.stop()
  rmSync(dir, { recursive: true, force: true })
})

interface WorkerChild { child: ChildProcess; output: () => string; exited: Promise<number | null> }

/** One worker process, slowed so each stored event waits 40 ms for its ack; resolves once it is on SNoti. */
async function startWorkerChild(): Promise<WorkerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-child.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: postgres.url,
      SNOTI_HOST: sandbox.snoti.host,
      SNOTI_PORT: String(sandbox.snoti.port),
      SNOTI_CA_FILE: join(dir, 'snoti.crt'),
      SNOTI_CREDENTIALS: sandbox.snoti.credentials.map((c) => `${c.product_key}:${c.auth_id}:${c.auth_secret}`).join(','),
      SNOTI_PREFETCH: '4',
      WORKER_STORE_DELAY_MS: '40',
      NOTICE_CLAIM_S: '1',
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
  children.push(child)
  let log = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not come up: ${log}`)), 30_000)
    child.stdout!.on('data', (chunk) => {
      log += chunk
      if (log.includes('SNoti up')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr!.on('data', (chunk) => (log += chunk))
    void exited.then((code) => reject(new Error(`the worker exited (${code}): ${log}`)))
  })
  return { child, output: () => log, exited }
}

const count = async (sql: string) => Number((await pool.query<{ n: string }>(sql)).rows[0].n)
const events = () => count("SELECT COUNT(*) AS n FROM device_events WHERE event_type = 'device_status_kv'")
/** Connections on each product's queue of the shared subscription key (every worker subscribes every product). */
const consumers = () => Math.min(...Object.entries(sandbox.snoti.connections()).filter(([key]) => key.endsWith(':vendor_worker')).map(([, n]) => n))
const templates = async () =>
  (await json<{ messages: Array<{ kind: string }> }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`))).messages.filter((m) => m.kind === 'template').length

/** BATCH reports, each with its own value (so each is its own event), crossing the rule's limit back and forth. */
async function reportBatch(offset: number): Promise<void> {
  for (let i = 0; i < BATCH; i++) {
    const soil = i % 2 === 0 ? 10 + ((offset + i) % 19) : 40 + ((offset + i) % 50)
    const response = await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: soil } }) })
    expect(response.status).toBe(200)
  }
}

test('should store each event once across two workers when one is SIGKILLed mid-batch and the other SIGTERMed mid-batch, and send each notice once', async () => {
  const first = await startWorkerChild()
  const second = await startWorkerChild()
  await expect.poll(consumers, { timeout: 5000 }).toBe(2)

  // A batch; once part of it is stored, the first worker dies with events stored but not acknowledged.
  const batch = reportBatch(0)
  await expect.poll(events, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(6)
  first.child.kill('SIGKILL')
  await batch
  expect(await first.exited).toBe(null)
  await expect.poll(events, { timeout: 20_000 }).toBe(BATCH)

  // A replacement joins; a second batch; the second worker is told to stop in the middle of it.
  const third = await startWorkerChild()
  await expect.poll(consumers, { timeout: 5000 }).toBe(2)
  const again = reportBatch(BATCH)
  await expect.poll(events, { timeout: 20_000, interval: 20 }).toBeGreaterThanOrEqual(BATCH + 6)
  second.child.kill('SIGTERM')
  expect(await second.exited).toBe(0)
  expect(second.output()).toContain('draining')
  await again
  await expect.poll(events, { timeout: 20_000 }).toBe(2 * BATCH)

  // Nothing lost, nothing doubled: one history row per report, one notice per edge, each sent to WeChat once.
  expect(await count("SELECT COUNT(*) AS n FROM datapoint_history WHERE attr = 'soil_humidity'")).toBe(2 * BATCH)
  const notices = await count('SELECT COUNT(*) AS n FROM notices')
  expect(notices).toBeGreaterThan(0)
  await expect.poll(() => count("SELECT COUNT(*) AS n FROM notices WHERE status <> 'sent'"), { timeout: 20_000 }).toBe(0)
  expect(await templates()).toBe(notices)
  third.child.kill('SIGTERM')
  expect(await third.exited).toBe(0)
})
