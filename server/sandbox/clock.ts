// Sandbox time: real time plus an offset that tests and demos advance (token and share expiries, schedules). The
// offset is kept in the sandbox's store, so a restart does not send sandbox time backwards (a schedule that already
// fired at the advanced time would otherwise look due again); whoever runs on sandbox time hears each advance.
export class SandboxClock {
  private readonly listeners = new Set<() => void>()

  constructor(private offsetMs = 0, private readonly save: (offsetMs: number) => void = () => {}) {}

  nowMs(): number {
    return Date.now() + this.offsetMs
  }

  nowS(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  /** Jumps forward; listeners run before this returns (everything due in between has fired by then). */
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
    this.save(this.offsetMs)
    for (const listener of this.listeners) listener()
  }

  onAdvance(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
