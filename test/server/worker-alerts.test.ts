// The vendor's worker with every kind of alert setting, against the sandbox over real TLS and HTTP and a real
// SQLite file, with the worker's clock and the sandbox's advanced by hand: a hold time ended by the clock between
// reports, a cooldown, quiet hours (only critical alerts reach WeChat), the "接收提醒" switch, and WeChat's daily
// quota (45009) turning held-back notices into one digest once it is back.
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
import { startWorker, type EventWorker, type WorkerOptions } from '../../server/worker/event-worker'
import { FIRST_USER, json, SECOND_USER, startTestSandbox } from '../support/backend'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const SOIL = { did: PLANT, attr: 'soil_humidity', label: '土壤湿度', unit: '%', created_by: FIRST_USER }

let sandbox: Sandbox
let dataDir: string
let db: Database.Database
let worker: EventWorker
/** Seconds both clocks (the sandbox's, which stamps SNoti events, and the worker's) have been moved on. */
let offset = 0
let ownerToken = ''

interface Bubble { kind: string; data?: Record<string, { value: string }> }

beforeEach(async () => {
  offset = 0
  sandbox = await startTestSandbox()
  dataDir = mkdtempSync(join(tmpdir(), 'h5-worker-alerts-'))
  db = openDatabase(join(dataDir, 'app.db'))
  const user = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
    method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: FIRST_USER }),
  }))
  sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789')).saveCredentials(FIRST_USER, { uid: user.uid, token: user.token, expireAt: user.expire_at })
  ownerToken = user.token
})

afterEach(async () => {
  worker?.stop()
  db.close()
  await sandbox.close()
  rmSync(dataDir, { recursive: true, force: true })
})

async function start(extra: Partial<WorkerOptions> = {}): Promise<EventWorker> {
  worker = startWorker({
    db,
    snoti: { host: sandbox.snoti.host, port: sandbox.snoti.port, ca: sandbox.snoti.ca, credentials: sandbox.snoti.credentials, subkey: 'vendor_worker' },
    gizwits: { apiBase: sandbox.url, appId: DEMO_GIZWITS_APP_ID },
    wechat: { apiBase: sandbox.url, appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, alertTemplateId: DEMO_ALERT_TEMPLATE_ID },
    appUrl: 'http://app.example',
    backoff: { firstMs: 20, maxMs: 200 },
    log: () => {},
    now: () => Date.now() / 1000 + offset,
    // The tests end hold times and send digests themselves.
    holdTickMs: 3600_000,
    digestEveryMs: 3600_000,
    ...extra,
  })
  await expect.poll(() => worker.client.state, { timeout: 5000 }).toBe('up')
  return worker
}

async function advance(seconds: number): Promise<void> {
  offset += seconds
  expect((await fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s: seconds }) })).status).toBe(200)
}

async function report(attrs: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
  expect(response.status).toBe(200)
}

/** Every event so far is stored (reports are processed in order, so the last one's row means all are in). */
async function settled(count: number): Promise<void> {
  await expect.poll(() => (db.prepare("SELECT COUNT(*) AS n FROM device_events WHERE event_type = 'device_status_kv'").get() as { n: number }).n, { timeout: 5000 }).toBe(count)
  await worker.flushNotices()
}

async function titles(): Promise<Array<string | undefined>> {
  const conversation = await json<{ messages: Bubble[] }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`))
  return conversation.messages.filter((message) => message.kind === 'template').map((message) => message.data?.thing2.value)
}

const notices = () => db.prepare('SELECT title, status, result, edge FROM notices ORDER BY id').all() as Array<{ title: string; status: string; result: string | null; edge: string }>

describe('hold time', () => {
  test('a value that stays under the limit fires when the hold has passed, by the clock, with no new report', async () => {
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0, hold_s: 120 })
    await report({ soil_humidity: 20 })
    await settled(1)
    await worker.tick()
    await worker.flushNotices()
    expect(await titles()).toEqual([])
    offset += 121
    await worker.tick()
    await worker.flushNotices()
    expect(await titles()).toEqual(['土壤湿度低于 30%'])
    await worker.tick()
    await worker.flushNotices()
    expect(await titles()).toEqual(['土壤湿度低于 30%'])
  })

  test('a dip that recovers inside the hold tells nobody', async () => {
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0, hold_s: 120 })
    await report({ soil_humidity: 20 })
    await advance(60)
    await report({ soil_humidity: 45 })
    await settled(2)
    offset += 300
    await worker.tick()
    await worker.flushNotices()
    expect(await titles()).toEqual([])
    expect(notices()).toEqual([])
  })
})

describe('cooldown', () => {
  test('a rule crossing again inside its cooldown stays quiet, crossing after it tells again', async () => {
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0, cooldown_s: 600 })
    for (const value of [20, 40, 20, 40]) await report({ soil_humidity: value })
    await settled(4)
    expect(await titles()).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度'])
    await advance(601)
    await report({ soil_humidity: 18 })
    await settled(5)
    expect(await titles()).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度', '土壤湿度低于 30%'])
  })
})

describe('quiet hours and the 接收提醒 switch', () => {
  /** Quiet hours around the present minute in Shanghai, so "now" is inside them. */
  async function quietNow(): Promise<void> {
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date())
    const minute = Number(parts.find((part) => part.type === 'hour')?.value) * 60 + Number(parts.find((part) => part.type === 'minute')?.value)
    await worker.store.setQuietHours(FIRST_USER, { start_min: (minute + 1440 - 60) % 1440, end_min: (minute + 60) % 1440, time_zone: 'Asia/Shanghai' })
  }

  test('in quiet hours an owner\'s rule stays in the app, a critical rule and the device\'s own alarm reach WeChat', async () => {
    await start()
    await quietNow()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0 })
    await worker.store.saveRule({ ...SOIL, op: 'above', threshold: 90, hysteresis: 0, critical: true })
    await report({ soil_humidity: 20 })
    await report({ soil_humidity: 95 })
    await report({ alert_dry: true })
    await settled(3)
    await expect.poll(titles, { timeout: 5000 }).toEqual(['土壤湿度高于 90%', '缺水报警'])
    expect(notices().filter((notice) => notice.status === 'in_app_only')).toEqual([
      { title: '土壤湿度低于 30%', status: 'in_app_only', result: 'quiet_hours', edge: 'fire' },
      // 95 is back above 30: the quiet rule's recovery is in the app as well.
      { title: '已恢复：土壤湿度', status: 'in_app_only', result: 'quiet_hours', edge: 'clear' },
    ])
  })

  test('a user who turned 接收提醒 off for the device is told nothing, in WeChat or the app; on again, told again', async () => {
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0 })
    await worker.store.setReceives(FIRST_USER, PLANT, false)
    await report({ soil_humidity: 20 })
    await report({ soil_humidity: 40 })
    await settled(2)
    expect(notices()).toEqual([])
    await worker.store.setReceives(FIRST_USER, PLANT, true)
    await report({ soil_humidity: 20 })
    await settled(3)
    expect(await titles()).toEqual(['土壤湿度低于 30%'])
  })
})

describe('WeChat\'s daily quota (45009)', () => {
  test('held-back notices wait, and go out as one digest per device once the quota is back; never one by one', async () => {
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0 })
    const quota = (daily: number) => fetch(`${sandbox.url}/sandbox/wechat/template-quota`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ daily }) })
    expect((await quota(1)).status).toBe(200)
    for (const value of [20, 40, 20, 40, 20]) await report({ soil_humidity: value })
    await settled(5)
    expect(await titles()).toEqual(['土壤湿度低于 30%'])
    expect(notices().map((notice) => notice.status)).toEqual(['sent', 'queued', 'queued', 'queued', 'queued'])
    // Still spent: they keep waiting, nothing is dropped or retried one by one.
    await worker.sendDigests()
    expect(notices().filter((notice) => notice.status === 'queued')).toHaveLength(4)
    expect(await titles()).toEqual(['土壤湿度低于 30%'])
    // The quota is back: one message, saying how many alerts and the latest.
    await quota(100)
    await worker.sendDigests()
    expect(await titles()).toEqual(['土壤湿度低于 30%', '过去一小时报警 2 次'])
    expect(notices().map((notice) => notice.status)).toEqual(['sent', 'digested', 'digested', 'digested', 'digested'])
    await worker.sendDigests()
    expect(await titles()).toHaveLength(2)
  })
})

describe('who is told as roles change', () => {
  const gizwits = (path: string, token: string, init: RequestInit = {}) => fetch(`${sandbox.url}${path}`, {
    ...init, headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': token, 'content-type': 'application/json' },
  })
  const titlesOf = async (openid: string) => (await json<{ messages: Bubble[] }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${openid}`)))
    .messages.filter((message) => message.kind === 'template').map((message) => message.data?.thing2.value)

  test('a guest is told while the device is shared with them, turns it off for themselves alone, and is told nothing once removed', async () => {
    const guest = await json<UserToken>(await fetch(`${sandbox.url}/app/users`, {
      method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: SECOND_USER }),
    }))
    sqliteUserRepository(db, tokenSealer('test-data-key-0123456789abcdef0123456789')).saveCredentials(SECOND_USER, { uid: guest.uid, token: guest.token, expireAt: guest.expire_at })
    await start()
    await worker.store.saveRule({ ...SOIL, op: 'below', threshold: 30, hysteresis: 0 })
    // The owner shares the plant with the guest, who accepts: SNoti's device_bind adds them.
    const shared = await json<{ id: number }>(await gizwits('/app/sharing', ownerToken, { method: 'POST', body: JSON.stringify({ type: 0, did: PLANT, uid: guest.uid }) }))
    expect((await gizwits(`/app/sharing/${shared.id}?status=1`, guest.token, { method: 'PUT' })).status).toBe(200)
    await expect.poll(async () => (await worker.store.audienceOf(PLANT)).map((row) => row.uid), { timeout: 5000 }).toContain(guest.uid)
    await report({ soil_humidity: 20 })
    await report({ soil_humidity: 40 })
    await settled(2)
    expect(await titlesOf(SECOND_USER)).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度'])

    // The guest turns 接收提醒 off: they are told nothing, the owner still is.
    await worker.store.setReceives(SECOND_USER, PLANT, false)
    await report({ soil_humidity: 20 })
    await settled(3)
    expect(await titlesOf(SECOND_USER)).toHaveLength(2)
    expect(await titlesOf(FIRST_USER)).toEqual(['土壤湿度低于 30%', '已恢复：土壤湿度', '土壤湿度低于 30%'])
    await worker.store.setReceives(SECOND_USER, PLANT, true)

    // The owner removes the guest: SNoti's device_unbind ends their notices.
    expect((await gizwits(`/app/${PLANT}/bindings?uid=${guest.uid}`, ownerToken, { method: 'DELETE' })).status).toBe(200)
    await expect.poll(async () => (await worker.store.audienceOf(PLANT)).map((row) => row.uid), { timeout: 5000 }).not.toContain(guest.uid)
    await report({ soil_humidity: 45 })
    await report({ soil_humidity: 10 })
    await settled(5)
    expect(await titlesOf(SECOND_USER)).toHaveLength(2)
    expect(await titlesOf(FIRST_USER)).toHaveLength(5)
  })
})
