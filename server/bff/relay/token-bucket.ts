// Token buckets for /ws frames: each frame takes a token, tokens come back at a steady rate up to a burst. A user's
// pages share the per-user buckets (what reaches the cloud), each socket has its own (what reaches the BFF).

export interface BucketLimit { perSecond: number; burst: number }

export class TokenBucket {
  private tokens: number
  private at: number

  constructor(private readonly limit: BucketLimit, private readonly now: () => number = Date.now) {
    this.tokens = limit.burst
    this.at = now()
  }

  /** Takes a token if there is one; false means over the limit. */
  take(): boolean {
    const now = this.now()
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.at) / 1000) * this.limit.perSecond)
    this.at = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** True when the bucket is full again, so a per-user bucket can be forgotten. */
  get idle(): boolean {
    return this.tokens + ((this.now() - this.at) / 1000) * this.limit.perSecond >= this.limit.burst
  }
}

/** Limits of the page socket. Writes and cloud reads are what reach the cloud; the rest only costs the BFF. */
export interface RelayLimits {
  /** c2s_write, per user across their pages, and per socket. */
  writes: BucketLimit
  /** Frames that reach the cloud besides writes (c2s_read, a subscription that needs the cloud), per user. */
  cloudReads: BucketLimit
  /** Every other frame (subscribe_req, c2s_read, c2s_command_status, ping), per socket. */
  frames: BucketLimit
  /** Refused frames in a row after which the socket is closed. */
  closeAfterRefused: number
}

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  writes: { perSecond: 10, burst: 20 },
  cloudReads: { perSecond: 10, burst: 20 },
  frames: { perSecond: 20, burst: 40 },
  closeAfterRefused: 50,
}
