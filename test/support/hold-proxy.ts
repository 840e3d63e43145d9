// A TCP proxy in front of the BFF that can hold the page socket's handshakes unanswered, as a backend whose live
// link hangs would: the browser's WebSocket then never opens (no error, no close), which request routing in the
// browser cannot imitate. Every other connection is piped through untouched.
import { connect, createServer, type Socket } from 'node:net'

export interface HoldProxy {
  /** The proxy's base URL (same host name as the BFF's, so cookies and OAuth redirects still fit). */
  url: string
  /** While on, new `/ws` handshakes are held; turning it off lets the next ones through. */
  holdSockets: (on: boolean) => void
  close: () => Promise<void>
}

export async function startHoldProxy(target: string): Promise<HoldProxy> {
  const upstream = new URL(target)
  let holding = false
  const open = new Set<Socket>()
  const server = createServer((client) => {
    open.add(client)
    client.on('close', () => open.delete(client))
    client.on('error', () => client.destroy())
    client.once('data', (first) => {
      if (holding && first.toString('latin1').startsWith('GET /ws')) return // held: read, never answered
      const server = connect(Number(upstream.port), upstream.hostname)
      open.add(server)
      server.on('close', () => open.delete(server))
      server.on('error', () => client.destroy())
      client.on('close', () => server.destroy())
      server.write(first)
      client.pipe(server).pipe(client)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `${upstream.protocol}//${upstream.hostname}:${port}`,
    holdSockets: (on) => {
      holding = on
    },
    close: async () => {
      for (const socket of open) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
