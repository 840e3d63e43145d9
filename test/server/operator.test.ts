// The operators' page and /metrics (server/bff/ops/), over real HTTP with the sandbox and the vendor's worker: the
// token sign-in (wrong token refused, the cookie tied to the token), an operator WeChat user let in through the
// normal login, any other signed-in user refused with 403 and nothing of the figures, and the figures moving when a
// command is confirmed and an alert fires. /metrics is Prometheus' text format on METRICS_PORT only: the public
// port answers 404 for it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadConfig } from '../../server/bff/config'
import type { OpsFigures } from '../../server/bff/ops/figures'
import { cmd, FIRST_USER, FrameRecorder, json, LIVING_ROOM_AC, SECOND_USER, type Backend } from '../support/backend'
import { startBackendWithWorker, type BackendWithWorker } from '../support/backend-with-worker'
import { freePort } from '../support/free-port'
import { loginThroughSandbox } from '../support/login'

const TOKEN = 'ops-token-0123456789abcdefghij'
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let stack: BackendWithWorker
let backend: Backend
let metricsPort: number

beforeAll(async () => {
  metricsPort = await freePort()
  stack = await startBackendWithWorker({}, { env: { OPERATOR_TOKEN: TOKEN, OPERATOR_OPENIDS: SECOND_USER, METRICS_PORT: String(metricsPort) } })
  backend = stack.backend
})
afterAll(async () => {
  await stack?.close()
})

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${backend.bffUrl}${path}`, { headers: { 'accept-language': 'zh-CN', ...headers } })
const signIn = (token: string) => fetch(`${backend.bffUrl}/ops/login`, { method: 'POST', headers: { origin: backend.bffUrl, 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify({ token }) })
async function tokenCookie(): Promise<string> {
  const response = await signIn(TOKEN)
  expect(response.status).toBe(204)
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('h5_ops='))
  expect(cookie).toMatch(/HttpOnly/i)
  expect(cookie).toMatch(/SameSite=Strict/i)
  return cookie!.split(';')[0]
}

describe('who may see the operator page', () => {
  test('nobody signed in: the login form (401), no figures; the API parts answer 401 as JSON', async () => {
    const page = await get('/ops')
    expect(page.status).toBe(401)
    const html = await page.text()
    expect(html).toContain('运维口令')
    expect(html).toContain('/auth/wechat/login?next=%2Fops')
    expect(html).not.toContain('data-figure')
    const figures = await get('/ops/figures', { 'accept-language': 'en' })
    expect(figures.status).toBe(401)
    expect(await figures.json()).toMatchObject({ error_code: 'not_logged_in', message: 'Please log in first' })
    expect((await get('/ops/panel')).status).toBe(401)
  })

  test('a wrong token is refused readably; the right one opens the page with a cookie of its own', async () => {
    const wrong = await signIn('ops-token-0123456789abcdefghiX')
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toMatchObject({ error_code: 'operator_token_wrong', message: 'That operator token is not right' })
    expect(wrong.headers.getSetCookie()).toEqual([])
    const cookie = await tokenCookie()
    const page = await get('/ops', { cookie })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const html = await page.text()
    expect(html).toContain('运维看板')
    expect(html).toContain('data-figure="commands"')
    expect(html).toContain('id="ops-logout"')
    // A forged or altered cookie is nobody.
    expect((await get('/ops/figures', { cookie: cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).status).toBe(401)
    // Signing out ends it for this browser.
    const out = await fetch(`${backend.bffUrl}/ops/logout`, { method: 'POST', headers: { origin: backend.bffUrl, cookie, 'content-type': 'application/json' }, body: '{}' })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie().join()).toMatch(/h5_ops=;/)
  })

  test('a WeChat user in OPERATOR_OPENIDS comes in through the normal login; any other user gets 403 and nothing', async () => {
    const operator = await loginThroughSandbox(backend.bffUrl, SECOND_USER, '/ops')
    const page = await get('/ops', { cookie: operator })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('data-figure="instances"')
    expect(html).not.toContain('id="ops-logout"')

    const user = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const refused = await get('/ops', { cookie: user })
    expect(refused.status).toBe(403)
    const refusedHtml = await refused.text()
    expect(refusedHtml).toContain('这里只对运维人员开放')
    expect(refusedHtml).not.toContain('data-figure')
    for (const path of ['/ops/figures', '/ops/panel']) {
      const response = await get(path, { cookie: user, 'accept-language': 'en' })
      expect([path, response.status]).toEqual([path, 403])
      expect(await response.json()).toMatchObject({ error_code: 'operator_only', message: 'This is for the operators only' })
    }
    // The user's own session does not stand in for the token either.
    expect((await get('/ops/figures', { cookie: `${user}; h5_ops=nonsense` })).status).toBe(403)
  })
})

describe('the figures', () => {
  test('move when a command is confirmed and an alert fires, and list this instance with its page', async () => {
    const cookie = await tokenCookie()
    const figures = async () => json<OpsFigures>(await get('/ops/figures', { cookie }))
    const before = await figures()

    const owner = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, backend.page(owner))
    await page.next(cmd('s2c_cloud_status'))
    page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
    await page.next(cmd('subscribe_res'))
    page.send({ cmd: 'c2s_write', req_sn: 1, id: 'ops-test-command-1', data: { did: LIVING_ROOM_AC, attrs: { set_temp: 25 } } })
    await page.next((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 1)
    await expect.poll(async () => (await figures()).commands.total.confirmed, { timeout: 5000 }).toBe((before.commands.total.confirmed ?? 0) + 1)
    const during = await figures()
    expect(during.commands.total.sent).toBe((before.commands.total.sent ?? 0) + 1)
    expect(during.commands.perMinute.at(-1)!.confirmed).toBeGreaterThanOrEqual(1)
    expect(during.instances).toHaveLength(1)
    expect(during.instances[0]).toMatchObject({ role: 'bff+worker', connections: { pages: 1, cloudLinks: 1, users: 1 } })
    expect(during.stream).toMatchObject({ workers: 1, connected: 1 })

    // An over-limit rule crossed: the worker counts the alert, and its notice by the channel it went out on.
    const rule = await fetch(`${backend.bffUrl}/api/devices/${PLANT}/alert-rules`, { method: 'PUT', headers: { ...backend.page(owner), 'content-type': 'application/json' }, body: JSON.stringify({ attr: 'soil_humidity', op: 'below', threshold: 30 }) })
    expect(rule.status).toBe(200)
    await fetch(`${backend.sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: 12 } }) })
    await expect.poll(async () => (await figures()).alerts.fire ?? 0, { timeout: 5000 }).toBe((before.alerts.fire ?? 0) + 1)
    await stack.worker.flushNotices()
    const after = await figures()
    expect(after.notices.template).toBe((before.notices.template ?? 0) + 1)
    expect(after.wechat.sent).toBe(before.wechat.sent + 1)
    expect(after.wechat.quota).toMatchObject({ daily_limit: 100_000, used: 1, remain: 99_999 })
    expect(after.stream.events).toBeGreaterThan(before.stream.events)
    expect(after.stream.lagSeconds).not.toBeNull()
    await expect.poll(async () => (await figures()).devices?.online24h ?? 0, { timeout: 5000 }).toBeGreaterThanOrEqual(1)

    // A refusal of the cloud is counted by its code, where the Open API client reads it (a token Gizwits rejects).
    await expect(backend.context.client.request('GET', `/app/devices/${LIVING_ROOM_AC}`, { token: 'not-a-token' })).rejects.toThrow()
    const sum = (codes: Record<string, number>) => Object.values(codes).reduce((total, count) => total + count, 0)
    expect(sum((await figures()).errors.gizwits)).toBe(sum(before.errors.gizwits) + 1)

    // The page itself shows them, as the panel the page refreshes.
    const panel = await (await get('/ops/panel', { cookie })).text()
    expect(panel).toMatch(/data-value="total-confirmed">\d+</)
    expect(panel).toContain(`data-value="alerts-fired">${after.alerts.fire}<`)
    page.close()
  })
})

describe('/metrics', () => {
  test('is Prometheus text on METRICS_PORT (127.0.0.1) with the same figures, and 404 on the public port', async () => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    // Every sample line parses as `name{labels} value`, and each family has its HELP and TYPE.
    const samples = new Map<string, number>()
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line)
      expect(match, line).not.toBeNull()
      samples.set(`${match![1]}${match![2] ?? ''}`, Number(match![3]))
    }
    for (const family of ['h5_commands_total', 'h5_alerts_total', 'h5_notices_total', 'h5_snoti_lag_seconds', 'h5_devices_online', 'h5_pages_connected', 'h5_wechat_template_quota', 'h5_process_resident_memory_bytes']) {
      expect(text, family).toContain(`# TYPE ${family} `)
    }
    expect(samples.get('h5_commands_total{state="confirmed"}')).toBeGreaterThanOrEqual(1)
    expect(samples.get('h5_alerts_total{edge="fire",source="rule"}')).toBeGreaterThanOrEqual(1)
    expect(samples.get('h5_notices_total{channel="template"}')).toBeGreaterThanOrEqual(1)
    expect(samples.get('h5_snoti_connected')).toBe(1)
    expect(samples.get('h5_wechat_template_quota{kind="remain"}')).toBe(99_999)
    expect([...samples.keys()].some((key) => key.startsWith('h5_gizwits_errors_total{code='))).toBe(true)

    // Only there: the public port has no /metrics, signed in or not, and the metrics port nothing else.
    expect((await fetch(`${backend.bffUrl}/metrics`)).status).toBe(404)
    expect((await fetch(`${backend.bffUrl}/metrics`, { headers: { cookie: await tokenCookie() } })).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${metricsPort}/ops`)).status).toBe(404)
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404)
  })
})

describe('the settings', () => {
  test('keep only the token\'s hash, refuse a short token or a malformed openid, and leave /metrics off unless asked', () => {
    const config = loadConfig({ OPERATOR_TOKEN: TOKEN, OPERATOR_OPENIDS: `${SECOND_USER}, ${FIRST_USER}` })
    expect(JSON.stringify({ ...config, operator: { tokenHash: config.operator.tokenHash?.toString('hex'), openids: [...config.operator.openids] } })).not.toContain(TOKEN)
    expect([...config.operator.openids]).toEqual([SECOND_USER, FIRST_USER])
    expect(config.metrics).toEqual({ port: null, host: '127.0.0.1' })
    expect(() => loadConfig({ OPERATOR_TOKEN: 'short' })).toThrow(/OPERATOR_TOKEN: must be at least 24/)
    expect(() => loadConfig({ OPERATOR_OPENIDS: 'o<script>' })).toThrow(/OPERATOR_OPENIDS/)
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/)
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 9464, host: '10.0.0.5' })
  })
})
