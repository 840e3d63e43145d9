// A BFF's graceful stop, on SIGTERM (a deploy, a scale-in, systemd stop): in this order, so no user notices more
// than a reconnect —
//  1. stop accepting: the listening socket closes, so nginx's next connection is refused and goes to another BFF
//     (proxy_next_upstream error); requests already here finish;
//  2. tell the pages: each page socket closes with 1012 (service restart), and the SPA reconnects at once
//     (src/live/page-socket.ts) — through nginx, to another instance — resubscribes and asks after its commands;
//  3. finish the commands held here (UserHub.drain): each ends sent, confirmed or expired in the shared journal and
//     its outcome crosses the cluster bus to the page's new instance; whatever is still open after `maxMs` is left
//     to the journal, where any instance reads a queued row past its window as expired (never silently lost);
//  4. close the rest (Fastify's close: hooks, Redis, PostgreSQL).
import type { FastifyInstance } from 'fastify'
import type { Context } from '../context'

/** Longer than a write's window (3 s) plus a device's usual answer, short of systemd's default 90 s stop timeout. */
export const GRACEFUL_STOP_MS = 8000

export async function gracefulStop(app: FastifyInstance, context: Context, { maxMs = GRACEFUL_STOP_MS, log = (message: string) => console.log(message) } = {}): Promise<void> {
  // Stops listening now; its callback (every connection gone) is not waited for: the page sockets are closed below.
  app.server.close()
  const left = await context.hub.drain(maxMs)
  log(`bff: stopped accepting, pages told to reconnect, ${left === 0 ? 'every command finished' : `${left} command(s) left to the journal`}`)
  await app.close()
}
