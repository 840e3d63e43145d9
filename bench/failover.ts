// Failover: how long the pages of a BFF that goes away take to be live again on another — from the signal to each
// page's fresh snapshot (`s2c_noti` after its new subscribe_req) — with PAGES (200) pages on the BFF that goes, on
// real Redis, PostgreSQL and nginx (test/support/cluster-stack.ts), three BFFs. Each page reconnects as the SPA
// does (src/live/page-socket.ts: full-jitter backoff 100 ms–1 s after a drop, 50–500 ms after a graceful 1012),
// through nginx, which skips the instance that is gone. In the same run:
//   baseline — PAGES fresh pages opening at once through nginx on a healthy cluster (connect → snapshot);
//   SIGTERM  — the third BFF stopped gracefully (server/bff/cluster/graceful.ts);
//   SIGKILL  — the first BFF killed outright (its pages learn it from the dropped TCP connection).
// Run: npm run bench:failover   (PAGES=200; target: every page resynced within 2 s)
import WebSocket from 'ws'
import { backoffDelay } from '@shared/backoff'
import type { PageServerFrame } from '@shared/ws-frames'
import { FIRST_USER, LIVING_ROOM_AC } from '../test/support/backend'
import { startClusterStack, type ClusterStack } from '../test/support/cluster-stack'
import { loginThroughSandbox } from '../test/support/login'
import { ms, summarize } from './support/stats'

const PAGES = Number(process.env.PAGES ?? 200)
const TARGET_MS = 2000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The SPA's reconnect waits (src/live/page-socket.ts). */
const DROP = { baseMs: 1000, capMs: 5000 }
const RESTART = { baseMs: 500, capMs: 500, floorMs: 50 }

/**
 * A page as the SPA keeps it: subscribes on every open, and on a close reconnects through `reconnectUrl` after the
 * SPA's wait. `resynced` resolves with the time of the first snapshot after `since` was set.
 */
class Page {
  private socket!: WebSocket
  private attempts = 0
  private closed = false
  since = 0
  firstSnapshotAt = 0
  private wake: ((at: number) => void) | null = null

  constructor(private readonly url: string, private readonly reconnectUrl: string, private readonly headers: Record<string, string>) {}

  open(url = this.url): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: this.headers })
      this.socket = socket
      let snapshot = false
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as PageServerFrame
        // Many first subscriptions at once can meet the per-user cloud-read limit: asked again, as a page would.
        if (frame.cmd === 's2c_invalid_msg' && !snapshot) return void setTimeout(() => this.subscribe(), 300)
        if (frame.cmd !== 's2c_noti' || snapshot) return
        snapshot = true
        const at = performance.now()
        if (!this.firstSnapshotAt) this.firstSnapshotAt = at
        this.wake?.(at)
        this.wake = null
      })
      socket.once('open', () => {
        this.attempts = 0
        this.subscribe()
        resolve()
      })
      socket.once('error', (error) => reject(error))
      socket.once('close', (code) => {
        if (this.closed || this.socket !== socket) return
        const restart = code === 1012
        if (restart) this.attempts = 0
        setTimeout(() => void this.open(this.reconnectUrl).catch(() => {}), backoffDelay(this.attempts++, restart ? RESTART : DROP))
      })
    })
  }

  private subscribe(): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] }))
  }

  resynced(): Promise<number> {
    return new Promise((resolve) => (this.wake = resolve))
  }

  close(): void {
    this.closed = true
    this.socket.terminate()
  }
}

async function openPages(stack: ClusterStack, url: string, cookie: string): Promise<Page[]> {
  const pages: Page[] = []
  for (let i = 0; i < PAGES; i += 50) {
    const batch = Array.from({ length: Math.min(50, PAGES - i) }, () => new Page(url, stack.nginx.url, { cookie, origin: stack.nginx.url }))
    await Promise.all(batch.map(async (page) => {
      const first = page.resynced()
      await page.open()
      await first
    }))
    pages.push(...batch)
  }
  return pages
}

/** From the signal to every page's next snapshot; pages not back within 15 s count as lost. */
async function failover(stack: ClusterStack, index: number, signal: NodeJS.Signals, cookie: string): Promise<{ times: number[]; lost: number; pages: Page[] }> {
  const pages = await openPages(stack, stack.bffUrls[index], cookie)
  await sleep(500)
  const back = pages.map((page) => Promise.race([page.resynced(), sleep(15_000).then(() => null)]))
  const start = performance.now()
  // Not awaited: a graceful stop takes its time, and the pages' clock runs from the signal.
  void stack.killBff(index, signal)
  const at = await Promise.all(back)
  return { times: at.filter((value): value is number => value !== null).map((value) => value - start), lost: at.filter((value) => value === null).length, pages }
}

const stack = await startClusterStack({
  bffs: 3,
  env: { RATE_LIMITS: JSON.stringify({ socket: { user: { max: 1_000_000, windowMs: 60_000 }, ip: { max: 1_000_000, windowMs: 60_000 } } }) },
  nginxWorkerConnections: PAGES * 8 + 1024,
})
try {
  const cookie = await loginThroughSandbox(stack.nginx.url, FIRST_USER)
  // Baseline: fresh pages all at once through nginx on a healthy cluster.
  const fresh = Array.from({ length: PAGES }, () => new Page(stack.nginx.url, stack.nginx.url, { cookie, origin: stack.nginx.url }))
  const start = performance.now()
  await Promise.all(fresh.map(async (page) => {
    const first = page.resynced()
    await page.open()
    await first
  }))
  const baseline = fresh.map((page) => page.firstSnapshotAt - start)
  for (const page of fresh) page.close()

  const graceful = await failover(stack, 2, 'SIGTERM', cookie)
  const crash = await failover(stack, 0, 'SIGKILL', cookie)
  for (const page of [...graceful.pages, ...crash.pages]) page.close()

  console.log(`failover: ${PAGES} pages on the BFF that goes, 3 BFFs behind nginx on Redis + PostgreSQL, pages reconnecting as the SPA does`)
  const line = (label: string, times: number[], lost: number) => {
    const s = summarize(times)
    const within = times.filter((value) => value <= TARGET_MS).length
    console.log(`  ${label}: resynced ${times.length}/${PAGES}${lost ? ` (${lost} not back in 15 s)` : ''}, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(Math.max(...times))}, within 2 s: ${within}/${PAGES}`)
  }
  line('baseline (fresh pages, healthy cluster)', baseline, 0)
  line('SIGTERM (graceful stop)                ', graceful.times, graceful.lost)
  line('SIGKILL (crash)                        ', crash.times, crash.lost)
} finally {
  await stack.stop()
}
