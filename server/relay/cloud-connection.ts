// One Gizwits app WebSocket for one user: login, subscriptions, heartbeat, and reconnect with backoff
// (1 s → 30 s), logging in again with a fresh token when the cloud refuses the old one.
import { EventEmitter } from 'node:events'
import WebSocket from 'ws'
import { WsErrorCode, type GizwitsClientFrame, type GizwitsServerFrame } from '@shared/ws-frames'

export interface CloudConnectionOptions {
  url: string
  appId: string
  credentials: (fresh: boolean) => Promise<{ uid: string; token: string }>
  heartbeatMs?: number
}

export interface CloudConnectionEvents {
  frame: [frame: GizwitsServerFrame]
  status: [connected: boolean]
}

const HEARTBEAT_INTERVAL_S = 180
const MAX_BACKOFF_MS = 30_000

export class CloudConnection extends EventEmitter<CloudConnectionEvents> {
  private socket: WebSocket | undefined
  private wanted = new Set<string>()
  private loggedIn = false
  private stopped = false
  private failures = 0
  private freshToken = false
  private pingTimer: NodeJS.Timeout | undefined
  private retryTimer: NodeJS.Timeout | undefined

  constructor(private readonly options: CloudConnectionOptions) {
    super()
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
    clearInterval(this.pingTimer)
    this.socket?.close()
    this.setLoggedIn(false)
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

  private connect(): void {
    const socket = new WebSocket(this.options.url)
    this.socket = socket
    socket.on('open', () => void this.login(socket))
    socket.on('message', (data) => this.onMessage(socket, data))
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.socket !== socket) return
      clearInterval(this.pingTimer)
      this.setLoggedIn(false)
      this.scheduleReconnect()
    })
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
      this.pingTimer = setInterval(() => this.send({ cmd: 'ping' }), this.options.heartbeatMs ?? 60_000)
      if (this.wanted.size > 0) this.send({ cmd: 'subscribe_req', data: [...this.wanted].map((did) => ({ did })) })
      return
    }
    if (frame.cmd === 's2c_invalid_msg' && (frame.data.error_code === WsErrorCode.SOCKET_CLOSED_LOGIN_AGAIN || frame.data.error_code === WsErrorCode.NOT_LOGGED_IN)) {
      this.setLoggedIn(false)
      void this.login(socket)
      return
    }
    this.emit('frame', frame)
  }

  private setLoggedIn(value: boolean): void {
    if (this.loggedIn === value) return
    this.loggedIn = value
    this.emit('status', value)
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures)
    this.failures++
    this.retryTimer = setTimeout(() => this.connect(), delay)
  }
}
