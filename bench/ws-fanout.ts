// 2,000 pages subscribed through the BFF to one device, against 2,000 clients of a bare `ws` server, in one run.
// A device report goes in (sandbox report hook / POST to the bare server) and every page's receipt is timed.
// Run: npm run bench:ws-fanout   (PAGES=2000 MESSAGES=100 INTERVAL_MS=50 to change the load)
import WebSocket from 'ws'
import type { PageServerFrame } from '@shared/ws-frames'
import { freePort } from '../test/support/free-port'
import { firstUsersAirConditioner, startProcess, startSandboxAndBff } from './support/processes'
import { ms, rssMiB, summarize } from './support/stats'

const PAGES = Number(process.env.PAGES ?? 2000)
const MESSAGES = Number(process.env.MESSAGES ?? 100)
const INTERVAL_MS = Number(process.env.INTERVAL_MS ?? 50)

interface Run { delivered: number; sent: number; latencies: number[]; rss: number }

/** Distinct display values of room_temp (−30…50, step 0.1) identify each message. */
const valueOf = (seq: number) => Math.round((seq % 800) * 1 - 300) / 10

async function openClients(count: number, url: string, headers: Record<string, string>, onOpen: (socket: WebSocket) => void): Promise<WebSocket[]> {
  const sockets: WebSocket[] = []
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, () => new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(url, { headers })
      socket.once('open', () => { onOpen(socket); resolve(socket) })
      socket.once('error', reject)
    }))
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

async function measure(sockets: WebSocket[], send: (seq: number, body: string) => Promise<void>, frameFor: (value: number) => string, pid: number): Promise<Run> {
  const sentAt = new Map<number, number>()
  const latencies: number[] = []
  for (const socket of sockets) {
    socket.on('message', (data) => {
      const received = performance.now()
      const frame = JSON.parse(String(data)) as PageServerFrame
      if (frame.cmd !== 's2c_noti') return
      const started = sentAt.get(frame.data.attrs.room_temp as number)
      if (started !== undefined) latencies.push(received - started)
    })
  }
  for (let seq = 1; seq <= MESSAGES; seq++) {
    const value = valueOf(seq)
    sentAt.set(value, performance.now())
    await send(seq, frameFor(value))
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS))
  }
  await new Promise((resolve) => setTimeout(resolve, 2000))
  return { delivered: latencies.length, sent: MESSAGES * sockets.length, latencies, rss: rssMiB(pid) }
}

async function throughBff(): Promise<Run & { frame: string }> {
  const stack = await startSandboxAndBff()
  try {
    const { cookie, device } = await firstUsersAirConditioner(stack)
    let subscribed = 0
    const seen = new WeakSet<WebSocket>()
    const wsUrl = `${stack.bff.url.replace('http', 'ws')}/ws`
    const sockets = await openClients(PAGES, wsUrl, { cookie }, (socket) => {
      socket.on('message', (data) => {
        // Counted on the snapshot's values, which only come once the BFF's cloud socket is subscribed.
        if ((JSON.parse(String(data)) as PageServerFrame).cmd === 's2c_noti' && !seen.has(socket)) {
          seen.add(socket)
          subscribed++
        }
      })
      socket.send(JSON.stringify({ cmd: 'subscribe_req', data: [{ did: device.did }] }))
    })
    while (subscribed < PAGES) await new Promise((resolve) => setTimeout(resolve, 50))
    await new Promise((resolve) => setTimeout(resolve, 500))
    let sample = ''
    sockets[0].on('message', (data) => { if (!sample && String(data).includes('s2c_noti')) sample = String(data) })
    const run = await measure(
      sockets,
      async (_seq, body) => {
        const response = await fetch(`${stack.sandbox.url}/sandbox/devices/${device.did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        if (!response.ok) throw new Error(`report failed: ${response.status}`)
      },
      (value) => JSON.stringify({ attrs: { room_temp: value } }),
      stack.bff.child.pid!,
    )
    for (const socket of sockets) socket.terminate()
    return { ...run, frame: sample }
  } finally {
    await stack.stop()
  }
}

async function throughBareWs(sampleFrame: string): Promise<Run> {
  const port = await freePort()
  const server = await startProcess('bench/support/bare-ws-server.ts', { PORT: String(port) }, `http://127.0.0.1:${port}/`, `http://127.0.0.1:${port}`)
  try {
    const sockets = await openClients(PAGES, `ws://127.0.0.1:${port}`, {}, () => {})
    const template = JSON.parse(sampleFrame) as { cmd: string; data: { did: string; attrs: Record<string, unknown> } }
    const run = await measure(
      sockets,
      async (_seq, body) => {
        await fetch(`${server.url}/broadcast`, { method: 'POST', body })
      },
      (value) => JSON.stringify({ ...template, data: { ...template.data, attrs: { ...template.data.attrs, room_temp: value } } }),
      server.child.pid!,
    )
    for (const socket of sockets) socket.terminate()
    return run
  } finally {
    await server.stop()
  }
}

const bff = await throughBff()
const bare = await throughBareWs(bff.frame)
const b = summarize(bff.latencies)
const w = summarize(bare.latencies)
console.log(`ws-fanout: ${PAGES} pages × ${MESSAGES} messages every ${INTERVAL_MS} ms (frame ${bff.frame.length} bytes)`)
console.log(`  BFF relay : delivered ${bff.delivered}/${bff.sent} (${((bff.delivered / bff.sent) * 100).toFixed(2)}%), p50 ${ms(b.p50)}, p99 ${ms(b.p99)}, BFF RSS ${bff.rss.toFixed(0)} MiB`)
console.log(`  bare ws   : delivered ${bare.delivered}/${bare.sent} (${((bare.delivered / bare.sent) * 100).toFixed(2)}%), p50 ${ms(w.p50)}, p99 ${ms(w.p99)}, server RSS ${bare.rss.toFixed(0)} MiB`)
console.log(`  ratio BFF/bare: p50 ${(b.p50 / w.p50).toFixed(2)}×, p99 ${(b.p99 / w.p99).toFixed(2)}× (target ≤ 1.5×), RSS ${(bff.rss / bare.rss).toFixed(2)}×`)
