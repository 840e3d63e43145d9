// What every request meets before a route (issue 9): only our own pages may change things (Origin, on requests and
// on the page socket's upgrade), bodies are JSON or nothing, each group of routes is rate-limited per user and per
// address with a readable 429, guessed device ids cost the cloud nothing, answers carry security headers, and source
// maps are not served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import WebSocket from 'ws'
import { buildApp } from '../../server/bff/app'
import { loadConfig } from '../../server/bff/config'
import { body, FIRST_USER, LIVING_ROOM_AC, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

let backend: Backend
let cookie: string
beforeAll(async () => {
  backend = await startBackend()
  cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
})
afterAll(async () => {
  await backend.close()
})

const upgradeStatus = (headers: Record<string, string>) =>
  new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(`${backend.bffUrl.replace('http', 'ws')}/ws`, { headers })
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
    socket.once('open', () => {
      socket.close()
      resolve(101)
    })
    socket.once('error', reject)
  })

describe('only our own pages change things', () => {
  test('should refuse a cross-site form that transfers a device, and transfer nothing', async () => {
    // What a sibling site's page sends: a text/plain form POST with the victim's cookie (SameSite=Lax lets it by).
    const path = `/api/app/sharing/${LIVING_ROOM_AC}/transfer?uid=attacker0uid`
    for (const origin of ['http://localhost:8099', 'null', `${backend.bffUrl}.evil.example`]) {
      const response = await fetch(`${backend.bffUrl}${path}`, { method: 'POST', headers: { cookie, origin, 'content-type': 'text/plain' }, body: 'x=1' })
      expect(response.status).toBe(403)
      expect(await body(response)).toMatchObject({ error_code: 'origin_refused', message: '请求不是从本应用的页面发出的，已拒绝' })
    }
    const english = await fetch(`${backend.bffUrl}${path}`, { method: 'POST', headers: { cookie, 'accept-language': 'en' } })
    expect(english.status).toBe(403)
    expect((await body(english)).message).toBe('This request did not come from a page of this app and was refused')
    const devices = (await body(await fetch(`${backend.bffUrl}/api/app/bindings`, { headers: { cookie } }))).devices as Array<{ did: string; role: string }>
    expect(devices.find((device) => device.did === LIVING_ROOM_AC)?.role).toBe('owner')
  })

  test('should refuse a body that is not JSON, even from our own origin', async () => {
    const response = await fetch(`${backend.bffUrl}/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', headers: { ...backend.page(cookie), 'content-type': 'text/plain' }, body: '{"attrs":{"switch":true}}' })
    expect(response.status).toBe(415)
    expect((await body(response)).message).toBe('请求的格式不对，只接受 JSON')
  })

  test('should take application/json with no body as no body, as Gizwits\' own SDKs send it', async () => {
    const response = await fetch(`${backend.bffUrl}/api/app/bindings`, { headers: { cookie, 'content-type': 'application/json' } })
    expect(response.status).toBe(200)
    const logout = await fetch(`${backend.bffUrl}/auth/logout`, { method: 'POST', headers: { ...backend.page(await loginThroughSandbox(backend.bffUrl, FIRST_USER)), 'content-type': 'application/json' } })
    expect(logout.status).toBe(204)
  })

  test('should refuse a cross-site logout', async () => {
    const own = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    expect((await fetch(`${backend.bffUrl}/auth/logout`, { method: 'POST', headers: { cookie: own, origin: 'http://localhost:8099' } })).status).toBe(403)
    expect((await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie: own } })).status).toBe(200)
  })

  test('should open the page socket for our origin only', async () => {
    expect(await upgradeStatus({ cookie, origin: backend.bffUrl })).toBe(101)
    expect(await upgradeStatus({ cookie, origin: 'http://localhost:8099' })).toBe(403)
    expect(await upgradeStatus({ cookie })).toBe(403)
  })

  test('should refuse unknown and oversized fields instead of passing them on', async () => {
    const control = vi.spyOn(backend.context.client, 'control')
    try {
      const post = (json: unknown) => fetch(`${backend.bffUrl}/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', headers: { ...backend.page(cookie), 'content-type': 'application/json' }, body: JSON.stringify(json) })
      expect((await post({ attrs: { switch: true }, junk: 'x'.repeat(500) })).status).toBe(400)
      expect((await post({ attrs: { switch: 'x'.repeat(300_000) } })).status).toBe(413)
      const deep = `{"attrs":{"switch":${'{"a":'.repeat(5000)}true${'}'.repeat(5000)}}}`
      const deepResponse = await fetch(`${backend.bffUrl}/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', headers: { ...backend.page(cookie), 'content-type': 'application/json' }, body: deep })
      expect(deepResponse.status).toBe(400)
      expect((await body(deepResponse)).message).toMatch(/^请求有误/)
      expect(control).not.toHaveBeenCalled()
    } finally {
      control.mockRestore()
    }
    const sharing = await fetch(`${backend.bffUrl}/api/app/sharing`, { method: 'POST', headers: { ...backend.page(cookie), 'content-type': 'application/json' }, body: JSON.stringify({ type: 0, did: LIVING_ROOM_AC, uid: 'someone', note: 'hi' }) })
    expect(sharing.status).toBe(400)
  })
})

describe('rate limits', () => {
  test('should stop a flood of controls from one user with a readable 429, forwarding only what fits', async () => {
    const flooder = await loginThroughSandbox(backend.bffUrl, 'oDemo_XiaoHong_3bN7cR2tY8uI')
    const control = vi.spyOn(backend.context.client, 'control')
    try {
      const statuses: number[] = []
      let limited: Response | null = null
      for (let i = 0; i < 40; i++) {
        const response = await fetch(`${backend.bffUrl}/api/app/control/Ac0dQwZw6uU2vNa5Ye8TcL`, { method: 'POST', headers: { ...backend.page(flooder), 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { set_temp: 20 + (i % 5) } }) })
        statuses.push(response.status)
        if (response.status === 429) limited ??= response
        else await response.arrayBuffer()
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(30)
      expect(statuses.slice(30).every((status) => status === 429)).toBe(true)
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await body(limited!)).toMatchObject({ error_code: 'rate_limited', message: expect.stringMatching(/^操作太频繁，请 \d+ 秒后再试$/) })
      expect(control).toHaveBeenCalledTimes(30)
    } finally {
      control.mockRestore()
    }
    // Another user is not affected.
    expect((await fetch(`${backend.bffUrl}/api/app/bindings`, { headers: { cookie } })).status).toBe(200)
  })
})

describe('guessed device ids', () => {
  test('should not read the user\'s bindings from the cloud once per guess', async () => {
    const reader = cookie
    const reads = vi.spyOn(backend.context.client, 'getAllBindings')
    try {
      for (let guess = 0; guess < 40; guess++) {
        const response = await fetch(`${backend.bffUrl}/api/app/devdata/Guess${String(guess).padStart(17, '0')}/latest`, { headers: { cookie: reader } })
        expect(response.status).toBe(404)
      }
      expect(reads.mock.calls.length).toBeLessThanOrEqual(2)
    } finally {
      reads.mockRestore()
    }
  })
})

describe('headers and files', () => {
  let dir: string
  let app: Awaited<ReturnType<typeof buildApp>>['app'] | undefined
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'h5-dist-'))
    mkdirSync(join(dir, 'dist', 'assets'), { recursive: true })
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><html><head><title>t</title></head><body><script type="module" src="/assets/app.js"></script></body></html>')
    writeFileSync(join(dir, 'dist', 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'dist', 'assets', 'app.js.map'), '{"version":3,"sources":["secret.ts"]}')
    writeFileSync(join(dir, 'dist', 'favicon.svg.map'), '{}')
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), PUBLIC_URL: 'https://h5.example.com' })
    app = (await buildApp(config, { distDir: join(dir, 'dist') })).app
  })
  afterAll(async () => {
    await app?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('should send a CSP that allows our own scripts only, forbid framing, and not sniff', async () => {
    const page = await app!.inject({ url: '/devices' })
    expect(page.statusCode).toBe(200)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toMatch(/script-src 'self'/)
    expect(csp).not.toContain('unsafe-eval')
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.headers['strict-transport-security']).toMatch(/max-age=\d+/)
    // On the sandbox the WeChat client stand-in's script comes from the sandbox's port, and only that is added.
    const sandboxApp = (await buildApp(loadConfig({ DATA_DIR: join(dir, 'data-sandbox') }), { distDir: join(dir, 'dist') })).app
    try {
      const sandboxPage = await sandboxApp.inject({ url: '/', headers: { host: 'localhost:8080' } })
      expect(String(sandboxPage.headers['content-security-policy'])).toContain("script-src 'self' http://localhost:8081")
      expect(sandboxPage.headers['strict-transport-security']).toBeUndefined()
    } finally {
      await sandboxApp.close()
    }
  })

  test('should serve scripts but never their source maps', async () => {
    expect((await app!.inject({ url: '/assets/app.js' })).statusCode).toBe(200)
    expect((await app!.inject({ url: '/assets/app.js.map' })).statusCode).toBe(404)
    expect((await app!.inject({ url: '/favicon.svg.map' })).statusCode).toBe(404)
  })
})

// Last: it spends this address's logins.
describe('login limits', () => {
  test('should limit logins per address, so a script cannot spend our WeChat and Gizwits calls', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 35; i++) statuses.push((await fetch(`${backend.bffUrl}/auth/wechat/login`, { redirect: 'manual' })).status)
    expect(statuses.filter((status) => status === 302).length).toBeLessThanOrEqual(30)
    expect(statuses.at(-1)).toBe(429)
  })
})
