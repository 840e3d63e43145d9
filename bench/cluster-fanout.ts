// Fan-out across the cluster: the same pages behind nginx on ONE BFF vs spread over TWO BFFs (round robin), both
// on real Redis and PostgreSQL (test/support/cluster-stack.ts), in one run. A device report goes in through the
// sandbox's report hook and every page's receipt is timed. Each BFF holding pages of the user keeps its own cloud
// socket, so a report reaches every instance from the cloud; what two BFFs change is the load per process.
// Run: npm run bench:cluster-fanout   (PAGES=2000 MESSAGES=50 INTERVAL_MS=100 to change the load)
import WebSocket from 'ws'
import type { PageServerFrame } from '@shared/ws-frames'
import { FIRST_USER, LIVING_ROOM_AC } from '../test/support/backend'
import { startClusterStack, type ClusterStack } from '../test/support/cluster-stack'
import { loginThroughSandbox } from '../test/support/login'
import { ms, rssMiB, summarize } from './support/stats'

const PAGES = Number(process.env.PAGES ?? 2000)
const MESSAGES = Number(process.env.MESSAGES ?? 50)
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 100)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Run { bffs: number; delivered: number; sent: number; latencies: number[]; kibPerPage: number; rss: number[] }

/** Distinct values of room_temp (−30…50, step 0.1) identify each message. */
const valueOf = (seq: number) => Math.round((seq % 800) - 300) / 10

const totalRss = (stack: ClusterStack) => stack.bffPids().reduce<number>((sum, pid) => sum + (pid ? rssMiB(pid) : 0), 0)

async function run(bffs: number): Promise<Run> {
  const stack = await startClusterStack({
    bffs,
    // Thousands of pages of one user are the load here, not abuse: the per-user socket limit is lifted.
    env: { RATE_LIMITS: JSON.stringify({ socket: { user: { max: 1_000_000, windowMs: 60_000 }, ip: { max: 1_000_000, windowMs: 60_000 } } }) },
    nginxWorkerConnections: PAGES * 2 + 1024,
  })
  try {
    const cookie = await loginThroughSandbox(stack.nginx.url, FIRST_USER)
    const before = totalRss(stack)
    const sockets: WebSocket[] = []
    let subscribed = 0
    const sentAt = new Map<number, number>()
    const latencies: number[] = []
    for (let i = 0; i < PAGES; i += 100) {
      const batch = Array.from({ length: Math.min(100, PAGES - i) }, () => new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(`${stack.nginx.url.replace('http', 'ws')}/ws`, { headers: { cookie, origin: stack.nginx.url } })
        let snapshot = false
        socket.on('message', (data) => {
          const frame = JSON.parse(String(data)) as PageServerFrame
          // Many first subscriptions at once can meet the per-user cloud-read limit: retry as the page would.
          if (frame.cmd === 's2c_invalid_msg' && !snapshot) {
            setTimeout(() => socket.send(JSON.stringify({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })), 500)
            return
          }
          if (frame.cmd !== 's2c_noti') return
          if (!snapshot) {
            snapshot = true
            subscribed++
            return
          }
          const started = sentAt.get(frame.data.attrs.room_temp as number)
          if (started !== undefined) latencies.push(performance.now() - started)
        })
        socket.once('open', () => {
          socket.send(JSON.stringify({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] }))
          resolve(socket)
        })
        socket.once('error', reject)
      }))
      sockets.push(...(await Promise.all(batch)))
    }
    for (let waited = 0; subscribed < PAGES; waited++) {
      if (waited % 100 === 99) console.log(`  ${bffs} BFF(s): ${subscribed}/${PAGES} pages subscribed so far`)
      await sleep(50)
    }
    await sleep(1000)
    const after = totalRss(stack)
    for (let seq = 1; seq <= MESSAGES; seq++) {
      const value = valueOf(seq)
      sentAt.set(value, performance.now())
      const response = await fetch(`${stack.sandboxUrl}/sandbox/devices/${LIVING_ROOM_AC}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { room_temp: value } }) })
      if (!response.ok) throw new Error(`report failed: ${response.status}`)
      await sleep(INTERVAL_MS)
    }
    await sleep(2000)
    const rss = stack.bffPids().map((pid) => (pid ? rssMiB(pid) : 0))
    for (const socket of sockets) socket.terminate()
    return { bffs, delivered: latencies.length, sent: MESSAGES * PAGES, latencies, kibPerPage: ((after - before) * 1024) / PAGES, rss }
  } finally {
    await stack.stop()
  }
}

const one = await run(1)
const two = await run(2)
console.log(`cluster-fanout: ${PAGES} pages through nginx × ${MESSAGES} reports every ${INTERVAL_MS} ms (Redis + PostgreSQL on both sides)`)
for (const result of [one, two]) {
  const s = summarize(result.latencies)
  console.log(`  ${result.bffs} BFF${result.bffs > 1 ? 's' : ' '}: delivered ${result.delivered}/${result.sent} (${((result.delivered / result.sent) * 100).toFixed(2)}%), p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, ` +
    `memory per page ${result.kibPerPage.toFixed(1)} KiB (target ≤ 60 KB), BFF RSS ${result.rss.map((value) => `${value.toFixed(0)} MiB`).join(' + ')}`)
}
const p99 = (result: Run) => summarize(result.latencies).p99
console.log(`  ratio two/one: p99 ${(p99(two) / p99(one)).toFixed(2)}× (target ≤ 1.5×)`)
