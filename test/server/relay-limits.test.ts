// /ws frame limits: a user's writes (across all their pages) and each socket's frames go through token buckets;
// what is over the limit is answered in the page's language and never reaches the cloud; a flood closes the socket.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { PageWsCloseCode, PageWsErrorCode } from '@shared/ws-frames'
import { DEFAULT_RELAY_LIMITS } from '../../server/bff/relay/token-bucket'
import { FIRST_USER, FrameRecorder, LIVING_ROOM_AC, cmd, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
let cookie: string
const pages: FrameRecorder[] = []

beforeAll(async () => {
  // The production bursts with a slow refill: a loaded machine must not refill the bucket while the test sends.
  backend = await startBackend({ relay: { limits: { writes: { ...DEFAULT_RELAY_LIMITS.writes, perSecond: 0.2 }, frames: { ...DEFAULT_RELAY_LIMITS.frames, perSecond: 0.4 } } } })
  cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
})
afterEach(() => {
  for (const page of pages.splice(0)) page.close()
})
afterAll(async () => {
  await backend.close()
})

async function subscribed(lang = 'zh-CN'): Promise<FrameRecorder> {
  const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws?lang=${lang}`, { cookie, origin: backend.bffUrl })
  pages.push(page)
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  await page.next(cmd('s2c_noti'))
  return page
}

type WriteRes = { res_sn: number; data: { ok: boolean; error_code?: string; msg?: string } }

async function results(page: FrameRecorder, count: number): Promise<WriteRes[]> {
  const answers: WriteRes[] = []
  while (answers.length < count) answers.push(await page.next<WriteRes>(cmd('s2c_write_res'), 5000))
  return answers
}

describe('/ws frame limits', () => {
  test('should forward a user\'s writes only up to the limit shared by all their pages, and refuse the rest readably', async () => {
    const one = await subscribed()
    const two = await subscribed('en')
    const perPage = DEFAULT_RELAY_LIMITS.writes.burst
    for (let sn = 1; sn <= perPage; sn++) {
      one.send({ cmd: 'c2s_write', req_sn: sn, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 16 + (sn % 10) } } })
      two.send({ cmd: 'c2s_write', req_sn: sn, data: { did: LIVING_ROOM_AC, attrs: { set_temp: 16 + (sn % 10) } } })
    }
    const answers = [...(await results(one, perPage)), ...(await results(two, perPage))]
    const sent = answers.filter((answer) => answer.data.ok)
    const refused = answers.filter((answer) => !answer.data.ok)
    // Each page alone is within its own socket's limit: only the per-user bucket can refuse, and it must.
    expect(refused.length).toBeGreaterThan(0)
    expect(sent.length).toBeLessThan(2 * perPage)
    expect(new Set(refused.map((answer) => answer.data.error_code))).toEqual(new Set(['rate_limited']))
    // Which page's writes are refused depends on how the two sockets interleave; each refusal is in its page's language.
    const messages = { 0: '操作太频繁，这次没有发出，请稍后再试', 1: 'Too many actions at once; this one was not sent, please try again shortly' }
    answers.forEach((answer, index) => {
      if (!answer.data.ok) expect(answer.data.msg).toBe(messages[index < perPage ? 0 : 1])
    })
    expect(one.frames.concat(two.frames).filter((frame) => frame.cmd === 's2c_invalid_msg').map((frame) => (frame.data as { error_code: number }).error_code))
      .toEqual(refused.map(() => PageWsErrorCode.RATE_LIMITED))

    // Every write that went through is answered by the device with its req_sn; the refused ones never reached it.
    const answeredSns = () => [one, two].flatMap((page, index) => page.frames.filter((frame) => frame.cmd === 's2c_noti' && frame.res_sn !== undefined).map((frame) => `${index}:${String(frame.res_sn)}`))
    const sentSns = answers.map((answer, index) => ({ answer, page: index < perPage ? 0 : 1 })).filter(({ answer }) => answer.data.ok).map(({ answer, page }) => `${page}:${answer.res_sn}`)
    await expect.poll(() => answeredSns().length, { timeout: 5000 }).toBe(sent.length)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(answeredSns().sort()).toEqual(sentSns.sort())
  })

  test('should close a socket that keeps flooding, with a clear close code', async () => {
    const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, { cookie, origin: backend.bffUrl })
    pages.push(page)
    const closed = new Promise<{ code: number; reason: string }>((resolve) => page.socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })))
    const flood = DEFAULT_RELAY_LIMITS.frames.burst + DEFAULT_RELAY_LIMITS.closeAfterRefused + 20
    for (let i = 0; i < flood; i++) page.send({ cmd: 'ping' })
    expect(await closed).toEqual({ code: PageWsCloseCode.FLOODING, reason: 'too many frames' })
    expect(page.frames.filter((frame) => frame.cmd === 'pong').length).toBeLessThan(flood)
  })
})
