// Which WeChat channel each notice takes and what each of WeChat's answers does to it (server/worker/channels.ts),
// against the sandbox's real send endpoints: 43004 not following and 43101 refused subscription → the app only;
// 45015 outside the 48-hour window → the next channel (or the app); 45009 → queued for the digest; 40037 → failed,
// logged for the operator once, never retried. Each notice keeps the channel it went by and WeChat's answer.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { openDatabase } from '../../server/bff/store/database'
import { sqlitePushStore } from '../../server/bff/store/push-store'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_SUBSCRIBE_TEMPLATE_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { channelsFor, verdictOf } from '../../server/worker/channels'
import { startWorker, type EventWorker, type WorkerOptions } from '../../server/worker/event-worker'
import { FIRST_USER, json, startTestSandbox } from '../support/backend'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let sandbox: Sandbox
let dataDir: string
let db: Database.Database
let worker: EventWorker | undefined
let logged: string[]

beforeEach(async () => {
  sandbox = await startTestSandbox()
  dataDir = mkdtempSync(join(tmpdir(), 'h5-channels-'))
  db = openDatabase(join(dataDir, 'app.db'))
  logged = []
})
afterEach(async () => {
  worker?.stop()
  db.close()
  await sandbox.close()
  rmSync(dataDir, { recursive: true, force: true })
})

function start(wechat: Partial<WorkerOptions['wechat']> = {}): EventWorker {
  worker = startWorker({
    db,
    snoti: { host: sandbox.snoti.host, port: sandbox.snoti.port, ca: sandbox.snoti.ca, credentials: sandbox.snoti.credentials, subkey: 'vendor_worker' },
    gizwits: { apiBase: sandbox.url, appId: DEMO_GIZWITS_APP_ID },
    wechat: { apiBase: sandbox.url, appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, alertTemplateId: DEMO_ALERT_TEMPLATE_ID, subscribeTemplateId: DEMO_SUBSCRIBE_TEMPLATE_ID, ...wechat },
    appUrl: 'http://app.example',
    log: (message) => logged.push(message),
  })
  return worker
}

let serial = 0
/** One notice in the outbox, as an alert edge or a command result writes it; then every pending one is sent. */
async function notice(kind: 'alert' | 'command'): Promise<{ status: string; channel: string | null; result: string | null }> {
  const key = `test:${++serial}`
  await worker!.store.addNotice({ notice_key: key, openid: FIRST_USER, did: PLANT, device_name: '阳台绿萝', title: kind === 'alert' ? '土壤湿度低于 30%' : '指令已执行', detail: '当前 22%', created_at: Date.now() / 1000, edge: 'fire', alert_key: key, kind })
  await worker!.flushNotices()
  return (await worker!.store.inbox(FIRST_USER, 1))[0]
}
const post = (path: string, payload: unknown) => fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })
const kinds = async () => (await json<{ messages: Array<{ kind: string }> }>(await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`))).messages.map((message) => message.kind)
/** The user wrote to the account at `at` (UTC seconds), as the BFF keeps the push (what our window is read from). */
const wroteAt = (at: number) => sqlitePushStore(db).record(null, { key: `text:${at}:${serial++}`, openid: FIRST_USER, msgType: 'text', event: null, eventKey: null, payload: '{}', receivedAt: Math.floor(at) })

describe('the channel plan and the verdicts (channels.ts)', () => {
  test('alerts go as template messages; command results by customer-service message inside the window, else subscription', () => {
    const now = 1_800_000_000
    expect(channelsFor('alert', now - 60, now)).toEqual(['template'])
    expect(channelsFor('command', now - 60, now)).toEqual(['custom', 'subscribe'])
    expect(channelsFor('command', now - 48 * 3600, now)).toEqual(['subscribe'])
    expect(channelsFor('command', null, now)).toEqual(['subscribe'])
    expect([0, 43004, 43101, 40003, 45015, 45009, 40037, 47003, -1, null].map(verdictOf))
      .toEqual(['sent', 'in_app_only', 'in_app_only', 'in_app_only', 'next', 'queued', 'failed', 'failed', 'retry', 'retry'])
  })
})

describe('WeChat answers, with the sandbox', () => {
  test('sent: an alert as a template message, a command result as a customer-service message inside the window', async () => {
    start()
    expect(await notice('alert')).toMatchObject({ status: 'sent', channel: 'template' })
    await post('/sandbox/wechat/push', { openid: FIRST_USER, msg_type: 'text', content: '你好' })
    wroteAt(Date.now() / 1000)
    expect(await notice('command')).toMatchObject({ status: 'sent', channel: 'custom', result: 'ok' })
    expect(await kinds()).toEqual(expect.arrayContaining(['template', 'custom']))
  })

  test('43004: a user who does not follow gets the alert in the app only', async () => {
    start()
    await post('/sandbox/wechat/push', { openid: FIRST_USER, msg_type: 'event', event: 'unsubscribe' })
    expect(await notice('alert')).toMatchObject({ status: 'in_app_only', channel: 'app', result: '43004' })
    expect(await kinds()).not.toContain('template')
  })

  test('43101: no consent to the subscription notice → the app only; with one → sent by subscription', async () => {
    start()
    expect(await notice('command')).toMatchObject({ status: 'in_app_only', channel: 'app', result: '43101' })
    await post('/sandbox/wechat/subscription', { openid: FIRST_USER, credits: 1 })
    expect(await notice('command')).toMatchObject({ status: 'sent', channel: 'subscribe' })
  })

  test('45015: our window says open but WeChat says it closed → the next channel (subscription), or the app', async () => {
    start()
    // We saw a message 47 hours ago; WeChat never did (the sandbox's own record is empty): custom/send → 45015.
    wroteAt(Date.now() / 1000 - 47 * 3600)
    expect(await notice('command')).toMatchObject({ status: 'in_app_only', channel: 'app', result: '43101' })
    await post('/sandbox/wechat/subscription', { openid: FIRST_USER, credits: 1 })
    expect(await notice('command')).toMatchObject({ status: 'sent', channel: 'subscribe' })
    expect(await kinds()).not.toContain('custom')
    // No subscription template configured: the window was the only way left, so the app.
    worker!.stop()
    start({ subscribeTemplateId: undefined })
    expect(await notice('command')).toMatchObject({ status: 'in_app_only', channel: 'app', result: '45015' })
  })

  test('45009: the quota is spent → queued, and the digest sends it later', async () => {
    start()
    await post('/sandbox/wechat/template-quota', { daily: 0 })
    expect(await notice('alert')).toMatchObject({ status: 'queued', channel: 'template', result: '45009' })
    await post('/sandbox/wechat/template-quota', { daily: 10 })
    await worker!.sendDigests()
    expect((await worker!.store.inbox(FIRST_USER, 1))[0]).toMatchObject({ status: 'digested', channel: 'template' })
  })

  test('40037: a misconfigured template fails once, is logged for the operator and never retried', async () => {
    start({ alertTemplateId: 'NotAtemplateOfThisAccount' })
    expect(await notice('alert')).toMatchObject({ status: 'failed', channel: 'template', result: '40037' })
    expect(logged.filter((line) => line.includes('check WECHAT_ALERT_TEMPLATE_ID'))).toHaveLength(1)
    await worker!.flushNotices()
    await worker!.flushNotices()
    expect(logged.filter((line) => line.includes('40037'))).toHaveLength(1)
    expect(await worker!.store.pendingNotices()).toEqual([])
  })
})
