// What a user may touch: their bindings (cached briefly, refreshed on a miss) and the product definitions.
import type { AttrItem, BoundDevice, ProductDefinition } from '@shared/open-api'
import { productAttrs } from '@shared/datapoint'
import { ApiError } from '../errors'
import type { GizwitsAccounts } from './gizwits-accounts'
import type { OpenApiClient } from './open-api-client'

const BINDINGS_TTL_MS = 30_000
const DATAPOINT_TTL_MS = 10 * 60_000

export class DeviceAccess {
  private bindings = new Map<string, { devices: BoundDevice[]; at: number }>()
  private products = new Map<string, { definition: ProductDefinition; attrs: AttrItem[]; at: number }>()

  constructor(
    private readonly client: OpenApiClient,
    private readonly accounts: GizwitsAccounts,
    private readonly allowedProducts: () => Set<string>,
  ) {}

  async devicesOf(openid: string, { refresh = false } = {}): Promise<BoundDevice[]> {
    const cached = this.bindings.get(openid)
    if (!refresh && cached && Date.now() - cached.at < BINDINGS_TTL_MS) return cached.devices
    const devices = await this.accounts.withToken(openid, (token) => this.client.getAllBindings(token))
    this.remember(openid, devices)
    return devices
  }

  remember(openid: string, devices: BoundDevice[]): void {
    this.bindings.set(openid, { devices, at: Date.now() })
  }

  forget(openid: string): void {
    this.bindings.delete(openid)
  }

  /** The user's binding of this device; a device they have not bound is "not found", never forwarded. */
  async boundDevice(openid: string, did: string): Promise<BoundDevice> {
    const found = (await this.devicesOf(openid)).find((device) => device.did === did)
    if (found) return found
    const refreshed = (await this.devicesOf(openid, { refresh: true })).find((device) => device.did === did)
    if (!refreshed) throw new ApiError(404, 'device_not_found', 'device_not_found')
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
