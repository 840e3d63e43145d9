// Sandbox time: real time plus an offset that tests can advance (token and share expiries).
export class SandboxClock {
  private offsetMs = 0

  nowMs(): number {
    return Date.now() + this.offsetMs
  }

  nowS(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000
  }
}
