// The worker as its own process (`npm run worker`, server/worker/main.ts) against the sandbox's SNoti: killed with
// SIGKILL while events wait unread in its socket, it loses none of them, and nothing is doubled after the restart.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { openDatabase } from '../../server/bff/store/database'
import { sqliteHistoryStore } from '../../server/bff/store/history-store'
import { tokenSealer } from '../../server/bff/store/token-sealer'
import { sqliteUserRepository } from '../../server/bff/store/user-repository'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, json, startTestSandbox } from '../support/backend'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const root = join(import.meta.dirname, '..', '..')
let sandbox: Sandbox
let dataDir: string
const children: ChildProcess[] = []

beforeEach(async () => {
  sandbox = await startTestSandbox()
  dataDir = mkdtempSync(join(tmpdir(), 'h5-worker-proc-'))
  const db = openDatabase(join(dataDir, 'app.db'))
  const user = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
    method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: FIRST_USER }),
  }))
  sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789')).saveCredentials(FIRST_USER, { uid: user.uid, token: user.token, expireAt: user.expire_at })
  await sqliteHistoryStore(db).saveRule({ did: PLANT, attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 0, label: '土壤湿度', unit: '%', created_by: FIRST_USER })
  db.close()
  writeFileSync(join(dataDir, 'snoti.crt'), sandbox.snoti.ca)
})

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  await sandbox.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts `npm run worker` and resolves once it says SNoti is up. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/worker/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
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
  children.push(child)
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not come up: ${output}`)), 20_000)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('SNoti up')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.stderr!.on('data', (chunk) => (output += chunk))
    child.once('exit', (code) => reject(new Error(`the worker exited (${code}): ${output}`)))
  })
  return child
}

async function report(soil: number): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: soil } }) })
  expect(response.status).toBe(200)
}

const titles = async () =>
  (await json<{ messages: Array<{ kind: string; data?: { thing2: { value: string } } }> }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`)))
    .messages.filter((m) => m.kind === 'template').map((m) => m.data?.thing2.value)

test('SIGKILL with events pushed but not processed: after the restart each is stored once and notified once', async () => {
  const first = await startWorkerProcess()
  // Frozen, it still holds the connection: SNoti pushes these to it and waits for acks that never come.
  first.kill('SIGSTOP')
  for (const soil of [45, 20, 18, 50]) await report(soil)
  first.kill('SIGKILL')
  await new Promise((resolve) => first.once('exit', resolve))

  const second = await startWorkerProcess()
  await expect.poll(titles, { timeout: 10_000 }).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度'])
  second.kill('SIGTERM')
  await new Promise((resolve) => second.once('exit', resolve))
  const db = openDatabase(join(dataDir, 'app.db'))
  try {
    const soil = await sqliteHistoryStore(db).history(PLANT, 'soil_humidity', 0, Date.now() / 1000 + 60, 3600)
    expect(soil.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(4)
    expect(db.prepare("SELECT status, COUNT(*) AS n FROM notices GROUP BY status").all()).toEqual([{ status: 'sent', n: 2 }])
  } finally {
    db.close()
  }
})
