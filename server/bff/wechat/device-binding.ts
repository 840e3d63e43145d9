// Binding a device to a WeChat user from a push, without the user's page: the BFF can act as any user's Gizwits
// account (phone_id = openid). A push names a device in one of two ways, and both must carry the device label's
// signature (server/labels/label-signature.ts), because a product_key and a MAC are things anyone could type:
// - a parametric QR's scene `bind:<product_key>:<mac>:<sig>` (EventKey `qrscene_bind:…` on follow, `bind:…` on SCAN;
//   63 characters, within WeChat's 64 for scene_str);
// - a hardware device_event, whose DeviceID we set to `<product_key>_<mac>_<sig>` when authorising devices with WeChat.
// A scene or device id without a valid signature binds nothing; the binding itself goes through the same guard as
// the app's bind page (one refusal, attempts limited per user and per device).
import type { BoundDevice } from '@shared/open-api'
import { LABEL_SIG_LENGTH } from '@shared/device-label'
import { ApiError } from '../errors'
import type { BindingChanges } from '../gizwits/binding-changes'
import { BindErrorCode, type BindingGuard } from '../gizwits/binding-guard'
import type { GizwitsAccounts } from '../gizwits/gizwits-accounts'
import type { DeviceAccess } from '../gizwits/device-access'
import type { OpenApiClient } from '../gizwits/open-api-client'
import type { UserRepository } from '../store/user-repository'

/** A device named by a push; `sig` is null for the old forms (no signature), which cannot bind. */
export interface DeviceRef { productKey: string; mac: string; sig: string | null }

const PRODUCT_KEY = '[0-9a-fA-F]{32}'
const MAC = '[0-9a-fA-F]{12}'
const SIG = `[A-Za-z0-9_-]{${LABEL_SIG_LENGTH}}`

export function deviceFromScene(eventKey: string | undefined): DeviceRef | null {
  const match = new RegExp(`^(?:qrscene_)?bind:(${PRODUCT_KEY}):(${MAC})(?::(${SIG}))?$`).exec(eventKey ?? '')
  return match ? { productKey: match[1].toLowerCase(), mac: match[2].toLowerCase(), sig: match[3] ?? null } : null
}

export function deviceFromDeviceId(deviceId: string | undefined): DeviceRef | null {
  const match = new RegExp(`^(${PRODUCT_KEY})_(${MAC})(?:_(${SIG}))?$`).exec(deviceId ?? '')
  return match ? { productKey: match[1].toLowerCase(), mac: match[2].toLowerCase(), sig: match[3] ?? null } : null
}

export class PushDeviceBinder {
  constructor(
    private readonly guard: BindingGuard,
    private readonly client: OpenApiClient,
    private readonly accounts: GizwitsAccounts,
    private readonly users: UserRepository,
    private readonly access: DeviceAccess,
    private readonly changes: BindingChanges,
  ) {}

  async bind(openid: string, device: DeviceRef): Promise<BoundDevice> {
    if (!device.sig) throw new ApiError(400, BindErrorCode.REFUSED, 'bind_refused')
    await this.users.ensure(openid)
    return this.guard.bindLabel(openid, { productKey: device.productKey, mac: device.mac, sig: device.sig })
  }

  async unbind(openid: string, device: DeviceRef): Promise<void> {
    await this.users.ensure(openid)
    const devices = await this.access.devicesOf(openid, { refresh: true })
    const bound = devices.find((candidate) => candidate.product_key === device.productKey && candidate.mac === device.mac)
    if (!bound) return
    await this.accounts.withToken(openid, (token) => this.client.unbind(token, [bound.did]))
    this.changes.devicesChanged([bound.did], openid)
  }
}
