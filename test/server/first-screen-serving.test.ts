// What the BFF does for a fast first screen (issue 11 §4): a menu link with a valid session goes straight to the
// page, without WeChat's authorize round trip; built assets go out as their brotli or gzip copy, cached for a
// year when their name carries their hash, and the copies are never served under their own names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FIRST_USER, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const ASSET = 'index-Ab12Cd34.js'
const SOURCE = `console.log(${JSON.stringify('设备'.repeat(400))})\n`
let backend: Backend
let dist: string

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'h5-dist-'))
  mkdirSync(join(dist, 'assets'))
  writeFileSync(join(dist, 'index.html'), `<!doctype html><html><head><script type="module" src="/assets/${ASSET}"></script></head><body></body></html>`)
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
  writeFileSync(join(dist, 'assets', ASSET), SOURCE)
  // Marked copies, so the test can tell which file went out.
  writeFileSync(join(dist, 'assets', `${ASSET}.br`), brotliCompressSync(`${SOURCE}//br`))
  writeFileSync(join(dist, 'assets', `${ASSET}.gz`), gzipSync(`${SOURCE}//gz`))
  writeFileSync(join(dist, 'assets', `${ASSET}.map`), '{}')
  backend = await startBackend({ distDir: dist })
})
afterAll(async () => {
  await backend.close()
  rmSync(dist, { recursive: true, force: true })
})

describe('a menu link', () => {
  test('should go straight to the page when the session is still valid', async () => {
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const response = await backend.app.inject({ url: '/auth/wechat/login?next=%2Fdevices%2Fabc', headers: { cookie } })
    expect(response.statusCode).toBe(302)
    expect(response.headers.location).toBe('/devices/abc')
    // No login was started: no state was issued for WeChat to bring back.
    expect(String(response.headers['set-cookie'] ?? '')).not.toContain('h5_oauth_state')
  })

  test('should keep the next safe on the short way too', async () => {
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const response = await backend.app.inject({ url: '/auth/wechat/login?next=%2F%2Fevil.example', headers: { cookie } })
    expect(response.headers.location).toBe('/')
  })

  test('should still go through WeChat without a session, or with one that is no longer valid', async () => {
    for (const cookie of [undefined, 'h5_session=forged.signature']) {
      const response = await backend.app.inject({ url: '/auth/wechat/login?next=%2F', headers: cookie ? { cookie } : {} })
      expect(response.statusCode).toBe(302)
      expect(response.headers.location).toContain('/connect/oauth2/authorize')
    }
  })
})

describe('what the BFF writes itself', () => {
  test('should compress JSON and the page for a browser that accepts it, and leave small bodies alone', async () => {
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const { devices } = (await backend.app.inject({ url: '/api/app/bindings?limit=100', headers: { cookie } })).json() as { devices: Array<{ product_key: string }> }
    const url = `/api/app/datapoint?product_key=${devices[0].product_key}`
    const plain = await backend.app.inject({ url, headers: { cookie } })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.headers.vary).toContain('accept-encoding')
    const br = await backend.app.inject({ url, headers: { cookie, 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2)
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json())
    const gz = await backend.app.inject({ url, headers: { cookie, 'accept-encoding': 'gzip' } })
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString())).toEqual(plain.json())

    const small = await backend.app.inject({ url: '/api/me', headers: { cookie, 'accept-encoding': 'br' } })
    expect(small.headers['content-encoding']).toBeUndefined()
    expect(small.json()).toMatchObject({ openid: FIRST_USER })
  })
})

describe('the built assets', () => {
  test('should go out as the copy the browser accepts, cached for a year', async () => {
    const br = await backend.app.inject({ url: `/assets/${ASSET}`, headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(`${SOURCE}//br`)
    expect(br.headers['content-type']).toContain('javascript')
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(br.headers.vary).toContain('accept-encoding')

    const gz = await backend.app.inject({ url: `/assets/${ASSET}`, headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.rawPayload).toString()).toBe(`${SOURCE}//gz`)

    const plain = await backend.app.inject({ url: `/assets/${ASSET}` })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body).toBe(SOURCE)
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable')
  })

  test('should never serve the copies or the source maps under their own names', async () => {
    for (const name of [`${ASSET}.br`, `${ASSET}.gz`, `${ASSET}.map`]) {
      expect((await backend.app.inject({ url: `/assets/${name}` })).statusCode, name).toBe(404)
    }
  })

  test('should cache an unhashed file for an hour and never the page itself', async () => {
    expect((await backend.app.inject({ url: '/favicon.svg' })).headers['cache-control']).toBe('public, max-age=3600')
    const page = await backend.app.inject({ url: '/', headers: { accept: 'text/html' } })
    expect(page.headers['cache-control']).toBe('no-cache')
  })
})
