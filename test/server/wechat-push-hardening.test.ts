// Issue 9's findings on /wechat/push, each proven over real sockets and real SQLite: the hostile-XML scan is
// linear (counted, not timed), signatures are checked before the body is read, stale, replayed and downgraded
// pushes are refused, a store that cannot write answers so WeChat retries, old records are swept, and query
// strings never reach the log.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Fastify from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { loggedRequest } from '../../server/bff/app'
import type { Context } from '../../server/bff/context'
import { PUSH_SWEEP_EVERY_MS, wechatPushRoutes } from '../../server/bff/routes/wechat-push'
import { DEMO_GIZWITS_APP_ID, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_TOKEN } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { openDatabase } from '../../server/bff/store/database'
import { PUSH_EVENTS_KEEP_S, PUSH_SEEN_KEEP_S, sqlitePushStore, type PushStore } from '../../server/bff/store/push-store'
import type { PushDeviceBinder } from '../../server/bff/wechat/device-binding'
import { PushHandler } from '../../server/bff/wechat/push-handler'
import { encryptedField, parsePushXml, PushXmlError, scanWork } from '../../server/bff/wechat/push-xml'
import { FIRST_USER, body, sandboxPush, startBackend, startTestSandbox, type Backend } from '../support/backend'

const sha1 = (parts: string[]) => createHash('sha1').update([...parts].sort().join('')).digest('hex')
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const nowS = () => Math.floor(Date.now() / 1000)
const xmlPost = (url: string, xml: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml })
const textPush = (openid: string, content: string, msgId: number) =>
  `<xml><ToUserName><![CDATA[gh_demo]]></ToUserName><FromUserName><![CDATA[${openid}]]></FromUserName><CreateTime>${nowS()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`

/** Characters the push scanner examined while `work` ran (it counts every character any of its searches looks at). */
function scanned(work: () => unknown): number {
  const before = scanWork.chars
  try {
    work()
  } catch (error) {
    if (!(error instanceof PushXmlError)) throw error
  }
  return scanWork.chars - before
}

// The shapes that made the old regexes quadratic, and the other ways a scanner could be made to rescan.
const HOSTILE: Record<string, (n: number) => string> = {
  'unclosed tags (the reported body)': (n) => `<xml>${'<a>'.repeat(n)}</xml>`,
  'an unclosed element': (n) => `<xml><a>${'x'.repeat(n)}`,
  'an unclosed CDATA': (n) => `<xml><a><![CDATA[${'x'.repeat(n)}`,
  'many CDATA sections, never closed': (n) => `<xml><a>${'<![CDATA[x]]>'.repeat(n)}`,
  'many CDATA sections, then a nested tag never closed': (n) => `<xml><a>${'<![CDATA[x]]>'.repeat(n)}<b>`,
  'many fields': (n) => `<xml>${Array.from({ length: n }, (_, i) => `<f${i}>1</f${i}>`).join('')}</xml>`,
  'many lone <': (n) => `<xml>${'<'.repeat(n)}</xml>`,
  'a name that never ends': (n) => `<xml><${'a'.repeat(n)}>`,
  'closing tags only': (n) => `<xml><a>${'</b>'.repeat(n)}</a></xml>`,
}

describe('push XML scanner (finding: regex denial of service)', () => {
  test.each(Object.entries(HOSTILE))('should be done with %s after work linear in the input', (_name, make) => {
    for (const n of [5_000, 20_000]) {
      const input = make(n)
      // At most a few looks per character of input, whatever the input (the old regex did ~n²/2).
      expect(scanned(() => parsePushXml(input))).toBeLessThanOrEqual(3 * input.length + 64)
    }
  })

  test('should do the same work per character on 4× the hostile input, not 16× as a quadratic scan would', () => {
    const make = HOSTILE['unclosed tags (the reported body)']
    const small = scanned(() => parsePushXml(make(21_000 / 4)))
    const large = scanned(() => parsePushXml(make(21_000)))
    expect(small).toBeGreaterThan(0)
    expect(large).toBeLessThanOrEqual(4 * small + 64)
  })

  test('should read a normal push with work linear in its length too, and the Encrypt element only at the top level', () => {
    const normal = textPush('o1', '你好 <Encrypt>not this</Encrypt>', 1)
    const work = scanned(() => parsePushXml(normal))
    expect(work).toBeGreaterThan(0)
    expect(work).toBeLessThanOrEqual(8 * normal.length)
    expect(parsePushXml(normal).Content).toBe('你好 <Encrypt>not this</Encrypt>')
    expect(encryptedField(normal)).toBeNull()
    expect(encryptedField('<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[abc=]]></Encrypt></xml>')).toBe('abc=')
    expect(encryptedField(`<xml>${'<a>'.repeat(21_000)}<Encrypt>abc</Encrypt></xml>`)).toBeNull()
  })

  test('should refuse duplicated fields, text after </xml> and more fields than any push has', () => {
    expect(() => parsePushXml('<xml><A>1</A><A>2</A></xml>')).toThrow(PushXmlError)
    expect(() => parsePushXml('<xml><A>1</A></xml><B>2</B>')).toThrow(PushXmlError)
    expect(() => parsePushXml(`<xml>${Array.from({ length: 65 }, (_, i) => `<F${i}>1</F${i}>`).join('')}</xml>`)).toThrow(/more than 64 fields/)
    expect(parsePushXml(' <xml>\n<A><![CDATA[x]]]]><![CDATA[>y]]></A>\n<B>2</B>\n</xml>\n')).toEqual({ A: 'x]]>y', B: '2' })
    for (const make of [HOSTILE['unclosed tags (the reported body)'], HOSTILE['an unclosed CDATA'], HOSTILE['many fields'], HOSTILE['a name that never ends']]) {
      expect(() => parsePushXml(make(1000))).toThrow(PushXmlError)
    }
  })

  test('should keep a nested element\'s inner XML as its value, as events like scancode_waitmsg carry', () => {
    const push = parsePushXml('<xml><Event><![CDATA[scancode_waitmsg]]></Event><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo><EventKey>k</EventKey></xml>')
    expect(push).toEqual({ Event: 'scancode_waitmsg', ScanCodeInfo: '<ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult>', EventKey: 'k' })
  })
})

describe('/wechat/push with an AES key configured (safe and compatible mode only)', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await startBackend()
  })
  afterAll(async () => {
    await backend.close()
  })

  const push = (input: Record<string, unknown>) => sandboxPush(backend.sandbox.url, input)
  /** Awaited: the store answers at once on SQLite and with a promise on PostgreSQL (project server-pg). */
  const events = async () => backend.context.pushes.events()

  test('should refuse the hostile body before reading it when unsigned, and after one linear scan when signed wrongly', async () => {
    const hostile = `<xml>${'<a>'.repeat(21_000)}</xml>`
    const ts = String(nowS())
    let before = scanWork.chars
    const unsigned = await xmlPost(`${backend.bffUrl}/wechat/push?encrypt_type=aes&timestamp=${ts}&nonce=n1`, hostile)
    expect(unsigned.status).toBe(401)
    expect(scanWork.chars - before).toBe(0)
    before = scanWork.chars
    const wronglySigned = await xmlPost(`${backend.bffUrl}/wechat/push?encrypt_type=aes&timestamp=${ts}&nonce=n1&msg_signature=${'0'.repeat(40)}`, hostile)
    expect(wronglySigned.status).toBe(401)
    // Read once, by the counted linear scanner (the Encrypt element it needs), before the refusal.
    expect(scanWork.chars - before).toBeGreaterThan(0)
    expect(scanWork.chars - before).toBeLessThanOrEqual(3 * hostile.length)
    const tooBig = await xmlPost(`${backend.bffUrl}/wechat/push?encrypt_type=aes&timestamp=${ts}&nonce=n1&msg_signature=${'0'.repeat(40)}`, `<xml>${'<a>'.repeat(22_000)}</xml>`)
    expect(tooBig.status).toBe(413)
  })

  test('should refuse plain mode, and a signed push with encrypt_type dropped, when a key is configured', async () => {
    const before = (await events()).length
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', mode: 'plain' })).status).toBe(401)
    const ts = String(nowS())
    const plain = await xmlPost(`${backend.bffUrl}/wechat/push?signature=${sha1([DEMO_WECHAT_TOKEN, ts, 'n2'])}&timestamp=${ts}&nonce=n2`, textPush(FIRST_USER, '设备', 901))
    expect(plain.status).toBe(401)
    expect((await events()).length).toBe(before)
  })

  test('should refuse pushes stamped outside ±300 s, and accept one inside it', async () => {
    const before = (await events()).length
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', timestamp: nowS() - 301 })).status).toBe(401)
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', timestamp: nowS() + 301 })).status).toBe(401)
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', timestamp: 978_307_200 })).status).toBe(401)
    expect((await events()).length).toBe(before)
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', timestamp: nowS() - 200 })).status).toBe(200)
    expect((await events()).length).toBe(before + 1)
  })

  test('should refuse a stale verification request', async () => {
    const stale = String(nowS() - 301)
    const response = await fetch(`${backend.bffUrl}/wechat/push?signature=${sha1([DEMO_WECHAT_TOKEN, stale, 'n3'])}&timestamp=${stale}&nonce=n3&echostr=hello`)
    expect(response.status).toBe(401)
  })

  test('should treat a retry with the same timestamp and nonce, re-encrypted, as the retry it is', async () => {
    const before = (await events()).length
    const retry = { openid: FIRST_USER, msg_type: 'event', event: 'CLICK', event_key: 'DEVICES', create_time: 1_700_000_777, timestamp: nowS(), nonce: 'retry1' }
    expect((await push(retry)).raw).toBe('success')
    expect((await push(retry)).raw).toBe('success')
    expect((await events()).length).toBe(before + 1)
  })

  // Last in this block: the sandbox's clock only moves forward.
  test('should be sent signed with the real time even when the sandbox clock was moved', async () => {
    const moved = await fetch(`${backend.sandbox.url}/sandbox/clock`, {
      method: 'POST',
      headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' },
      body: JSON.stringify({ advance_s: 3600 }),
    })
    expect(moved.status).toBe(200)
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '设备' })).status).toBe(200)
  })
})

describe('/wechat/push without an AES key (plain mode)', () => {
  let backend: Backend
  beforeAll(async () => {
    backend = await startBackend({ env: { WECHAT_AES_KEY: '' } })
  })
  afterAll(async () => {
    await backend.close()
  })

  const push = (input: Record<string, unknown>) => sandboxPush(backend.sandbox.url, input)
  /** Awaited: the store answers at once on SQLite and with a promise on PostgreSQL (project server-pg). */
  const events = async () => backend.context.pushes.events()

  test('should answer a text message in plain mode with a link into the app', async () => {
    const result = await push({ openid: FIRST_USER, msg_type: 'text', content: '设备', mode: 'plain' })
    expect(result.status).toBe(200)
    expect(result.reply).toContain(`${backend.bffUrl}/`)
  })

  test('should refuse a leaked timestamp/nonce/signature triple on another body, and the same triple restamped', async () => {
    const ts = nowS()
    const leaked = { timestamp: String(ts), nonce: 'leaked1', signature: sha1([DEMO_WECHAT_TOKEN, String(ts), 'leaked1']) }
    expect((await push({ openid: FIRST_USER, msg_type: 'text', content: '你好', mode: 'plain', timestamp: ts, nonce: 'leaked1' })).status).toBe(200)
    const before = (await events()).length
    const forged = await xmlPost(`${backend.bffUrl}/wechat/push?${new URLSearchParams(leaked)}`, textPush('o-attacker', '设备', 902))
    expect(forged.status).toBe(401)
    expect((await events()).length).toBe(before)
    expect(await events()).not.toContainEqual(expect.objectContaining({ openid: 'o-attacker' }))
  })

  test('should refuse a push stamped 2001 however it is signed', async () => {
    const old = '978307200'
    const forged = await xmlPost(`${backend.bffUrl}/wechat/push?signature=${sha1([DEMO_WECHAT_TOKEN, old, 'n2001'])}&timestamp=${old}&nonce=n2001`, textPush('o-2001', '设备', 903))
    expect(forged.status).toBe(401)
    expect(await events()).not.toContainEqual(expect.objectContaining({ openid: 'o-2001' }))
  })

  test('should let WeChat\'s retry (same triple, same body) through, handled once', async () => {
    const ts = String(nowS())
    const query = new URLSearchParams({ timestamp: ts, nonce: 'again1', signature: sha1([DEMO_WECHAT_TOKEN, ts, 'again1']) })
    const xml = textPush('o-retry', '设备', 904)
    const first = await xmlPost(`${backend.bffUrl}/wechat/push?${query}`, xml)
    expect(first.status).toBe(200)
    expect(await first.text()).toContain('我的设备')
    const again = await xmlPost(`${backend.bffUrl}/wechat/push?${query}`, xml)
    expect([again.status, await again.text()]).toEqual([200, 'success'])
    expect((await events()).filter((event) => event.openid === 'o-retry')).toHaveLength(1)
  })
})

describe('push store', () => {
  const dirs: string[] = []
  const tempFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-push-'))
    dirs.push(dir)
    return join(dir, 'app.db')
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  const row = (key: string, receivedAt: number) => ({ key, openid: 'o1', msgType: 'text', event: null, eventKey: null, payload: '{}', receivedAt })

  test('should remember a used nonce across a restart', () => {
    const file = tempFile()
    const first = openDatabase(file)
    expect(sqlitePushStore(first).record({ timestamp: 1000, nonce: 'n', messageSha256: sha256('a') }, row('k1', 1000))).toBe('fresh')
    first.close()
    const again = openDatabase(file)
    const store = sqlitePushStore(again)
    expect(store.record({ timestamp: 1000, nonce: 'n', messageSha256: sha256('forged') }, row('k2', 1001))).toBe('replayed')
    expect(store.record({ timestamp: 1000, nonce: 'n', messageSha256: sha256('a') }, row('k1', 1002))).toBe('retry')
    again.close()
  })

  test('should expire nonces with the window, dedup keys after a day and events after 30 days', () => {
    const db = openDatabase(tempFile())
    const store = sqlitePushStore(db)
    const now = 2_000_000_000
    store.record({ timestamp: now - 301, nonce: 'old', messageSha256: 'x' }, row('seen-old', now - PUSH_EVENTS_KEEP_S - 1))
    store.record({ timestamp: now - 299, nonce: 'new', messageSha256: 'y' }, row('seen-day', now - PUSH_SEEN_KEEP_S - 1))
    store.record(null, row('seen-new', now - 10))
    expect(store.sweep(now, 300)).toEqual({ nonces: 1, seen: 2, events: 1 })
    expect(db.prepare('SELECT nonce FROM wechat_push_nonces').pluck().all()).toEqual(['new'])
    expect(db.prepare('SELECT key FROM wechat_push_seen').pluck().all()).toEqual(['seen-new'])
    expect(db.prepare('SELECT count(*) FROM wechat_events').pluck().get()).toBe(2)
    db.close()
  })
})

/** The push route alone on a database the test holds, so the test can break its store or watch its sweeper. */
async function startPushRoute(file: string, sandbox: Sandbox, storeOf: (db: Database.Database) => PushStore = sqlitePushStore) {
  const db = openDatabase(file)
  const logs: string[] = []
  const app = Fastify({ logger: { level: 'info', serializers: { req: loggedRequest }, stream: { write: (line: string) => void logs.push(line) } } })
  const context = { config: { publicUrl: 'http://app.example', wechat: { pushToken: DEMO_WECHAT_TOKEN, aesKey: DEMO_WECHAT_AES_KEY, appId: DEMO_WECHAT_APP_ID } } } as unknown as Context
  await app.register(async (scope) => wechatPushRoutes(scope, context, new PushHandler(storeOf(db), {} as PushDeviceBinder, () => {})))
  app.addHook('onClose', async () => db.close())
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  sandbox.setPushUrl(`${url}/wechat/push`)
  return { app, url, db, logs }
}

/** Two ways the store's write fails: SQLite itself refusing (query_only, as a read-only file does), and a full disk. */
let diskFull = false
const BROKEN_STORES: Record<string, { code: string; storeOf: (db: Database.Database) => PushStore; breakIt: (db: Database.Database) => void; mend: (db: Database.Database) => void }> = {
  'a database that refuses writes': {
    code: 'SQLITE_READONLY',
    storeOf: sqlitePushStore,
    breakIt: (db) => db.pragma('query_only = ON'),
    mend: (db) => db.pragma('query_only = OFF'),
  },
  'a full disk': {
    code: 'SQLITE_FULL',
    storeOf: (db) => {
      const real = sqlitePushStore(db)
      return {
        ...real,
        record: (signed, row) => {
          if (diskFull) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL')
          return real.record(signed, row)
        },
      }
    },
    breakIt: () => void (diskFull = true),
    mend: () => void (diskFull = false),
  },
}

describe('/wechat/push when the store cannot write (finding: answered "bad push")', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })

  test.each(Object.entries(BROKEN_STORES))('should answer 503 on %s so WeChat retries, log why, keep nothing, and handle the retry once mended', async (_name, broken) => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-push-broken-'))
    const route = await startPushRoute(join(dir, 'app.db'), sandbox, broken.storeOf)
    try {
      const { db } = route
      const counts = () => ['wechat_push_seen', 'wechat_events', 'wechat_push_nonces'].map((table) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number)
      const send = () => fetch(`${sandbox.url}/sandbox/wechat/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) }).then(body)
      const message = { openid: FIRST_USER, msg_type: 'text', content: '设备', timestamp: nowS(), nonce: `broken-${broken.code}` }
      broken.breakIt(db)
      const refused = await send()
      expect(refused.status).toBe(503)
      expect(refused.raw).not.toBe('bad push')
      broken.mend(db)
      expect(counts()).toEqual([0, 0, 0])
      const logged = route.logs.map((line) => JSON.parse(line) as { msg: string; code?: string }).find((line) => line.msg.includes('WeChat push not stored'))
      expect(logged).toMatchObject({ code: broken.code })
      expect(route.logs.join('\n')).not.toContain(DEMO_WECHAT_TOKEN)
      expect(route.logs.join('\n')).not.toContain(message.nonce)
      // WeChat's retry: the same request again (the sandbox re-encrypts, as any sender may).
      const retried = await send()
      expect(retried.status).toBe(200)
      expect(retried.reply).toContain('我的设备')
      expect(counts()).toEqual([1, 1, 1])
    } finally {
      await route.app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('push record sweeper (finding: tables grow without bound)', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startTestSandbox()
  })
  afterAll(async () => {
    await sandbox.close()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  test('should sweep on an unref\'d timer and stop sweeping when the app closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'h5-push-sweep-'))
    try {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
      const started = vi.spyOn(globalThis, 'setInterval')
      const route = await startPushRoute(join(dir, 'app.db'), sandbox)
      const sweeper = started.mock.results.find((_result, index) => started.mock.calls[index][1] === PUSH_SWEEP_EVERY_MS)?.value as NodeJS.Timeout
      expect(sweeper).toBeDefined()
      expect(sweeper.hasRef()).toBe(false)
      const store = sqlitePushStore(route.db)
      const old = nowS() - PUSH_EVENTS_KEEP_S - 60
      store.record({ timestamp: old, nonce: 'old', messageSha256: 'x' }, { key: 'old', openid: 'o', msgType: 'text', event: null, eventKey: null, payload: '{}', receivedAt: old })
      const count = () => route.db.prepare('SELECT (SELECT count(*) FROM wechat_push_seen) + (SELECT count(*) FROM wechat_events) + (SELECT count(*) FROM wechat_push_nonces)').pluck().get()
      expect(count()).toBe(3)
      vi.advanceTimersByTime(PUSH_SWEEP_EVERY_MS)
      expect(count()).toBe(0)
      const timers = vi.getTimerCount()
      await route.app.close()
      expect(vi.getTimerCount()).toBe(timers - 1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('request log (finding: signature triples written with LOG=1)', () => {
  test('should log paths and query names, never query values, for every route', async () => {
    const lines: string[] = []
    const backend = await startBackend({ logger: { stream: { write: (line) => void lines.push(line) } } })
    try {
      const ts = String(nowS())
      const signature = sha1([DEMO_WECHAT_TOKEN, ts, 'lognonce1'])
      await fetch(`${backend.bffUrl}/wechat/push?signature=${signature}&timestamp=${ts}&nonce=lognonce1&echostr=echo-secret-1`)
      await fetch(`${backend.bffUrl}/auth/wechat/callback?code=code-secret-2&state=state-secret-3`)
      const log = lines.join('')
      expect(log).toContain('/wechat/push?signature=[redacted]&timestamp=[redacted]&nonce=[redacted]&echostr=[redacted]')
      expect(log).toContain('/auth/wechat/callback?code=[redacted]&state=[redacted]')
      for (const secret of [signature, 'lognonce1', 'echo-secret-1', 'code-secret-2', 'state-secret-3']) expect(log).not.toContain(secret)
    } finally {
      await backend.close()
    }
  })
})
