// The one owner of "may this user bind this device": every way in — a signed label, the Gizwits app QR (did +
// passcode), the QR service's code, a device found on the user's LAN after their own Wi-Fi setup, a WeChat scene
// or device event — goes through here. Binding needs proof of possession: the BFF holds the product secrets and
// would sign any MAC a browser names, and MACs are sequential and printed on the box, so a MAC alone is no proof.
// - a label proves itself by its signature (server/labels/label-signature.ts), checked here before bind_mac;
// - did + passcode and the QR service's code are checked by the cloud itself (9016 / 9040).
// Every refused attempt answers with one error, so a guesser learns nothing about what exists, and refusals are
// counted per user and per device: past the limit the user is told to wait, and nothing reaches the cloud.
import { createHash } from 'node:crypto'
import { GizwitsErrorCode, type BindingsCreateResult, type BoundDevice } from '@shared/open-api'
import { ApiError } from '../errors'
import { labelSignatureValid } from '../../labels/label-signature'
import type { BindingChanges } from './binding-changes'
import type { GizwitsAccounts } from './gizwits-accounts'
import { GizwitsApiError, type OpenApiClient } from './open-api-client'

/** Cloud answers that mean "this proof does not open this device"; all of them become BIND_REFUSED. */
const REFUSALS: ReadonlySet<number> = new Set([
  GizwitsErrorCode.DEVICE_NOT_FOUND,
  GizwitsErrorCode.DID_PASSCODE_INVALID,
  GizwitsErrorCode.BAD_QRCODE_CONTENT,
  GizwitsErrorCode.DEVICE_NOT_BOUND,
  GizwitsErrorCode.DEVICE_DISABLED,
  GizwitsErrorCode.PRODUCT_KEY_INVALID,
  GizwitsErrorCode.MAC_ALREADY_REGISTERED,
])

export const BindErrorCode = {
  REFUSED: 'bind_refused',
  TOO_MANY_ATTEMPTS: 'bind_attempts_exceeded',
  LABEL_BINDING_OFF: 'label_binding_off',
} as const

export interface AttemptLimits {
  windowMs: number
  perUser: number
  perDevice: number
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { windowMs: 15 * 60_000, perUser: 10, perDevice: 5 }

/**
 * Refused attempts in a sliding window. In memory for one BFF; with several, Redis (cluster/redis-state.ts) stands
 * behind the same three calls so a guesser gains nothing by spreading attempts over the instances.
 */
export interface AttemptCounter {
  count: (key: string) => number | Promise<number>
  /** Milliseconds until the oldest failure of this key leaves the window. */
  retryAfterMs: (key: string) => number | Promise<number>
  record: (key: string) => void | Promise<void>
}

export class FailureCounter implements AttemptCounter {
  private readonly failures = new Map<string, number[]>()

  constructor(private readonly windowMs: number, private readonly maxKeys = 100_000) {}

  count(key: string, now = Date.now()): number {
    const times = this.failures.get(key)
    if (!times) return 0
    const live = times.filter((at) => now - at < this.windowMs)
    if (live.length === 0) this.failures.delete(key)
    else this.failures.set(key, live)
    return live.length
  }

  /** Milliseconds until the oldest failure of this key leaves the window. */
  retryAfterMs(key: string, now = Date.now()): number {
    const oldest = this.failures.get(key)?.[0]
    return oldest === undefined ? 0 : Math.max(0, this.windowMs - (now - oldest))
  }

  record(key: string, now = Date.now()): void {
    // Bounded memory under a flood of distinct keys: the oldest keys go first (Map keeps insertion order).
    if (!this.failures.has(key) && this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value!)
    const times = this.failures.get(key) ?? []
    times.push(now)
    this.failures.set(key, times)
  }
}

export interface LabelProof { productKey: string; mac: string; sig: string }

export class BindingGuard {
  private readonly counter: AttemptCounter

  constructor(
    private readonly client: OpenApiClient,
    private readonly accounts: GizwitsAccounts,
    private readonly changes: BindingChanges,
    private readonly settings: { productSecrets: Map<string, string>; labelKey: string | null; limits?: AttemptLimits; counter?: (windowMs: number) => AttemptCounter },
  ) {
    this.counter = settings.counter?.(this.limits.windowMs) ?? new FailureCounter(this.limits.windowMs)
  }

  private get limits(): AttemptLimits {
    return this.settings.limits ?? DEFAULT_ATTEMPT_LIMITS
  }

  /** A signed label: the signature is ours to check, then the BFF signs bind_mac with the product secret. */
  bindLabel(openid: string, proof: LabelProof, extra: { dev_alias?: string; remark?: string } = {}): Promise<BoundDevice> {
    const productKey = proof.productKey.toLowerCase()
    const mac = proof.mac.toLowerCase()
    return this.attempt(openid, `mac:${productKey}:${mac}`, async (token) => {
      const { labelKey } = this.settings
      if (!labelKey) throw new ApiError(400, BindErrorCode.LABEL_BINDING_OFF, 'label_binding_off')
      const secret = this.settings.productSecrets.get(productKey)
      if (!secret || !labelSignatureValid(labelKey, productKey, mac, proof.sig)) throw refused()
      return this.client.bindMac(token, { product_key: productKey, mac, set_owner: 1, ...extra }, secret)
    })
  }

  /** The Gizwits app QR, or a device that answered on the user's LAN after their Wi-Fi setup: did + passcode. */
  async bindPasscode(openid: string, device: { did: string; passcode: string; dev_alias?: string; remark?: string }): Promise<BindingsCreateResult> {
    const result = await this.attempt(openid, `did:${device.did}`, (token) => this.client.bindByPasscode(token, { devices: [device], set_owner: 1 }))
    // The cloud answers 201 with the did under `failed` when the passcode is wrong for a did it knows.
    if (!result.success.includes(device.did)) {
      await this.recordFailure(openid, `did:${device.did}`)
      throw refused()
    }
    return result
  }

  /** The opaque content of a code from Gizwits' QR service: only the cloud can read it. */
  bindQrService(openid: string, content: string): Promise<Record<string, never>> {
    const key = `qr:${createHash('sha256').update(content).digest('hex').slice(0, 32)}`
    return this.attempt(openid, key, (token) => this.client.bindLatest(token, { qr_content: content, set_owner: 1 }))
  }

  private async attempt<T>(openid: string, deviceKey: string, bind: (token: string) => Promise<T>): Promise<T> {
    const userKey = `user:${openid}`
    const { perUser, perDevice } = this.limits
    const [userFailures, deviceFailures] = await Promise.all([this.counter.count(userKey), this.counter.count(deviceKey)])
    if (userFailures >= perUser || deviceFailures >= perDevice) {
      const waitMs = Math.max(userFailures >= perUser ? await this.counter.retryAfterMs(userKey) : 0, deviceFailures >= perDevice ? await this.counter.retryAfterMs(deviceKey) : 0)
      throw new ApiError(429, BindErrorCode.TOO_MANY_ATTEMPTS, 'bind_attempts_exceeded', { minutes: Math.max(1, Math.ceil(waitMs / 60_000)) })
    }
    try {
      const result = await this.accounts.withToken(openid, (token) => bind(token))
      this.changes.userChanged(openid)
      return result
    } catch (error) {
      const isRefusal = (error instanceof ApiError && error.code === BindErrorCode.REFUSED) || (error instanceof GizwitsApiError && REFUSALS.has(error.code))
      if (!isRefusal) throw error
      await this.recordFailure(openid, deviceKey)
      throw refused()
    }
  }

  private async recordFailure(openid: string, deviceKey: string): Promise<void> {
    await Promise.all([this.counter.record(`user:${openid}`), this.counter.record(deviceKey)])
  }
}

function refused(): ApiError {
  return new ApiError(400, BindErrorCode.REFUSED, 'bind_refused')
}
