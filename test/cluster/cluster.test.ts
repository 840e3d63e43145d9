// Two BFF processes behind nginx on real Redis and PostgreSQL (test/support/cluster-stack.ts): whichever instance
// a request or a page lands on, the user meets one service — one login, one set of limits, one WeChat token, and
// the outcome of a command given on one instance told to the user's page on the other. Services missing from the
// machine make these tests fail (cluster-services.ts), never skip.
import { createHash } from 'node:crypto'
import { Redis } from 'ioredis'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, cmd } from '../support/backend'
import { startClusterStack, type ClusterStack } from '../support/cluster-stack'
import { loginThroughSandbox, newSandboxUser } from '../support/login'

const PUSH_TOKEN = 'clusterPushToken42'
const READ_LIMIT = 6
const BIND_LIMIT = 3
/** Pages per user in the SIGKILL test (bench/failover runs 200 in all; here fewer, the machine is shared). */
const PAGES_PER_USER = 20
let stack: ClusterStack
const pages: FrameRecorder[] = []

beforeAll(async () => {
  // The third BFF is the one stopped gracefully (SIGTERM) near the end; the first is SIGKILLed last.
  stack = await startClusterStack({
    bffs: 3,
    env: {
      RATE_LIMITS: JSON.stringify({
        read: { user: { max: READ_LIMIT, windowMs: 600_000 }, ip: { max: 100_000, windowMs: 60_000 } },
        // Many page sockets per user and from one address (every test page comes from 127.0.0.1).
        socket: { user: { max: 1000, windowMs: 60_000 }, ip: { max: 100_000, windowMs: 60_000 } },
      }),
      BIND_LIMITS: JSON.stringify({ windowMs: 600_000, perUser: BIND_LIMIT, perDevice: 100 }),
      // The push endpoint on, in plain mode (signature over token, timestamp and nonce).
      WECHAT_TOKEN: PUSH_TOKEN,
    },
  })
})
afterEach(() => {
  for (const page of pages.splice(0)) page.close()
})
afterAll(async () => {
  await stack?.stop()
})

async function page(base: string, cookie: string): Promise<FrameRecorder> {
  const opened = await FrameRecorder.open(`${base.replace('http', 'ws')}/ws?lang=zh-CN`, { cookie, origin: stack.nginx.url })
  pages.push(opened)
  await opened.next(cmd('s2c_cloud_status'), 5000)
  return opened
}

async function subscribed(base: string, cookie: string, did = LIVING_ROOM_AC): Promise<{ page: FrameRecorder; setTemp: number }> {
  const opened = await page(base, cookie)
  opened.send({ cmd: 'subscribe_req', data: [{ did }] })
  const snapshot = await opened.next<{ data: { attrs: { set_temp: number } } }>((frame) => frame.cmd === 's2c_noti', 10_000)
  return { page: opened, setTemp: snapshot.data.attrs.set_temp }
}

const me = (base: string, cookie: string) => fetch(`${base}/api/me`, { headers: { cookie } })

describe('sessions', () => {
  test('should keep a user logged in through nginx signed in on every BFF, and signed out on every BFF after logging out on one', async () => {
    const user = await newSandboxUser(stack.sandboxUrl, '集群用户')
    // The OAuth state is issued by whichever BFF nginx picks for the login and consumed by whichever it picks for
    // the callback: with round robin, two different ones.
    const cookie = await loginThroughSandbox(stack.nginx.url, user)
    for (const base of stack.bffUrls) expect((await me(base, cookie)).status).toBe(200)

    const logout = await fetch(`${stack.bffUrls[0]}/auth/logout`, { method: 'POST', headers: { cookie, origin: stack.nginx.url } })
    expect(logout.status).toBeLessThan(400)
    for (const base of stack.bffUrls) expect((await me(base, cookie)).status).toBe(401)
  })
})

describe('limits', () => {
  test('should count a user\'s requests across BFFs, so spreading them over the instances gains nothing', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, await newSandboxUser(stack.sandboxUrl, '限流用户'))
    const statuses: number[] = []
    for (let i = 0; i < READ_LIMIT; i++) statuses.push((await me(stack.bffUrls[i % 2], cookie)).status)
    expect(statuses).toEqual(Array(READ_LIMIT).fill(200))
    for (const base of stack.bffUrls) {
      const refused = await me(base, cookie)
      expect(refused.status).toBe(429)
      expect(((await refused.json()) as { error_code: string }).error_code).toBe('rate_limited')
    }
  })

  test('should count refused binding attempts across BFFs', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, await newSandboxUser(stack.sandboxUrl, '猜码用户'))
    const attempt = (base: string) => fetch(`${base}/api/app/bindings`, {
      method: 'POST',
      headers: { cookie, origin: stack.nginx.url, 'content-type': 'application/json' },
      body: JSON.stringify({ devices: [{ did: LIVING_ROOM_AC, passcode: 'WRONGWRONG' }] }),
    })
    const codes: string[] = []
    for (let i = 0; i < BIND_LIMIT; i++) codes.push(((await (await attempt(stack.bffUrls[i % 2])).json()) as { error_code: string }).error_code)
    expect(codes).toEqual(Array(BIND_LIMIT).fill('bind_refused'))
    for (const base of stack.bffUrls) {
      const refused = await attempt(base)
      expect(refused.status).toBe(429)
      expect(((await refused.json()) as { error_code: string }).error_code).toBe('bind_attempts_exceeded')
    }
  })
})

describe('WeChat tokens', () => {
  test('should fetch the access_token and the jsapi_ticket once for the whole cluster, however many ask at once', async () => {
    const redis = new Redis(stack.redis.url)
    const keys = await redis.keys('h5:wechat:*')
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
    const before = { token: stack.wechatCalls.get('/cgi-bin/stable_token') ?? 0, ticket: stack.wechatCalls.get('/cgi-bin/ticket/getticket') ?? 0 }
    const url = encodeURIComponent(`${stack.nginx.url}/`)
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${stack.bffUrls[i % 2]}/api/wechat/jssdk-config?url=${url}`)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200))
    expect((stack.wechatCalls.get('/cgi-bin/stable_token') ?? 0) - before.token).toBe(1)
    expect((stack.wechatCalls.get('/cgi-bin/ticket/getticket') ?? 0) - before.ticket).toBe(1)
  })
})

describe('WeChat pushes', () => {
  test('should handle a push once when WeChat\'s retry of it lands on the other BFF at the same moment', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = 'cluster-nonce-1'
    const signature = createHash('sha1').update([PUSH_TOKEN, timestamp, nonce].sort().join('')).digest('hex')
    const msgId = String(Date.now())
    const xml = `<xml><ToUserName><![CDATA[gh_demo]]></ToUserName><FromUserName><![CDATA[${FIRST_USER}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[设备]]></Content><MsgId>${msgId}</MsgId></xml>`
    const answers = await Promise.all(stack.bffUrls.slice(0, 2).map(async (base) => {
      const answer = await fetch(`${base}/wechat/push?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml })
      return { status: answer.status, text: await answer.text() }
    }))
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    // One instance replies to the message; the other sees it taken and answers WeChat's "success" only.
    expect(answers.map((answer) => (answer.text === 'success' ? 'retry' : 'handled')).sort()).toEqual(['handled', 'retry'])
    const db = new pg.Client({ connectionString: stack.postgres.url })
    await db.connect()
    const { rows } = await db.query<{ count: string }>("SELECT count(*) FROM wechat_events WHERE payload LIKE '%' || $1 || '%'", [msgId])
    await db.end()
    expect(Number(rows[0].count)).toBe(1)
  })
})

describe('live state across BFFs', () => {
  test('should confirm a command given through BFF-1 to the same user\'s page on BFF-2, and show both pages the device\'s new state', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, FIRST_USER)
    const first = await subscribed(stack.bffUrls[0], cookie)
    const second = await subscribed(stack.bffUrls[1], cookie)
    const wanted = [18, 19, 27, 28].find((value) => value !== first.setTemp)!

    first.page.send({ cmd: 'c2s_write', req_sn: 1, id: 'cluster-cmd-0001', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await first.page.next(cmd('s2c_write_res'), 8000)).toMatchObject({ data: { ok: true, id: 'cluster-cmd-0001', state: 'sent' } })
    const confirmed = (frame: Record<string, unknown>) => frame.cmd === 's2c_command_status' &&
      (frame.data as { commands: Array<{ id: string; state: string }> }).commands.some((c) => c.id === 'cluster-cmd-0001' && c.state === 'confirmed')
    await second.page.next(confirmed, 8000)
    await second.page.next((frame) => frame.cmd === 's2c_noti' && (frame.data as { attrs: { set_temp?: number } }).attrs.set_temp === wanted, 8000)

    // Asked afresh on BFF-2 (as a page that reconnected there would), the journal in PostgreSQL answers the same.
    second.page.send({ cmd: 'c2s_command_status', data: { ids: ['cluster-cmd-0001'] } })
    await second.page.next(confirmed, 5000)
    // A retry of the same id on BFF-2 is not sent again: it is answered from the shared journal.
    second.page.send({ cmd: 'c2s_write', req_sn: 2, id: 'cluster-cmd-0001', data: { did: LIVING_ROOM_AC, attrs: { set_temp: wanted } } })
    expect(await second.page.next(cmd('s2c_write_res'), 5000)).toMatchObject({ data: { ok: true, id: 'cluster-cmd-0001', state: 'confirmed' } })
  })

  test('should carry page sockets through nginx (WebSocket upgrade) to whichever BFF it picks', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, FIRST_USER)
    for (let i = 0; i < 2; i++) {
      const { page: opened } = await subscribed(stack.nginx.url, cookie)
      expect(opened.socket.readyState).toBe(opened.socket.OPEN)
    }
  })
})

describe('shared services going away', () => {
  test('should answer clearly while PostgreSQL is down and recover when it is back, without restarting the BFFs', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, await newSandboxUser(stack.sandboxUrl, '断库用户'))
    await stack.postgres.halt()
    try {
      for (const base of stack.bffUrls) {
        const during = await fetch(`${base}/api/me`, { headers: { cookie, 'accept-language': 'en' } })
        expect(during.status).toBe(503)
        expect(await during.json()).toMatchObject({ error_code: 'storage_unavailable', message: 'The service cannot reach its data store just now. Please try again shortly' })
      }
    } finally {
      await stack.postgres.resume()
    }
    for (const base of stack.bffUrls) expect((await me(base, cookie)).status).toBe(200)
  })

  test('should keep everyone logged in across a Redis restart that loses all it held, and fetch the WeChat token once afterwards', async () => {
    const cookie = await loginThroughSandbox(stack.nginx.url, await newSandboxUser(stack.sandboxUrl, '重启用户'))
    const url = encodeURIComponent(`${stack.nginx.url}/`)
    expect((await fetch(`${stack.bffUrls[0]}/api/wechat/jssdk-config?url=${url}`)).status).toBe(200)
    await stack.redis.halt()
    await stack.redis.resume()
    const before = stack.wechatCalls.get('/cgi-bin/stable_token') ?? 0
    // ioredis reconnects by itself; a request meeting the reconnect may get a 503, never a logout.
    let statuses: number[] = []
    for (let round = 0; round < 50; round++) {
      statuses = await Promise.all(stack.bffUrls.map(async (base) => (await me(base, cookie)).status))
      expect(statuses.every((status) => status === 200 || status === 503)).toBe(true)
      if (statuses.every((status) => status === 200)) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(statuses).toEqual(stack.bffUrls.map(() => 200))
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => fetch(`${stack.bffUrls[i % 2]}/api/wechat/jssdk-config?url=${url}`)))
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200))
    expect((stack.wechatCalls.get('/cgi-bin/stable_token') ?? 0) - before).toBe(1)
  })
})

describe('a BFF stopped with SIGTERM', () => {
  test('should tell its pages to reconnect (1012), finish the command in flight, and exit; the pages resync on another BFF and learn the verdict by id', async () => {
    // Another user than the SIGKILL test's, whose page sockets count against their own limits.
    const cookie = await loginThroughSandbox(stack.nginx.url, SECOND_USER)
    const leaving = stack.bffUrls[2]
    const readers = await Promise.all(Array.from({ length: 8 }, () => subscribed(leaving, cookie, SECOND_USERS_AC)))
    const writer = await subscribed(leaving, cookie, SECOND_USERS_AC)
    const codes = [...readers, writer].map(({ page: opened }) => new Promise<number>((resolve) => opened.socket.once('close', (code) => resolve(code))))
    const wanted = [18, 19, 27, 28].find((value) => value !== writer.setTemp)!

    writer.page.send({ cmd: 'c2s_write', req_sn: 1, id: 'graceful-cmd-0001', data: { did: SECOND_USERS_AC, attrs: { set_temp: wanted } } })
    // In flight: sent to the device and not yet answered (a SIGTERM racing the frame itself would find nothing to finish).
    expect((await writer.page.next<{ data: Record<string, unknown> }>(cmd('s2c_write_res'), 5000)).data).toMatchObject({ ok: true, state: 'sent' })
    await stack.killBff(2, 'SIGTERM')
    expect(await Promise.all(codes)).toEqual(Array(codes.length).fill(1012))
    expect(stack.bffExit(2)).toEqual({ code: 0, signal: null })
    expect(stack.output(2)).toContain('every command finished')

    // Back through nginx (the stopped BFF refuses connections, so nginx picks another), resynced, and the command
    // has its final verdict, which matches the device: graceful means nothing is left "queued" or half-known.
    const back = await Promise.all(Array.from({ length: codes.length }, () => subscribed(stack.nginx.url, cookie, SECOND_USERS_AC)))
    back[0].page.send({ cmd: 'c2s_command_status', data: { ids: ['graceful-cmd-0001'] } })
    const { data } = await back[0].page.next<{ data: { commands: Array<{ id: string; state: string }> } }>(cmd('s2c_command_status'), 5000)
    expect(['confirmed', 'expired', 'failed']).toContain(data.commands[0].state)
    expect(back[0].setTemp).toBe(data.commands[0].state === 'confirmed' ? wanted : writer.setTemp)
  })
})

// Last: it leaves one BFF running.
describe('a BFF killed with SIGKILL', () => {
  test('should let its many pages reconnect through nginx to the survivor, resync, and learn truthfully what became of every command in flight', async () => {
    // Two users, each with pages spread over both BFFs by nginx and a command in flight from a page on BFF-1.
    const users = await Promise.all([
      { openid: FIRST_USER, did: LIVING_ROOM_AC, id: 'failover-cmd-0001' },
      { openid: SECOND_USER, did: SECOND_USERS_AC, id: 'failover-cmd-0002' },
    ].map(async (user) => ({ ...user, cookie: await loginThroughSandbox(stack.nginx.url, user.openid) })))
    const spread = (await Promise.all(users.map((user) => Promise.all(Array.from({ length: PAGES_PER_USER }, () => subscribed(stack.nginx.url, user.cookie, user.did)))))).flat()
    const writers = await Promise.all(users.map(async (user) => {
      const opened = await subscribed(stack.bffUrls[0], user.cookie, user.did)
      return { ...user, ...opened, wanted: [18, 19, 27, 28].find((value) => value !== opened.setTemp)! }
    }))
    const closed = (recorder: FrameRecorder) => new Promise<'closed'>((resolve) => recorder.socket.once('close', () => resolve('closed')))
    const writersClosed = writers.map((writer) => closed(writer.page))
    const spreadClosed = spread.map(({ page: opened }) => closed(opened))

    for (const writer of writers) writer.page.send({ cmd: 'c2s_write', req_sn: 1, id: writer.id, data: { did: writer.did, attrs: { set_temp: writer.wanted } } })
    await stack.killBff(0)
    expect(await Promise.all(writersClosed)).toEqual(['closed', 'closed'])

    // Which pages were on the dead BFF: theirs close, the others still answer.
    const fates = await Promise.all(spread.map(async ({ page: opened }, index) => {
      if (opened.socket.readyState !== opened.socket.OPEN) return 'closed'
      opened.send({ cmd: 'c2s_command_status', data: { ids: ['failover-cmd-0001'] } })
      return Promise.race([spreadClosed[index], opened.next(cmd('s2c_command_status'), 10_000).then(() => 'answered' as const)])
    }))
    expect(fates.every((fate) => fate === 'closed' || fate === 'answered')).toBe(true)
    expect(fates.filter((fate) => fate === 'closed').length).toBeGreaterThan(0)

    for (const [index, writer] of writers.entries()) {
      // Every page of the dead BFF, and the writer, come back through nginx (which skips the dead upstream) and resync.
      const orphans = fates.slice(index * PAGES_PER_USER, (index + 1) * PAGES_PER_USER).filter((fate) => fate === 'closed').length + 1
      const back = await Promise.all(Array.from({ length: orphans }, () => subscribed(stack.nginx.url, writer.cookie, writer.did)))
      expect(back).toHaveLength(orphans)
      const device = back[0].setTemp

      // Still queued means the dead BFF had not sent it yet; once its write window has passed, the survivor reads
      // such a row as expired (nobody will ever send it), so the page asks again until the verdict is final.
      let state = 'queued'
      for (let round = 0; round < 100 && state === 'queued'; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 100))
        back[0].page.send({ cmd: 'c2s_command_status', data: { ids: [writer.id] } })
        const status = await back[0].page.next<{ data: { commands: Array<{ id: string; state: string }> } }>(cmd('s2c_command_status'), 5000)
        state = status.data.commands[0].state
      }
      // Never silently lost: the journal in PostgreSQL gives a final verdict, and it matches the device. Unknown (the
      // BFF died before recording it) and expired or failed are what the page shows as "not sent" (src/stores/commands.ts):
      // the device is as it was. A confirmed one is what the device holds; a sent one is the device's to confirm.
      expect(['sent', 'confirmed', 'expired', 'failed', 'unknown']).toContain(state)
      if (state === 'expired' || state === 'failed' || state === 'unknown') expect(device).toBe(writer.setTemp)
      if (state === 'confirmed') expect(device).toBe(writer.wanted)
    }
  })
})
