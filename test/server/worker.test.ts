// The vendor's worker against the sandbox over real TLS and HTTP, with a real SQLite file: an owner's limit crossed
// by a report becomes one WeChat template message in the sandbox's chat, once per crossing, with "已恢复" when the
// value is back inside its band; the device's own alarm datapoints notify without any setup; history is kept; a
// worker that dies between storing an event and acknowledging it loses nothing and doubles nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { openDatabase } from '../../server/bff/store/database'
import { sqliteUserRepository } from '../../server/bff/store/user-repository'
import { tokenSealer } from '../../server/bff/store/token-sealer'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { ruleEdge } from '../../server/worker/alerts'
import { startWorker, type EventWorker, type WorkerOptions } from '../../server/worker/event-worker'
import { FIRST_USER, json, startTestSandbox } from '../support/backend'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const APP_URL = 'http://app.example'

let sandbox: Sandbox
let dataDir: string
let db: Database.Database
const workers: EventWorker[] = []

interface Bubble { kind: string; url?: string; data?: Record<string, { value: string }> }

beforeEach(async () => {
  sandbox = await startTestSandbox()
  dataDir = mkdtempSync(join(tmpdir(), 'h5-worker-'))
  db = openDatabase(join(dataDir, 'app.db'))
  // The first demo user has used the app: the BFF knows their openid and Gizwits uid.
  const user = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
    method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: FIRST_USER }),
  }))
  sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789')).saveCredentials(FIRST_USER, { uid: user.uid, token: user.token, expireAt: user.expire_at })
})

afterEach(async () => {
  for (const worker of workers.splice(0)) worker.stop()
  db.close()
  await sandbox.close()
  rmSync(dataDir, { recursive: true, force: true })
})

function worker(extra: Partial<WorkerOptions> = {}): EventWorker {
  const started = startWorker({
    db,
    snoti: { host: sandbox.snoti.host, port: sandbox.snoti.port, ca: sandbox.snoti.ca, credentials: sandbox.snoti.credentials, subkey: 'vendor_worker' },
    gizwits: { apiBase: sandbox.url, appId: DEMO_GIZWITS_APP_ID },
    wechat: { apiBase: sandbox.url, appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, alertTemplateId: DEMO_ALERT_TEMPLATE_ID },
    appUrl: APP_URL,
    backoff: { firstMs: 20, maxMs: 200 },
    log: () => {},
    ...extra,
  })
  workers.push(started)
  return started
}

async function up(started: EventWorker): Promise<void> {
  await expect.poll(() => started.client.state, { timeout: 5000 }).toBe('up')
}

async function report(attrs: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
  expect(response.status).toBe(200)
}

async function bubbles(): Promise<Bubble[]> {
  const conversation = await json<{ messages: Bubble[] }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`))
  return conversation.messages.filter((message) => message.kind === 'template')
}

const titles = async () => (await bubbles()).map((bubble) => bubble.data?.thing2.value)

describe('alert rules', () => {
  test('the edge logic: fires on the crossing, holds inside the band, clears beyond it', () => {
    const below = { op: 'below' as const, threshold: 30, hysteresis: 5 }
    expect(ruleEdge(below, 31, 'ok')).toBe(null)
    expect(ruleEdge(below, 29, 'ok')).toBe('fire')
    expect(ruleEdge(below, 20, 'firing')).toBe(null)
    expect(ruleEdge(below, 33, 'firing')).toBe(null)
    expect(ruleEdge(below, 35, 'firing')).toBe('clear')
    const above = { op: 'above' as const, threshold: 30, hysteresis: 0 }
    expect(ruleEdge(above, 30, 'ok')).toBe(null)
    expect(ruleEdge(above, 30.5, 'ok')).toBe('fire')
    expect(ruleEdge(above, 30, 'firing')).toBe('clear')
  })

  test('a crossing is one WeChat template message linking to the device page; recovery is "已恢复"', async () => {
    const running = worker()
    await running.store.saveRule({ did: PLANT, attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 5, label: '土壤湿度', unit: '%', created_by: FIRST_USER })
    await up(running)
    await report({ soil_humidity: 25 })
    await report({ soil_humidity: 22 })
    await report({ soil_humidity: 33 })
    await report({ soil_humidity: 40 })
    await expect.poll(titles, { timeout: 5000 }).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度'])
    const [fired] = await bubbles()
    expect(fired.url).toBe(`${APP_URL}/devices/${PLANT}`)
    expect(fired.data?.thing1.value).toBe('阳台绿萝')
    expect(fired.data?.character_string3.value).toBe('当前 25%')
    // Every report is history, for the chart.
    const buckets = await running.store.history(PLANT, 'soil_humidity', 0, Date.now() / 1000 + 60, 3600)
    expect(buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(4)
    expect(Math.min(...buckets.map((bucket) => bucket.min))).toBe(22)
  })

  test('the device\'s own alarm datapoints notify without setup, by display name, raised and cleared', async () => {
    const running = worker()
    await up(running)
    await report({ alert_dry: true })
    await report({ alert_dry: false })
    await expect.poll(titles, { timeout: 5000 }).toEqual(['缺水报警', '已恢复：缺水报警'])
  })

  test('a user who is not bound to the device is not told', async () => {
    const running = worker()
    await up(running)
    const other = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
      method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: 'oDemo_LaoWang_9kL4mV6xZ0oP' }),
    }))
    sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789')).saveCredentials('oDemo_LaoWang_9kL4mV6xZ0oP', { uid: other.uid, token: other.token, expireAt: other.expire_at })
    await report({ fault_pump: true })
    await expect.poll(titles, { timeout: 5000 }).toEqual(['水泵故障'])
    await running.flushNotices()
    const notices = db.prepare('SELECT openid FROM notices').all() as Array<{ openid: string }>
    expect(notices.map((row) => row.openid)).toEqual([FIRST_USER])
  })
})

describe('crash between storing and acknowledging', () => {
  test('the event comes again to the next worker, is recognised, and its notice is sent exactly once', async () => {
    let crashed = false
    const first = worker({
      prefetch: 1,
      afterStore: () => {
        if (crashed) return
        crashed = true
        // Dies here: the event and its pending notice are in the store, the ack never leaves, nothing is sent.
        first.stop()
        throw new Error('killed')
      },
    })
    await first.store.saveRule({ did: PLANT, attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 0, label: '土壤湿度', unit: '%', created_by: FIRST_USER })
    await up(first)
    await report({ soil_humidity: 12 })
    await expect.poll(() => first.client.state, { timeout: 5000 }).toBe('down')
    expect(await bubbles()).toEqual([])
    expect((db.prepare("SELECT COUNT(*) AS n FROM notices WHERE status = 'pending'").get() as { n: number }).n).toBe(1)

    const second = worker()
    await up(second)
    await report({ soil_humidity: 45 })
    await expect.poll(titles, { timeout: 5000 }).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度'])
    await second.flushNotices()
    expect((db.prepare('SELECT COUNT(*) AS n FROM device_events').get() as { n: number }).n).toBe(2)
    expect((db.prepare("SELECT status, COUNT(*) AS n FROM notices GROUP BY status").all())).toEqual([{ status: 'sent', n: 2 }])
  })
})
