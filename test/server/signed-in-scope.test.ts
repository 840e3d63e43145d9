// The signed-in scope (server/bff/http/authentication.ts): every route the app registers under /api, and /ws, refuses
// a request without a session — readably, before its body is read and before the cloud is asked — except the few
// public ones; and a signed-in request reaches its handler with the user as request.openid.
import type { RouteOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { FIRST_USER, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

/** /api routes anyone may call: the page asks for the wx.config signature before it knows who is signed in. */
const PUBLIC_API = ['GET /api/wechat/jssdk-config']

const routes: RouteOptions[] = []
let backend: Backend
beforeAll(async () => {
  backend = await startBackend({ onRoute: (route) => void routes.push(route) })
})
afterAll(async () => {
  await backend?.close()
})

describe('the signed-in scope', () => {
  test('should refuse every /api route but the public ones without a session, before the body is read or the cloud asked', async () => {
    const calls: string[] = []
    const client = backend.context.client
    const request = client.request.bind(client)
    client.request = ((method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, init?: { token?: string; body?: unknown }) => {
      calls.push(`${method} ${path}`)
      return request(method, path, init)
    }) as typeof client.request
    const signedIn = routes.flatMap((route) => (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD').map((method) => `${method} ${route.url}`))
      .filter((route) => route.includes(' /api/') && !PUBLIC_API.includes(route))
    expect(signedIn.length).toBeGreaterThan(20)
    for (const route of signedIn) {
      const [method, path] = route.split(' ')
      const url = path.replace(/:did/, 'gKufzxZwYeyd3Skbsb6mza').replace(/:id/, '1').replace(/:code/, 'abcdefgh12')
      // A body that is not even JSON: the refusal comes first, so it is never parsed (else this would be a 400).
      const response = await fetch(`${backend.bffUrl}${url}`, { method, headers: { origin: backend.bffUrl, 'content-type': 'application/json', 'accept-language': 'en' }, body: method === 'GET' ? undefined : '{not json' })
      expect([route, response.status]).toEqual([route, 401])
      expect(await response.json()).toMatchObject({ error_code: 'not_logged_in', message: expect.stringMatching(/sign|log/i) })
    }
    expect(calls).toEqual([])
    client.request = request
  })

  test('should keep the public routes public', async () => {
    expect((await fetch(`${backend.bffUrl}/healthz`)).status).toBe(200)
    const jssdk = await fetch(`${backend.bffUrl}/api/wechat/jssdk-config?url=${encodeURIComponent(`${backend.bffUrl}/`)}`)
    expect(jssdk.status).toBe(200)
    expect((await fetch(`${backend.bffUrl}/auth/wechat/login`, { redirect: 'manual' })).status).toBe(302)
  })

  test('should refuse /ws before the upgrade without a session, and open it with one', async () => {
    const status = (headers: Record<string, string>) => new Promise<number>((resolve) => {
      const socket = new WebSocket(`${backend.bffUrl.replace('http', 'ws')}/ws`, { headers })
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
      socket.once('open', () => {
        socket.close()
        resolve(101)
      })
      socket.once('error', () => resolve(0))
    })
    expect(await status({ origin: backend.bffUrl })).toBe(401)
    expect(await status({ origin: backend.bffUrl, cookie: 'h5_session=forged.signature' })).toBe(401)
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    expect(await status({ origin: backend.bffUrl, cookie })).toBe(101)
    const me = await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })
    expect(await me.json()).toMatchObject({ openid: FIRST_USER })
  })

  test('should look the session up once per request, for the rate limits and the sign-in check together', async () => {
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    const sessions = backend.context.sessions
    const get = sessions.get.bind(sessions)
    let lookups = 0
    sessions.get = (id) => {
      lookups++
      return get(id)
    }
    try {
      const response = await fetch(`${backend.bffUrl}/api/products`, { headers: { cookie } })
      expect(response.status).toBe(200)
      // /api/products has a per-user limit: its hook asks for the user twice (signed in? which key?), then the
      // signed-in check asks again; all three share one look-up.
      expect(lookups).toBe(1)
    } finally {
      sessions.get = get
    }
  })
})
