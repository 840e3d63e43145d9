// `/ws`: the page's live socket. The session cookie authenticates it before the upgrade; frames reuse the Gizwits
// app WebSocket's names (src/shared/ws-frames.ts). The BFF pings every page and drops the silent ones.
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import { PageWsErrorCode, type PageClientFrame } from '@shared/ws-frames'
import type { Context } from '../context'
import { localeFrom } from '../i18n/messages'
import type { PageClient } from './user-hub'

const PING_EVERY_MS = 30_000
const MAX_SUBSCRIBE = 200

function isFrame(value: unknown): value is PageClientFrame {
  if (!value || typeof value !== 'object') return false
  const frame = value as Record<string, unknown>
  const data = frame.data as Record<string, unknown> | undefined
  const did = typeof data?.did === 'string' && data.did.length > 0 && data.did.length <= 64
  switch (frame.cmd) {
    case 'ping': return true
    case 'subscribe_req': return Array.isArray(frame.data) && frame.data.length <= MAX_SUBSCRIBE && frame.data.every((item) => typeof item?.did === 'string')
    case 'c2s_read': return did
    case 'c2s_write': return did && typeof data?.attrs === 'object' && data.attrs !== null && !Array.isArray(data.attrs) && (frame.req_sn === undefined || Number.isInteger(frame.req_sn))
    default: return false
  }
}

export async function pageSocketRoute(app: FastifyInstance, context: Context): Promise<void> {
  app.get('/ws', {
    websocket: true,
    preValidation: async (request) => {
      await context.requireSession(request)
    },
  }, (socket: WebSocket, request) => {
    const page: PageClient = {
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text)
      },
      locale: localeFrom((request.query as { lang?: string }).lang ?? request.headers['accept-language']),
    }
    let openid: string | null = null
    const queue: unknown[] = []
    const handle = (raw: unknown) => {
      if (!openid) return queue.push(raw)
      let frame: unknown
      try {
        frame = JSON.parse(String(raw))
      } catch {
        frame = null
      }
      if (!isFrame(frame)) return context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'bad_frame')
      switch (frame.cmd) {
        case 'ping': return page.send('{"cmd":"pong"}')
        case 'subscribe_req': return void context.hub.subscribe(openid, page, [...new Set(frame.data.map((item) => item.did))]).catch(() => context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'cloud_unavailable'))
        case 'c2s_read': return context.hub.read(openid, page, frame.data.did)
        case 'c2s_write': return void context.hub.write(openid, page, frame)
      }
    }
    // Listen at once: frames sent right after the upgrade must not be lost while the session is looked up.
    socket.on('message', handle)
    let alive = true
    socket.on('pong', () => (alive = true))
    const pinger = setInterval(() => {
      if (!alive) return socket.terminate()
      alive = false
      socket.ping()
    }, PING_EVERY_MS)
    socket.on('close', () => {
      clearInterval(pinger)
      if (openid) context.hub.detach(openid, page)
    })
    void context.sessionOf(request).then((session) => {
      if (!session) return socket.close(4401, 'not logged in')
      openid = session.openid
      context.hub.attach(openid, page)
      for (const raw of queue.splice(0)) handle(raw)
    })
  })
}
