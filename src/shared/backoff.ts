// Reconnect delays with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a random wait
// between a small floor and an exponentially growing ceiling, capped low. Jitter keeps every client of a cloud
// that comes back from reconnecting in the same instant; the low cap keeps the extra wait after an outage short.

export interface BackoffOptions {
  /** Ceiling of the first retry, ms. */
  baseMs: number
  /** Highest ceiling, ms: the longest a retry waits once the outage is over. */
  capMs: number
  /** Shortest wait, ms (100, or baseMs if lower), so a refusing server is never hammered in a tight loop. */
  floorMs?: number
  /** A number in [0, 1); Math.random unless a test injects its own. */
  random?: () => number
}

/** The wait before retry number `attempt` (0 for the first retry after a drop). */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const floor = options.floorMs ?? Math.min(100, options.baseMs)
  const ceiling = Math.max(floor, Math.min(options.capMs, options.baseMs * 2 ** Math.min(attempt, 30)))
  return Math.round(floor + (options.random ?? Math.random)() * (ceiling - floor))
}
