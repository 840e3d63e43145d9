// The worker's SNoti consumer: one TLS connection that logs in with every product's credentials under one
// subscription key, hands each pushed event to the worker and acknowledges it only once the worker has stored it
// (so a crash means redelivery, never loss), pings when idle, and reconnects with jittered backoff. Delivery ids
// belong to one connection: acks never cross a reconnect (the Gizwits Java client learned that the hard way).
import tls from 'node:tls'

export interface SnotiEndpoint {
  host: string
  port: number
  /** PEM of the certificate to trust (the sandbox's self-signed one); undefined = the system's CAs. */
  ca?: string
  credentials: Array<{ product_key: string; auth_id: string; auth_secret: string }>
  subkey: string
}

export interface SnotiPush { delivery_id: number; msg_id?: string; event_type: string; product_key: string; did: string; created_at: number; [field: string]: unknown }

export const SUBSCRIBED_EVENTS = ['device.online', 'device.offline', 'device.status.kv', 'device.attr_alert', 'device.attr_fault', 'device.bind', 'device.unbind', 'device.app2dev.kv']

export interface SnotiClientOptions {
  endpoint: SnotiEndpoint
  prefetch?: number
  pingEveryMs?: number
  backoff?: { firstMs: number; maxMs: number }
  /** Stores the event; the ack goes out when it resolves. A rejection leaves it unacknowledged (redelivered later). */
  onEvent: (push: SnotiPush) => Promise<void>
  log: (message: string) => void
}

export class SnotiClient {
  private socket: tls.TLSSocket | undefined
  private stopped = false
  /** SIGTERM: no new event is taken and no ack is sent any more (drain()). */
  private draining = false
  private attempt = 0
  private pinger: NodeJS.Timeout | undefined
  private retry: NodeJS.Timeout | undefined
  /** Stored events are acknowledged in the order they arrived, so one slow write never reorders acks. */
  private chain: Promise<void> = Promise.resolve()
  /** 'connecting' | 'up' | 'down': for /healthz-style reporting and tests. */
  state: 'connecting' | 'up' | 'down' = 'down'
  readonly listeners = new Set<(state: SnotiClient['state']) => void>()

  constructor(private readonly options: SnotiClientOptions) {}

  start(): void {
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retry)
    clearInterval(this.pinger)
    this.socket?.destroy()
  }

  /**
   * Stops acknowledging and taking events, waits for the event being stored to finish, and closes the connection:
   * SNoti then redelivers everything this connection left unacknowledged to the other connections on the same
   * subscription key, and the event ledger recognises the one stored here without its ack.
   */
  async drain(): Promise<void> {
    this.draining = true
    await this.chain
    this.stop()
  }

  private setState(state: SnotiClient['state']): void {
    this.state = state
    for (const listener of this.listeners) listener(state)
  }

  private connect(): void {
    const { endpoint } = this.options
    this.setState('connecting')
    const socket = tls.connect({ host: endpoint.host, port: endpoint.port, ca: endpoint.ca, servername: endpoint.ca ? 'localhost' : endpoint.host })
    this.socket = socket
    let buffer = ''
    let loggedIn = false
    socket.setEncoding('utf8')
    socket.once('secureConnect', () => {
      this.send(socket, {
        cmd: 'login_req', prefetch_count: this.options.prefetch ?? 50,
        data: endpoint.credentials.map((credential) => ({ ...credential, subkey: endpoint.subkey, events: SUBSCRIBED_EVENTS })),
      })
    })
    socket.on('data', (chunk: string) => {
      buffer += chunk
      let at: number
      while ((at = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, at).trim()
        buffer = buffer.slice(at + 1)
        if (!line) continue
        if (line === 'No Heartbeat!') {
          this.options.log('SNoti: the server says it heard no heartbeat; reconnecting')
          socket.destroy()
          return
        }
        let frame: Record<string, unknown>
        try {
          frame = JSON.parse(line) as Record<string, unknown>
        } catch {
          this.options.log(`SNoti: unreadable line ignored: ${line.slice(0, 80)}`)
          continue
        }
        if (frame.cmd === 'login_res') {
          const data = frame.data as { result?: boolean; msg?: string } | undefined
          if (data?.result !== true) {
            // Wrong credentials do not fix themselves: say so loudly, and retry slowly (the server closes anyway).
            this.options.log(`SNoti login refused: ${data?.msg ?? 'no reason given'} — check SNOTI_CREDENTIALS`)
            this.attempt = Math.max(this.attempt, 5)
            continue
          }
          loggedIn = true
          this.attempt = 0
          this.setState('up')
          clearInterval(this.pinger)
          this.pinger = setInterval(() => this.send(socket, { cmd: 'ping' }), this.options.pingEveryMs ?? 60_000)
          this.pinger.unref()
        } else if (frame.cmd === 'event_push' && loggedIn && !this.draining) {
          const push = frame as unknown as SnotiPush
          this.chain = this.chain.then(() => this.options.onEvent(push)).then(
            () => {
              // Only on the connection that received it: after a reconnect its id means nothing (or something else).
              if (this.socket === socket && !socket.destroyed && !this.draining) this.send(socket, { cmd: 'event_ack', delivery_id: push.delivery_id, ...(push.msg_id ? { msg_id: push.msg_id } : {}) })
            },
            (error: Error) => this.options.log(`SNoti: event ${push.event_type} of ${push.did} not stored (${error.message}); left unacknowledged for redelivery`),
          )
        } else if (frame.cmd === 'invalid_msg') {
          this.options.log(`SNoti refused a frame: ${frame.error_code} ${String(frame.msg)}`)
        }
      }
    })
    socket.on('error', (error) => this.options.log(`SNoti connection error: ${error.message}`))
    socket.on('close', () => {
      clearInterval(this.pinger)
      if (this.socket !== socket) return
      this.setState('down')
      if (this.stopped) return
      const { firstMs, maxMs } = this.options.backoff ?? { firstMs: 1000, maxMs: 60_000 }
      const delay = Math.min(maxMs, firstMs * 2 ** this.attempt) * (0.5 + Math.random() / 2)
      this.attempt++
      this.retry = setTimeout(() => this.connect(), delay)
      this.retry.unref()
    })
  }

  private send(socket: tls.TLSSocket, frame: unknown): void {
    if (!socket.destroyed) socket.write(`${JSON.stringify(frame)}\n`)
  }
}
