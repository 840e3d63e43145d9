// The page's live socket to the BFF: typed frames, an app-level heartbeat, and reconnect with jittered backoff
// (ceiling 1 s → 5 s, full jitter: pages of a restarted BFF do not all come back at once, and none waits long).
// Every (re)open is reported so the owner can subscribe again and get a fresh snapshot. Frames from the BFF are
// checked against their schemas (the same compiled checks the BFF uses for the page's frames): one that does not
// fit is dropped here, so the stores only ever see the shapes they are typed with.
import { backoffDelay } from '@shared/backoff'
import { checkPageServerFrame, PageWsCloseCode, type PageClientFrame, type PageServerFrame } from '@shared/ws-frames'

export interface PageSocketOptions {
  url: string
  onFrame: (frame: PageServerFrame) => void
  onOpen: () => void
  onClose: () => void
  /** Injected in tests. */
  WebSocketImpl?: typeof WebSocket
  pingEveryMs?: number
  pongWithinMs?: number
  /** Injected in tests: the jitter's random source. */
  random?: () => number
}

const BACKOFF = { baseMs: 1000, capMs: 5000 }
/** After a graceful stop's 1012: 50–500 ms, so a stopping BFF's pages do not all land in the same instant. */
const RESTART_BACKOFF = { baseMs: 500, capMs: 500, floorMs: 50 }
/** A handshake unanswered this long is dropped and retried like a closed socket: a hung one never closes by itself. */
export const HANDSHAKE_TIMEOUT_MS = 8000

export class PageSocket {
  private socket: WebSocket | null = null
  private attempts = 0
  private stopped = true
  private pingTimer: ReturnType<typeof setInterval> | undefined
  private pongTimer: ReturnType<typeof setTimeout> | undefined
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly options: PageSocketOptions) {}

  get isOpen(): boolean {
    return this.socket?.readyState === 1
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.open()
  }

  stop(): void {
    this.stopped = true
    this.clearTimers()
    this.socket?.close()
    this.socket = null
  }

  /** Reconnects now (for example when the page comes back to the foreground and the socket died meanwhile). */
  reconnectNow(): void {
    if (this.stopped || this.isOpen) return
    clearTimeout(this.retryTimer)
    this.attempts = 0
    // A handshake still pending (a hung backend or proxy) holds back the browser's next one to the same host: drop
    // it first. Its close is ignored, since it is no longer the current socket.
    const pending = this.socket
    this.socket = null
    pending?.close()
    this.open()
  }

  send(frame: PageClientFrame): boolean {
    if (!this.isOpen) return false
    this.socket!.send(JSON.stringify(frame))
    return true
  }

  private open(): void {
    const Impl = this.options.WebSocketImpl ?? WebSocket
    const socket = new Impl(this.options.url)
    this.socket = socket
    clearTimeout(this.handshakeTimer)
    this.handshakeTimer = setTimeout(() => {
      if (this.socket === socket && socket.readyState === 0) socket.close()
    }, HANDSHAKE_TIMEOUT_MS)
    socket.onopen = () => {
      clearTimeout(this.handshakeTimer)
      this.attempts = 0
      this.startHeartbeat()
      this.options.onOpen()
    }
    socket.onmessage = (event: MessageEvent) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(String(event.data))
      } catch {
        return
      }
      if (!checkPageServerFrame(parsed)) return
      const frame: PageServerFrame = parsed
      if (frame.cmd === 'pong') clearTimeout(this.pongTimer)
      else this.options.onFrame(frame)
    }
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return
      this.socket = null
      this.clearTimers()
      this.options.onClose()
      if (this.stopped) return
      // A BFF stopping gracefully (1012): another instance is up, so come back at once, spread over half a second.
      const restart = event?.code === PageWsCloseCode.SERVICE_RESTART
      if (restart) this.attempts = 0
      this.retryTimer = setTimeout(() => this.open(), backoffDelay(this.attempts++, { ...(restart ? RESTART_BACKOFF : BACKOFF), random: this.options.random }))
    }
  }

  private startHeartbeat(): void {
    this.clearTimers()
    this.pingTimer = setInterval(() => {
      if (!this.send({ cmd: 'ping' })) return
      clearTimeout(this.pongTimer)
      // No pong in time: the link is dead even if the browser has not noticed; drop it and reconnect.
      this.pongTimer = setTimeout(() => this.socket?.close(), this.options.pongWithinMs ?? 10_000)
    }, this.options.pingEveryMs ?? 25_000)
  }

  private clearTimers(): void {
    clearTimeout(this.handshakeTimer)
    clearInterval(this.pingTimer)
    clearTimeout(this.pongTimer)
    clearTimeout(this.retryTimer)
  }
}

/** A socket cannot carry our Accept-Language, so the UI language travels in the query. */
export function pageSocketUrl(locale: string, location: Location = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?lang=${encodeURIComponent(locale)}`
}
