// Gateways and their sub-devices (Gizwits central control): which sub-device has joined which gateway, the
// gateway's pairing window, and what a join or a removal does to bindings and online state. Modelled on Gizwits'
// central-control model: a gateway binds like any device (`type: center_control`), its sub-devices are bound to
// the gateway's users as `type: sub_dev` with `gw_did`, and SNoti announces `sub_device_added` / `_deleted`
// (README, "Gateways and sub-devices" for the sources). A sub-device reaches the cloud only through its gateway,
// so it is offline whenever that gateway is.
import { EventEmitter } from 'node:events'
import type { Bindings } from './bindings'
import type { SandboxClock } from './clock'
import type { Devices } from './devices'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import type { GatewayStore } from './store/gateways'

/** The pairing window a user may ask for: Gizwits' apps open it for 60–255 s (Zigbee permit-join's limit). */
export const PAIRING_DEFAULT_S = 120
export const PAIRING_MAX_S = 254

interface GatewayEvents {
  /** A sub-device joined (`added`) or was removed from a gateway. */
  subDevice: [gwDid: string, did: string, added: boolean]
  /** The gateway's pairing window opened (with when it closes) or closed (`null`). */
  pairing: [gwDid: string, closesAt: number | null]
}

export class Gateways extends EventEmitter<GatewayEvents> {
  private readonly gatewayOf = new Map<string, string>()
  /** Gateway did → when its pairing window closes (sandbox seconds). */
  private readonly windows = new Map<string, number>()

  constructor(private readonly store: GatewayStore, private readonly devices: Devices, private readonly bindings: Bindings, private readonly clock: SandboxClock) {
    super()
    this.setMaxListeners(0)
    for (const row of store.children()) this.gatewayOf.set(row.did, row.gw_did)
    // A sub-device on the shelf has no way to the cloud.
    for (const device of devices.values()) {
      if (device.product.kind === 'sub_dev' && !this.gatewayOf.has(device.seed.did)) devices.setOnline(device.seed.did, false)
    }
    devices.on('online', (did, online) => {
      if (!this.isGateway(did)) return
      for (const child of this.childrenOf(did)) devices.setOnline(child, online)
      if (!online) this.closePairing(did)
    })
    bindings.on('binding', (uid, did, bind) => this.followGateway(uid, did, bind))
  }

  isGateway(did: string): boolean {
    return this.devices.get(did)?.product.kind === 'center_control'
  }

  gatewayOfDevice(did: string): string | undefined {
    return this.gatewayOf.get(did)
  }

  childrenOf(gwDid: string): string[] {
    return [...this.gatewayOf].filter(([, gw]) => gw === gwDid).map(([did]) => did)
  }

  /** Seconds left in the gateway's pairing window (0 when closed); a window whose time is up closes here. */
  pairingLeft(gwDid: string): number {
    const closesAt = this.windows.get(gwDid)
    if (closesAt === undefined) return 0
    const left = closesAt - this.clock.nowS()
    if (left > 0) return left
    this.closePairing(gwDid)
    return 0
  }

  /** Opens the pairing window (SDK04 central control 0x56 "add sub-device"): sub-devices may join until it closes. */
  openPairing(gwDid: string, seconds = PAIRING_DEFAULT_S): number {
    if (!this.isGateway(gwDid)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'not a central-control device')
    if (!this.devices.get(gwDid)!.online) throw new GizwitsFailure(ErrorCode.DEVICE_OFFLINE)
    const closesAt = this.clock.nowS() + Math.min(PAIRING_MAX_S, Math.max(1, Math.round(seconds)))
    this.windows.set(gwDid, closesAt)
    this.emit('pairing', gwDid, closesAt)
    return closesAt
  }

  closePairing(gwDid: string): void {
    if (this.windows.delete(gwDid)) this.emit('pairing', gwDid, null)
  }

  /** Every gateway whose window is open now (what a sub-device in pairing mode can hear). */
  openGateways(): string[] {
    return [...this.windows.keys()].filter((gwDid) => this.pairingLeft(gwDid) > 0)
  }

  /**
   * A sub-device's pairing button was pressed: it joins the gateway whose window is open (the one named, or the
   * only one open). Returns the gateway, or null when no window is open for it, as a real sub-device just blinks.
   */
  join(did: string, gwDid?: string): string | null {
    const device = this.devices.get(did)
    if (device?.product.kind !== 'sub_dev') throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'not a sub-device')
    const open = this.openGateways()
    const target = gwDid ? (open.includes(gwDid) ? gwDid : undefined) : open.length === 1 ? open[0] : undefined
    if (!target) return null
    const previous = this.gatewayOf.get(did)
    if (previous === target) return target
    // A sub-device that is reset and paired again leaves its old gateway first.
    if (previous) this.remove(previous, did)
    this.store.join(did, target, this.clock.nowS())
    this.gatewayOf.set(did, target)
    this.devices.setOnline(did, this.devices.get(target)!.online)
    for (const row of this.bindings.ofDevice(target)) this.bindings.bind(row.uid, did, { role: row.role })
    this.countChildren(target)
    this.emit('subDevice', target, did, true)
    return target
  }

  /** The gateway forgets a sub-device (SDK04 0x58): every binding of it goes, and it is back on the shelf. */
  remove(gwDid: string, did: string): void {
    if (this.gatewayOf.get(did) !== gwDid) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND, 'no such sub-device on this gateway')
    for (const row of this.bindings.ofDevice(did)) this.bindings.unbind(row.uid, did)
    this.store.leave(did)
    this.gatewayOf.delete(did)
    this.devices.setOnline(did, false)
    this.countChildren(gwDid)
    this.emit('subDevice', gwDid, did, false)
  }

  private countChildren(gwDid: string): void {
    if (this.devices.get(gwDid)?.online) this.devices.report(gwDid, { Sub_Count: this.childrenOf(gwDid).length })
  }

  /**
   * Sub-devices' bindings follow their gateway's: whoever is bound to the gateway (owner, guest, special, normal)
   * is bound to its sub-devices in the same role, and loses them with it. A user's own name for a sub-device
   * survives a role change.
   */
  private followGateway(uid: string, did: string, bind: boolean): void {
    if (!this.isGateway(did)) return
    const hub = this.bindings.get(uid, did)
    for (const child of this.childrenOf(did)) {
      const mine = this.bindings.get(uid, child)
      if (!bind || !hub) {
        if (mine) this.bindings.unbind(uid, child)
      } else if (!mine) this.bindings.bind(uid, child, { role: hub.role })
      else if (mine.role !== hub.role) this.bindings.setRole(uid, child, hub.role)
    }
  }
}
