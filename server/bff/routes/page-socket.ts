// `/ws`: the page's live socket, a route of the signed-in scope, so the session cookie authenticates it before the
// upgrade; frames reuse the Gizwits app WebSocket's names and are checked against their schemas
// (src/shared/ws-frames.ts). The BFF pings every page and drops the silent ones. The relay (../relay/) does the
// work behind it: this file only turns frames into calls on the user's hub, within their limits.
// Frames are rate limited twice: per socket (what the BFF spends) and per user across their pages (what reaches
// the cloud). A refused frame is answered and nothing is forwarded; a socket that keeps flooding is closed.
import { Type } from 'typebox'
import type { WebSocket } from 'ws'
import { checkPageClientFrame, PageWsCloseCode, PageWsErrorCode, WriteErrorCode, type PageClientFrame } from '@shared/ws-frames'
import { COMMAND_SOURCE } from '@shared/commands'
import type { Context } from '../context'
import { localeFrom, translate } from '../i18n/messages'
import { TokenBucket } from '../relay/token-bucket'
import type { PageClient } from '../relay/user-hub'
import type { RouteScope } from './route-schemas'

const PING_EVERY_MS = 30_000

/** A socket cannot carry the page's Accept-Language, so the UI language travels in the query. */
const PageSocketQuery = Type.Object({ lang: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false })

export async function pageSocketRoute(app: RouteScope, context: Context): Promise<void> {
  const { limits } = context.hub
  app.get('/ws', { websocket: true, schema: { querystring: PageSocketQuery } }, (socket: WebSocket, request) => {
    const openid = request.openid
    const page: PageClient = {
      send: (text) => {
        if (socket.readyState === socket.OPEN) socket.send(text)
      },
      locale: localeFrom(request.query.lang ?? request.headers['accept-language']),
      close: (code, reason) => socket.close(code, reason),
    }
    const socketWrites = new TokenBucket(limits.writes)
    const socketFrames = new TokenBucket(limits.frames)
    let refusedInARow = 0
    /** Answers a frame over the limit, and closes a socket that has flooded long enough. */
    const limited = (frame: PageClientFrame | null): void => {
      if (frame?.cmd === 'c2s_write') {
        page.send(JSON.stringify({ cmd: 's2c_write_res', res_sn: frame.req_sn ?? 0, data: { did: frame.data.did, ok: false, ...(frame.id ? { id: frame.id } : {}), error_code: WriteErrorCode.RATE_LIMITED, msg: translate(page.locale, 'ws_rate_limited') } }))
      }
      context.hub.invalid(page, PageWsErrorCode.RATE_LIMITED, 'ws_rate_limited')
      if (++refusedInARow >= limits.closeAfterRefused) socket.close(PageWsCloseCode.FLOODING, 'too many frames')
    }
    const handle = (raw: unknown) => {
      if (socket.readyState !== socket.OPEN) return
      let parsed: unknown
      try {
        parsed = JSON.parse(String(raw))
      } catch {
        parsed = null
      }
      const frame = checkPageClientFrame(parsed) ? parsed : null
      // Writes have their own budget, so reads and pings cannot starve a tap (nor the reverse).
      if (!(frame?.cmd === 'c2s_write' ? socketWrites : socketFrames).take()) return limited(frame)
      if (!frame) return context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'bad_frame')
      const user = openid
      switch (frame.cmd) {
        case 'ping':
          break
        case 'c2s_write':
          if (!context.hub.allow(user, 'writes')) return limited(frame)
          break
        case 'c2s_read':
          if (!context.hub.allow(user, 'cloudReads')) return limited(frame)
          break
        case 'subscribe_req':
          if (context.hub.subscribeNeedsCloud(user, frame.data.map((item) => item.did)) && !context.hub.allow(user, 'cloudReads')) return limited(frame)
          break
        case 'c2s_command_status':
          break
      }
      refusedInARow = 0
      switch (frame.cmd) {
        case 'ping': return page.send('{"cmd":"pong"}')
        case 'subscribe_req': return void context.hub.subscribe(user, page, [...new Set(frame.data.map((item) => item.did))]).catch(() => context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'cloud_unavailable'))
        case 'c2s_read': return context.hub.read(user, page, frame.data.did)
        case 'c2s_write': return void context.hub.write(user, page, frame, COMMAND_SOURCE.PAGE).catch(() => context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'cloud_unavailable'))
        case 'c2s_command_status': return void context.hub.commandStatus(user, page, [...new Set(frame.data.ids)]).catch(() => context.hub.invalid(page, PageWsErrorCode.BAD_FRAME, 'cloud_unavailable'))
      }
    }
    context.hub.attach(openid, page)
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
      context.hub.detach(openid, page)
    })
  })
}
