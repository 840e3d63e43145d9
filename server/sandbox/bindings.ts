// Who is bound to which device, and in which role (seed 003 设备绑定): owner, guest, special and normal users, and
// what binding and unbinding do to the others. Each change is announced, so the app WebSocket tells the user.
import { EventEmitter } from 'node:events'
import type { SandboxClock } from './clock'
import type { Devices } from './devices'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import type { BindingStore } from './store/bindings'
import type { BindingRow } from './store/database'

interface BindingEvents {
  /** A user's binding appeared, went, or changed role in a way the user hears about (`s2c_binding_changed`). */
  binding: [uid: string, did: string, bind: boolean]
  /** The owner unbound: every other binding of the device is gone, and open invitations are void. */
  ownerLeft: [did: string]
}

export class Bindings extends EventEmitter<BindingEvents> {
  constructor(private readonly store: BindingStore, private readonly devices: Devices, private readonly clock: SandboxClock) {
    super()
    this.setMaxListeners(0)
  }

  ofUser(uid: string): BindingRow[] {
    return this.store.ofUser(uid)
  }

  get(uid: string, did: string): BindingRow | undefined {
    return this.store.get(uid, did)
  }

  /** Longest-bound first. */
  ofDevice(did: string): BindingRow[] {
    return this.store.ofDevice(did)
  }

  usersBoundTo(did: string): string[] {
    return this.ofDevice(did).map((row) => row.uid)
  }

  /**
   * A user binds a device (bind_mac, bind_latest, did + passcode), with seed 003's roles: on a product with sharing
   * on, `set_owner` makes the binder owner and nobody else binds while there is one (9092); otherwise the first
   * binder is special and later ones normal. Binding again keeps the role.
   */
  bindByUser(uid: string, did: string, fields: { setOwner: boolean; dev_alias?: string; remark?: string }): BindingRow {
    const existing = this.get(uid, did)
    if (existing) return existing
    const device = this.devices.get(did)!
    const others = this.ofDevice(did)
    if (device.product.sharing && others.some((row) => row.role === 'owner')) throw new GizwitsFailure(ErrorCode.OWNER_EXISTS)
    const role = device.product.sharing && fields.setOwner ? 'owner' : others.length === 0 ? 'special' : 'normal'
    return this.bind(uid, did, { role, dev_alias: fields.dev_alias, remark: fields.remark })
  }

  /** Binds with the given role (or gives an existing binding that role, alias, remark and expiry). */
  bind(uid: string, did: string, fields: { role: BindingRow['role']; dev_alias?: string; remark?: string; expiresAt?: number | null }): BindingRow {
    this.store.put(uid, did, { role: fields.role, dev_alias: fields.dev_alias ?? '', remark: fields.remark ?? '', expiresAt: fields.expiresAt ?? null }, this.clock.nowS())
    this.emit('binding', uid, did, true)
    return this.get(uid, did)!
  }

  /** A new role, silently (the user is not told); a time-limited guest's limit ends with it. */
  setRole(uid: string, did: string, role: BindingRow['role']): void {
    this.store.setRole(uid, did, role)
  }

  /** Tells the user their binding changed (a transfer made them owner). */
  announce(uid: string, did: string): void {
    this.emit('binding', uid, did, true)
  }

  /** Only this binding goes; use `unbindByUser` for what a user's unbinding does to the others. */
  unbind(uid: string, did: string): boolean {
    const removed = this.store.delete(uid, did)
    if (removed) this.emit('binding', uid, did, false)
    return removed
  }

  /**
   * A user unbinds (seed 003): when the owner goes, every binding of the device goes with it and open invitations
   * are cancelled (`ownerLeft`); when the special user goes, the longest-bound normal user becomes special.
   */
  unbindByUser(uid: string, did: string): boolean {
    const binding = this.get(uid, did)
    if (!binding) return false
    this.unbind(uid, did)
    if (binding.role === 'owner') {
      for (const other of this.ofDevice(did)) this.unbind(other.uid, did)
      this.emit('ownerLeft', did)
    }
    if (binding.role === 'special') {
      const next = this.ofDevice(did).find((row) => row.role === 'normal')
      if (next) this.setRole(next.uid, did, 'special')
    }
    return true
  }

  /** Guests of a time-limited share whose time is up lose the device. */
  sweepExpiredGuests(): void {
    for (const { uid, did } of this.store.expiredGuests(this.clock.nowS())) this.unbind(uid, did)
  }

  update(uid: string, did: string, fields: { remark?: string; dev_alias?: string; dev_label?: string[] }): BindingRow {
    const current = this.get(uid, did)!
    this.store.setDetails(uid, did, {
      remark: fields.remark ?? current.remark, dev_alias: fields.dev_alias ?? current.dev_alias, dev_label: fields.dev_label ? JSON.stringify(fields.dev_label) : current.dev_label,
    })
    return this.get(uid, did)!
  }
}
