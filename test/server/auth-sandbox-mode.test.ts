// The BFF as `npm start` runs it with no configuration (sandbox mode), on real sockets: generated secrets kept in
// DATA_DIR so a restart keeps everyone logged in, and forwarded headers ignored unless TRUST_PROXY says otherwise.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, test } from 'vitest'
import { buildApp } from '../../server/bff/app'
import { keepSecretsInDataDir, loadConfig, SECRET_FILES } from '../../server/bff/config'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, startTestSandbox } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h5-sbxmode-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function sandbox(): Promise<Sandbox> {
  const started = await startTestSandbox()
  cleanups.push(() => started.close())
  return started
}

/** What main.ts does in sandbox mode, minus building the SPA: a small index.html stands in for dist/. */
async function startBff(dataDir: string, stand: Sandbox, env: Record<string, string> = {}): Promise<{ app: FastifyInstance; url: string }> {
  const config = loadConfig({ DATA_DIR: dataDir, ...env })
  keepSecretsInDataDir(config)
  config.gizwits.apiBase = stand.url
  config.wechat.apiBase = stand.url
  config.sandboxPort = stand.port
  for (const product of stand.products) config.gizwits.products.set(product.product_key, product.product_secret)
  const distDir = join(dataDir, 'dist')
  mkdirSync(distDir, { recursive: true })
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>')
  const { app } = await buildApp(config, { distDir })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` }
}

describe('sandbox mode', () => {
  test('should keep everyone logged in across a restart, with the generated secrets in DATA_DIR (600)', async () => {
    const dataDir = tempDir()
    const stand = await sandbox()
    const first = await startBff(dataDir, stand)
    const cookie = await loginThroughSandbox(first.url, FIRST_USER)
    expect((await fetch(`${first.url}/api/me`, { headers: { cookie } })).status).toBe(200)
    await first.app.close()

    const second = await startBff(dataDir, stand)
    cleanups.push(() => second.app.close())
    const me = await fetch(`${second.url}/api/me`, { headers: { cookie } })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ openid: FIRST_USER })
    for (const name of Object.values(SECRET_FILES)) {
      const file = join(dataDir, name)
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600')
      expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/)
    }
    expect((statSync(join(dataDir, 'app.db')).mode & 0o777).toString(8)).toBe('600')
  })

  test('should not reflect a forged X-Forwarded-Host into the page, the OAuth redirect or anything else by default', async () => {
    const stand = await sandbox()
    const bff = await startBff(tempDir(), stand)
    cleanups.push(() => bff.app.close())
    const forged = { 'x-forwarded-host': 'evil.example"><script>alert(1)</script>', 'x-forwarded-proto': 'https' }
    const page = await fetch(`${bff.url}/devices`, { headers: forged })
    const html = await page.text()
    expect(html).toContain(`<script src="http://127.0.0.1:${stand.port}/sandbox/wechat/bridge.js"`)
    expect(html).not.toContain('evil.example')
    const login = await fetch(`${bff.url}/auth/wechat/login`, { headers: forged, redirect: 'manual' })
    const location = login.headers.get('location')!
    expect(decodeURIComponent(location)).not.toContain('evil.example')
    expect(decodeURIComponent(location)).toContain(`redirect_uri=${bff.url}/auth/wechat/callback`)
  })

  test('should believe forwarded headers only when TRUST_PROXY says so, and even then keep them text in the page', async () => {
    const stand = await sandbox()
    const bff = await startBff(tempDir(), stand, { TRUST_PROXY: '127.0.0.1' })
    cleanups.push(() => bff.app.close())
    const html = await (await fetch(`${bff.url}/`, { headers: { 'x-forwarded-host': 'proxy.example"><script>alert(1)</script>' } })).text()
    expect(html).toContain('http://proxy.example&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;')
    expect(html).not.toContain('<script>alert(1)')
    const login = await fetch(`${bff.url}/auth/wechat/login`, { headers: { 'x-forwarded-host': 'proxy.example', 'x-forwarded-proto': 'https' }, redirect: 'manual' })
    expect(decodeURIComponent(login.headers.get('location')!)).toContain('redirect_uri=https://proxy.example/auth/wechat/callback')
  })
})
