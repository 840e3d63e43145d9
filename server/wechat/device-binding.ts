// Binding a device to a WeChat user from a push, without the user's page: the BFF can act as any user's Gizwits
// account (phone_id = openid). Devices are named the same way in both pushes that carry one:
// - a parametric QR's scene `bind:<product_key>:<mac>` (EventKey `qrscene_bind:…` on follow, `bind:…` on SCAN);
// - a hardware device_event, whose DeviceID we set to `<product_key>_<mac>` when authorising devices with WeChat.
import type { BoundDevice } from '@shared/open-api'
import type { GizwitsAccounts } from '../gizwits/gizwits-accounts'
import type { DeviceAccess } from '../gizwits/device-access'
import type { OpenApiClient } from '../gizwits/open-api-client'
import type { UserRepository } from '../store/user-repository'

export interface DeviceRef { productKey: string; mac: string }

const PRODUCT_KEY = '[0-9a-fA-F]{32}'
const MAC = '[0-9a-fA-F]{12}'

export function deviceFromScene(eventKey: string | undefined): DeviceRef | null {
  const match = new RegExp(`^(?:qrscene_)?bind:(${PRODUCT_KEY}):(${MAC})$`).exec(eventKey ?? '')
  return match ? { productKey: match[1].toLowerCase(), mac: match[2].toLowerCase() } : null
}

export function deviceFromDeviceId(deviceId: string | undefined): DeviceRef | null {
  const match = new RegExp(`^(${PRODUCT_KEY})_(${MAC})$`).exec(deviceId ?? '')
  return match ? { productKey: match[1].toLowerCase(), mac: match[2].toLowerCase() } : null
}

export class PushDeviceBinder {
  constructor(
    private readonly client: OpenApiClient,
    private readonly accounts: GizwitsAccounts,
    private readonly users: UserRepository,
    private readonly access: DeviceAccess,
    private readonly productSecrets: Map<string, string>,
  ) {}

  async bind(openid: string, device: DeviceRef): Promise<BoundDevice> {
    const secret = this.productSecrets.get(device.productKey)
    if (!secret) throw new Error(`product ${device.productKey} is not configured`)
    this.users.ensure(openid)
    const bound = await this.accounts.withToken(openid, (token) => this.client.bindMac(token, { product_key: device.productKey, mac: device.mac, set_owner: 1 }, secret))
    this.access.forget(openid)
    return bound
  }

  async unbind(openid: string, device: DeviceRef): Promise<void> {
    this.users.ensure(openid)
    const devices = await this.access.devicesOf(openid, { refresh: true })
    const bound = devices.find((candidate) => candidate.product_key === device.productKey && candidate.mac === device.mac)
    if (!bound) return
    await this.accounts.withToken(openid, (token) => this.client.unbind(token, [bound.did]))
    this.access.forget(openid)
  }
}
