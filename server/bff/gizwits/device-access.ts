// What a user may touch: their bindings (cached briefly, refreshed on a miss) and the product definitions.
// A sub-device follows its gateway: a user who may not see the gateway (`gw_did`) does not see its sub-devices,
// whatever the cloud lists (`visible` below; every check and list goes through it).
// A miss is remembered for a few seconds and a user's list is read again at most once per MIN_REFRESH_MS, so
// guessing device ids costs the cloud nothing. What invalidates the cache is decided in one place,
// gizwits/binding-changes.ts, which every change of bindings reports to; forget and forgetDevice are its tools.
import type { AttrItem, BoundDevice, ProductDefinition } from '@shared/open-api'
import { productAttrs } from '@shared/datapoint'
import { ApiError } from '../errors'
import type { GizwitsAccounts } from './gizwits-accounts'
import type { OpenApiClient } from './open-api-client'

const BINDINGS_TTL_MS = 30_000
const DATAPOINT_TTL_MS = 10 * 60_000
/** How long "this user has no such device" is believed without asking the cloud again. */
const MISS_TTL_MS = 10_000
/** A user's bindings are read again on a miss at most this often. */
const MIN_REFRESH_MS = 3_000
const MAX_MISSES = 50_000

export class DeviceAccess {
  private bindings = new Map<string, { devices: BoundDevice[]; at: number }>()
  /** `openid\u0000did` → when the miss was seen. */
  private misses = new Map<string, number>()
  private products = new Map<string, { definition: ProductDefinition; attrs: AttrItem[]; at: number }>()

  constructor(
    private readonly client: OpenApiClient,
    private readonly accounts: GizwitsAccounts,
    private readonly allowedProducts: () => Set<string>,
  ) {}

  async devicesOf(openid: string, { refresh = false } = {}): Promise<BoundDevice[]> {
    const cached = this.bindings.get(openid)
    const age = cached ? Date.now() - cached.at : Infinity
    // A refresh asked for within MIN_REFRESH_MS of the last read gets that read: guesses must not cost the cloud.
    if (cached && (age < MIN_REFRESH_MS || (!refresh && age < BINDINGS_TTL_MS))) return cached.devices
    const devices = visible(await this.accounts.withToken(openid, (token) => this.client.getAllBindings(token)))
    this.remember(openid, devices)
    return devices
  }

  /** The user's whole list, as the cloud gave it; kept without the sub-devices they may not see. */
  remember(openid: string, devices: BoundDevice[]): void {
    this.bindings.set(openid, { devices: visible(devices), at: Date.now() })
  }

  /** A page of the user's list without the sub-devices whose gateway they may not see. */
  async visibleOf(openid: string, page: BoundDevice[]): Promise<BoundDevice[]> {
    if (!page.some((device) => device.type === 'sub_dev')) return page
    const seen = new Set((await this.devicesOf(openid)).map((device) => device.did))
    return page.filter((device) => device.type !== 'sub_dev' || seen.has(device.did))
  }

  forget(openid: string): void {
    this.bindings.delete(openid)
    for (const key of this.misses.keys()) if (key.startsWith(`${openid}\u0000`)) this.misses.delete(key)
  }

  /** Someone's access to this device changed (guest removed, ownership moved, unbound): nobody's cache may vouch for it. */
  forgetDevice(did: string): void {
    for (const [openid, cached] of this.bindings) if (cached.devices.some((device) => device.did === did)) this.bindings.delete(openid)
  }

  /** The user's binding of this device; a device they have not bound is "not found", never forwarded. */
  async boundDevice(openid: string, did: string): Promise<BoundDevice> {
    const found = (await this.devicesOf(openid)).find((device) => device.did === did)
    if (found) return found
    const missKey = `${openid}\u0000${did}`
    const missedAt = this.misses.get(missKey)
    if (missedAt !== undefined && Date.now() - missedAt < MISS_TTL_MS) throw notFound()
    const refreshed = (await this.devicesOf(openid, { refresh: true })).find((device) => device.did === did)
    if (!refreshed) {
      if (this.misses.size >= MAX_MISSES) this.misses.delete(this.misses.keys().next().value!)
      this.misses.set(missKey, Date.now())
      throw notFound()
    }
    return refreshed
  }

  async product(productKey: string): Promise<{ definition: ProductDefinition; attrs: AttrItem[] }> {
    const cached = this.products.get(productKey)
    if (cached && Date.now() - cached.at < DATAPOINT_TTL_MS) return cached
    const definition = await this.client.getDatapoint(productKey)
    const entry = { definition, attrs: productAttrs(definition), at: Date.now() }
    this.products.set(productKey, entry)
    return entry
  }

  /** Product definitions a user may read: the configured products and those of their devices. */
  async mayReadProduct(openid: string, productKey: string): Promise<boolean> {
    if (this.allowedProducts().has(productKey)) return true
    return (await this.devicesOf(openid)).some((device) => device.product_key === productKey)
  }
}

/** Sub-devices whose gateway is not in the same list go: access to a sub-device is access to its gateway. */
function visible(devices: BoundDevice[]): BoundDevice[] {
  const dids = new Set(devices.map((device) => device.did))
  return devices.filter((device) => device.type !== 'sub_dev' || (device.gw_did !== null && device.gw_did !== undefined && dids.has(device.gw_did)))
}

function notFound(): ApiError {
  return new ApiError(404, 'device_not_found', 'device_not_found')
}
