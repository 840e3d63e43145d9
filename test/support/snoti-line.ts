// A bare SNoti client for tests: a TLS socket that trusts the sandbox's certificate, writes one JSON object per
// line and records what comes back (JSON frames, or the bare `No Heartbeat!` line), so tests read the wire itself.
import tls from 'node:tls'

export class SnotiLine {
  readonly frames: Array<Record<string, unknown>> = []
  readonly lines: string[] = []
  closed = false
  private waiters: Array<() => void> = []
  private buffer = ''

  private constructor(readonly socket: tls.TLSSocket) {
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      this.buffer += chunk
      let at: number
      while ((at = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, at)
        this.buffer = this.buffer.slice(at + 1)
        this.lines.push(line)
        try {
          this.frames.push(JSON.parse(line) as Record<string, unknown>)
        } catch {
          // a bare text line such as "No Heartbeat!" stays in `lines`
        }
      }
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake()
  }

  static open(snoti: { host: string; port: number; ca: string }): Promise<SnotiLine> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: snoti.host, port: snoti.port, ca: snoti.ca, servername: 'localhost' }, () => resolve(new SnotiLine(socket)))
      socket.once('error', reject)
    })
  }

  send(frame: unknown): void {
    this.socket.write(`${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n`)
  }

  /** Waits for (and takes) the first frame that matches. */
  async next(match: (frame: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<Record<string, unknown>> {
    return this.until(() => {
      const index = this.frames.findIndex(match)
      return index >= 0 ? this.frames.splice(index, 1)[0] : undefined
    }, timeoutMs, () => `no matching frame; got ${JSON.stringify(this.frames)}`)
  }

  async untilClosed(timeoutMs = 3000): Promise<void> {
    await this.until(() => (this.closed ? true : undefined), timeoutMs, () => 'the connection stayed open')
  }

  private async until<T>(take: () => T | undefined, timeoutMs: number, why: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = take()
      if (found !== undefined) return found
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(why())
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** The pushes received and not yet taken, in order. */
  pushes(): Array<Record<string, unknown>> {
    return this.frames.filter((frame) => frame.cmd === 'event_push')
  }

  close(): void {
    this.socket.destroy()
  }
}
