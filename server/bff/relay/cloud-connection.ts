// One Gizwits app WebSocket for one user: login, subscriptions, a heartbeat whose pong has a deadline, and
// reconnect with jittered backoff, logging in again with a fresh token when the cloud refuses the old one.
// A frozen cloud keeps TCP open and says nothing, so silence is the only sign: any frame from the cloud counts as
// life, and a link that stays silent past a deadline (after a ping, a handshake or a login) is declared stalled,
// reported down and replaced. Writes go out only over a link heard from very recently (whenAlive).
import { EventEmitter } from 'node:events'
import WebSocket from 'ws'
import { backoffDelay } from '@shared/backoff'
import { WsErrorCode, type GizwitsClientFrame, type GizwitsServerFrame } from '@shared/ws-frames'

export interface CloudTiming {
  /** How often to ping a quiet link, ms. */
  heartbeatMs: number
  /** How long the cloud may stay silent after a ping, the upgrade request or login_req, ms. */
  deadlineMs: number
  /** A link heard from within this long counts as alive for a write without asking it first, ms. */
  aliveWithinMs: number
  /** Reconnect backoff: first ceiling and cap, ms. */
  backoffBaseMs: number
  backoffCapMs: number
}

export const DEFAULT_CLOUD_TIMING: CloudTiming = {
  heartbeatMs: 20_000,
  deadlineMs: 5_000,
  aliveWithinMs: 1_500,
  backoffBaseMs: 1_000,
  backoffCapMs: 5_000,
}

export interface CloudConnectionOptions {
  url: string
  appId: string
  credentials: (fresh: boolean) => Promise<{ uid: string; token: string }>
  timing?: Partial<CloudTiming>
  /** Injected in tests: the jitter's random source. */
  random?: () => number
}

export interface CloudConnectionEvents {
  frame: [frame: GizwitsServerFrame]
  status: [connected: boolean]
  /** A reconnect is scheduled after this many ms (for logs and tests). */
  reconnecting: [delayMs: number]
}

/** What we tell the cloud about our heartbeat: its longest, so our own deadline, not the cloud's, decides. */
const HEARTBEAT_INTERVAL_S = 180

interface AliveWaiter { resolve: (alive: boolean) => void; timer: NodeJS.Timeout }

export class CloudConnection extends EventEmitter<CloudConnectionEvents> {
  private socket: WebSocket | undefined
  private wanted = new Set<string>()
  private loggedIn = false
  private stopped = false
  private failures = 0
  private freshToken = false
  private lastHeardAt = 0
  private pingTimer: NodeJS.Timeout | undefined
  private silenceTimer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private waiters = new Set<AliveWaiter>()
  private readonly timing: CloudTiming

  constructor(private readonly options: CloudConnectionOptions) {
    super()
    this.timing = { ...DEFAULT_CLOUD_TIMING, ...options.timing }
  }

  get connected(): boolean {
    return this.loggedIn
  }

  start(): void {
    this.stopped = false
    this.connect()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    this.clearLinkTimers()
    this.socket?.close()
    this.setLoggedIn(false)
    for (const waiter of this.waiters) this.settle(waiter, false)
  }

  subscribe(dids: string[]): void {
    const added = dids.filter((did) => !this.wanted.has(did))
    for (const did of added) this.wanted.add(did)
    if (this.loggedIn && added.length > 0) this.send({ cmd: 'subscribe_req', data: added.map((did) => ({ did })) })
  }

  /** Sends a frame if logged in; false when the link is down. */
  send(frame: GizwitsClientFrame): boolean {
    if (!this.loggedIn || this.socket?.readyState !== WebSocket.OPEN) return false
    this.socket.send(JSON.stringify(frame))
    return true
  }

  /** True when a write may go out now: logged in and heard from within aliveWithinMs. */
  get provenAlive(): boolean {
    return this.loggedIn && this.socket?.readyState === WebSocket.OPEN && Date.now() - this.lastHeardAt <= this.timing.aliveWithinMs
  }

  /**
   * Resolves true as soon as the link is proven alive (at once if it was heard from recently; else after the
   * answer to a ping, or after a reconnect and login), false if that has not happened by `deadline` (epoch ms).
   */
  whenAlive(deadline: number): Promise<boolean> {
    if (this.provenAlive) return Promise.resolve(true)
    if (this.stopped || Date.now() >= deadline) return Promise.resolve(false)
    if (this.loggedIn) this.probe()
    return new Promise((resolve) => {
      const waiter: AliveWaiter = { resolve, timer: setTimeout(() => this.settle(waiter, false), deadline - Date.now()) }
      this.waiters.add(waiter)
    })
  }

  private settle(waiter: AliveWaiter, alive: boolean): void {
    if (!this.waiters.delete(waiter)) return
    clearTimeout(waiter.timer)
    waiter.resolve(alive)
  }

  private connect(): void {
    const socket = new WebSocket(this.options.url, { handshakeTimeout: this.timing.deadlineMs })
    this.socket = socket
    socket.on('open', () => {
      this.expectWithin(socket)
      void this.login(socket)
    })
    socket.on('message', (data) => this.onMessage(socket, data))
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.socket !== socket) return
      this.clearLinkTimers()
      this.setLoggedIn(false)
      this.scheduleReconnect()
    })
  }

  /** Pings unless a ping is already waiting for its answer; silence past the deadline stalls the link. */
  private probe(): void {
    if (this.silenceTimer || !this.socket) return
    if (this.send({ cmd: 'ping' })) this.expectWithin(this.socket)
  }

  private expectWithin(socket: WebSocket): void {
    clearTimeout(this.silenceTimer)
    this.silenceTimer = setTimeout(() => this.stalled(socket), this.timing.deadlineMs)
  }

  /** The cloud said nothing in time: tell pages now, drop the socket without waiting for a closing handshake. */
  private stalled(socket: WebSocket): void {
    this.silenceTimer = undefined
    if (this.socket !== socket) return
    this.setLoggedIn(false)
    socket.terminate()
  }

  private async login(socket: WebSocket): Promise<void> {
    try {
      const { uid, token } = await this.options.credentials(this.freshToken)
      this.freshToken = false
      if (socket.readyState !== WebSocket.OPEN) return
      socket.send(JSON.stringify({
        cmd: 'login_req',
        data: { appid: this.options.appId, uid, token, p0_type: 'attrs_v4', heartbeat_interval: HEARTBEAT_INTERVAL_S, auto_subscribe: false },
      } satisfies GizwitsClientFrame))
    } catch {
      socket.close()
    }
  }

  private onMessage(socket: WebSocket, data: WebSocket.RawData): void {
    if (this.socket !== socket) return
    // Any frame is a sign of life: it ends the wait for a pong.
    this.lastHeardAt = Date.now()
    clearTimeout(this.silenceTimer)
    this.silenceTimer = undefined
    let frame: GizwitsServerFrame
    try {
      frame = JSON.parse(String(data)) as GizwitsServerFrame
    } catch {
      return
    }
    if (frame.cmd === 'login_res') {
      if (!frame.data.success) {
        // Most often an expired or replaced token: log in afresh on the next attempt.
        this.freshToken = true
        socket.close()
        return
      }
      this.failures = 0
      this.setLoggedIn(true)
      clearInterval(this.pingTimer)
      this.pingTimer = setInterval(() => this.probe(), this.timing.heartbeatMs)
      if (this.wanted.size > 0) this.send({ cmd: 'subscribe_req', data: [...this.wanted].map((did) => ({ did })) })
    } else if (frame.cmd === 's2c_invalid_msg' && (frame.data.error_code === WsErrorCode.SOCKET_CLOSED_LOGIN_AGAIN || frame.data.error_code === WsErrorCode.NOT_LOGGED_IN)) {
      this.setLoggedIn(false)
      this.expectWithin(socket)
      void this.login(socket)
      return
    } else {
      this.emit('frame', frame)
    }
    if (this.loggedIn) for (const waiter of this.waiters) this.settle(waiter, true)
  }

  private setLoggedIn(value: boolean): void {
    if (this.loggedIn === value) return
    this.loggedIn = value
    this.emit('status', value)
  }

  private clearLinkTimers(): void {
    clearInterval(this.pingTimer)
    clearTimeout(this.silenceTimer)
    this.pingTimer = undefined
    this.silenceTimer = undefined
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    const delay = backoffDelay(this.failures++, { baseMs: this.timing.backoffBaseMs, capMs: this.timing.backoffCapMs, random: this.options.random })
    this.emit('reconnecting', delay)
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }
}
