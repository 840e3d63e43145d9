// Device sharing and the message centre as seed 003 describes them: invitations (normal 24 h, QR 15 min), their
// states, guests, ownership transfer, and the messages each step leaves for the owner and the guest.
import { randomBytes } from 'node:crypto'
import type { AppMessage, Guest, Sharing } from '@shared/open-api'
import type { Accounts } from './accounts'
import type { Bindings } from './bindings'
import type { SandboxClock } from './clock'
import type { Devices } from './devices'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { SharingStatus, type SharingRow, type SharingStatusValue } from './store/database'
import type { SharingStore } from './store/sharings'

const NORMAL_SHARE_TTL_S = 24 * 3600
const QR_SHARE_TTL_S = 15 * 60

const { WAITING, ACCEPTED, REJECTED, CANCELLED } = SharingStatus
/** The message centre's type for sharing messages (seed 003 消息中心). */
const SHARING_MESSAGE = 1
/** The message centre's type for everything else: the notices linkage rules send (automation/rule-engine.ts). */
const SYSTEM_MESSAGE = 2

const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** How the cloud names an anonymous user to others: part of the uid, like `G****s` for a username. */
const maskedUser = (uid: string) => `${uid.slice(0, 3)}****${uid.slice(-3)}`

export class SharingDesk {
  constructor(
    private readonly store: SharingStore,
    private readonly accounts: Accounts,
    private readonly bindings: Bindings,
    private readonly devices: Devices,
    private readonly clock: SandboxClock,
  ) {
    // The owner unbinding ends every binding of the device; invitations still waiting die with them.
    bindings.on('ownerLeft', (did) => this.store.cancelAll(did, WAITING, this.now()))
  }

  private now(): number {
    return this.clock.nowS()
  }

  private deviceName(did: string, ownerUid: string): string {
    const alias = this.bindings.get(ownerUid, did)?.dev_alias
    return alias || this.devices.get(did)!.product.definition.name
  }

  private owningBinding(uid: string, did: string) {
    if (!this.devices.has(did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    const binding = this.bindings.get(uid, did)
    if (!binding) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    return binding
  }

  private row(id: number): SharingRow {
    const row = this.store.get(id)
    if (!row) throw new GizwitsFailure(ErrorCode.SHARING_NOT_FOUND)
    return row
  }

  private setStatus(id: number, status: SharingStatusValue, guestUid?: string): void {
    this.store.setStatus(id, status, guestUid ?? null, this.now())
  }

  /** A system message for this user (a linkage rule's notify step). */
  notice(uid: string, content: string): void {
    this.store.addMessage(randomBytes(12).toString('hex'), uid, SYSTEM_MESSAGE, content, this.now())
  }

  private tell(uid: string, content: string): void {
    this.store.addMessage(randomBytes(12).toString('hex'), uid, SHARING_MESSAGE, content, this.now())
  }

  private becomeGuest(row: SharingRow, guestUid: string): void {
    this.bindings.bind(guestUid, row.did, { role: 'guest', expiresAt: row.duration_min ? this.now() + row.duration_min * 60 : null })
  }

  // ---- invitations ----

  create(ownerUid: string, input: { type: 0 | 1; did: string; uid?: string; username?: string; email?: string; phone?: string; duration?: number }): { id: number | null; qr_content: string | null } {
    const binding = this.owningBinding(ownerUid, input.did)
    const device = this.devices.get(input.did)!
    if (!device.product.sharing) throw new GizwitsFailure(ErrorCode.ONLY_OWNER_CAN_SHARE, 'sharing is off for this product')
    // The special user of a product with sharing on becomes its owner by sharing, and the normal users its guests.
    if (binding.role === 'special') {
      this.bindings.setRole(ownerUid, input.did, 'owner')
      for (const other of this.bindings.ofDevice(input.did)) if (other.role === 'normal') this.bindings.setRole(other.uid, input.did, 'guest')
    } else if (binding.role !== 'owner') throw new GizwitsFailure(ErrorCode.ONLY_OWNER_CAN_SHARE)
    if (input.duration !== undefined && (!Number.isInteger(input.duration) || input.duration < 1 || input.duration > 1440)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'duration must be 1–1440 minutes')
    const now = this.now()
    const name = this.deviceName(input.did, ownerUid)
    if (input.type === 1) {
      const code = randomBytes(16).toString('hex')
      this.store.insert({ type: 1, did: input.did, ownerUid, guestUid: null, code, durationMin: input.duration ?? null, expiredAt: now + QR_SHARE_TTL_S }, now)
      return { qr_content: `type=share&code=${code}`, id: null }
    }
    if (input.username || input.email || input.phone) throw new GizwitsFailure(ErrorCode.GUEST_NOT_FOUND, 'anonymous users can only be found by uid')
    const guestUid = input.uid
    if (!guestUid) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give uid, username, email or phone')
    if (!this.accounts.profile(guestUid)) throw new GizwitsFailure(ErrorCode.GUEST_NOT_FOUND)
    if (guestUid === ownerUid) throw new GizwitsFailure(ErrorCode.CANNOT_SHARE_TO_SELF)
    if (this.bindings.get(guestUid, input.did)) throw new GizwitsFailure(ErrorCode.GUEST_ALREADY_BOUND)
    if (this.store.hasWaiting(input.did, guestUid, now)) throw new GizwitsFailure(ErrorCode.SHARING_WAITING)
    const id = this.store.insert({ type: 0, did: input.did, ownerUid, guestUid, code: null, durationMin: input.duration ?? null, expiredAt: now + NORMAL_SHARE_TTL_S }, now)
    this.tell(ownerUid, `您给 ${maskedUser(guestUid)} 共享了设备 ${name}!`)
    this.tell(guestUid, `${maskedUser(ownerUid)} 给您共享了设备 ${name}!`)
    return { id, qr_content: null }
  }

  /** sharing_type 0: what I shared (the guest's details); 1: what was shared with me (the owner's details). */
  list(uid: string, query: { sharing_type: 0 | 1; status?: number[]; did?: string; limit: number; skip: number }): { total: number; objects: Sharing[] } {
    const mine = query.sharing_type === 0
    const rows = this.store.listFor(uid, mine ? 'owner' : 'guest')
      .filter((row) => (!query.status || query.status.includes(row.status)) && (!query.did || row.did === query.did))
    const objects = rows.slice(query.skip, query.skip + query.limit).map((row): Sharing => {
      const other = mine ? row.guest_uid : row.owner_uid
      return {
        status: row.status, username: other ? maskedUser(other) : null, uid: other, did: row.did, created_at: isoTime(row.created_at), updated_at: isoTime(row.updated_at),
        email: null, phone: null, dev_alias: this.bindings.get(row.owner_uid, row.did)?.dev_alias ?? '', id: row.id, user_alias: row.user_alias, type: row.type,
        product_name: this.devices.get(row.did)!.product.definition.name, expired_at: isoTime(row.expired_at),
      }
    })
    return { total: rows.length, objects }
  }

  /** Cancel an invitation, or take back an accepted normal share (the guest's binding goes). */
  cancel(ownerUid: string, id: number): { id: number } {
    const row = this.row(id)
    if (row.owner_uid !== ownerUid) throw new GizwitsFailure(ErrorCode.NOT_OWNER)
    if (row.status === CANCELLED) throw new GizwitsFailure(ErrorCode.SHARING_ALREADY_CANCELLED)
    if (row.status === REJECTED) throw new GizwitsFailure(ErrorCode.SHARING_NOT_WAITING)
    if (row.status === ACCEPTED && row.type === 1) throw new GizwitsFailure(ErrorCode.SHARING_NOT_WAITING, 'a QR share cannot be taken back; remove the guest binding instead')
    const name = this.deviceName(row.did, ownerUid)
    this.setStatus(id, CANCELLED)
    if (row.status === ACCEPTED && row.guest_uid) {
      this.bindings.unbind(row.guest_uid, row.did)
      this.tell(row.guest_uid, `${maskedUser(ownerUid)} 收回了共享给您的设备 ${name}`)
    }
    this.tell(ownerUid, `您取消了对 ${row.guest_uid ? maskedUser(row.guest_uid) : '二维码'} 的设备共享 ${name}`)
    return { id }
  }

  private checkOpen(row: SharingRow): void {
    if (row.status !== WAITING) throw new GizwitsFailure(row.status === CANCELLED ? ErrorCode.SHARING_ALREADY_CANCELLED : ErrorCode.SHARING_NOT_WAITING)
    if (row.expired_at <= this.now()) throw new GizwitsFailure(ErrorCode.SHARING_EXPIRED)
  }

  respond(guestUid: string, id: number, accept: boolean): { id: number } {
    const row = this.row(id)
    if (row.type !== 0 || row.guest_uid !== guestUid) throw new GizwitsFailure(ErrorCode.NOT_GUEST)
    this.checkOpen(row)
    const name = this.deviceName(row.did, row.owner_uid)
    if (!accept) {
      this.setStatus(id, REJECTED)
      this.tell(row.owner_uid, `${maskedUser(guestUid)} 拒绝了您共享的设备 ${name}`)
      return { id }
    }
    if (!this.bindings.get(row.owner_uid, row.did)) throw new GizwitsFailure(ErrorCode.OWNER_BINDING_DISABLED)
    this.setStatus(id, ACCEPTED)
    this.becomeGuest(row, guestUid)
    this.tell(row.owner_uid, `${maskedUser(guestUid)} 接受了您共享的设备 ${name}`)
    this.tell(guestUid, `您接受了 ${maskedUser(row.owner_uid)} 共享的设备 ${name}`)
    return { id }
  }

  private byCode(uid: string, code: string): SharingRow {
    const row = this.store.byCode(code)
    if (!row) throw new GizwitsFailure(ErrorCode.SHARING_NOT_FOUND)
    if (row.owner_uid === uid) throw new GizwitsFailure(ErrorCode.NOT_GUEST)
    this.checkOpen(row)
    return row
  }

  codeInfo(uid: string, code: string): { owner: string; product_name: string; dev_alias: string; expired_at: string } {
    const row = this.byCode(uid, code)
    return {
      owner: maskedUser(row.owner_uid),
      product_name: this.devices.get(row.did)!.product.definition.name,
      dev_alias: this.bindings.get(row.owner_uid, row.did)?.dev_alias ?? '',
      expired_at: isoTime(row.expired_at),
    }
  }

  acceptCode(guestUid: string, code: string): void {
    const row = this.byCode(guestUid, code)
    if (this.bindings.get(guestUid, row.did)) throw new GizwitsFailure(ErrorCode.GUEST_ALREADY_BOUND)
    if (!this.bindings.get(row.owner_uid, row.did)) throw new GizwitsFailure(ErrorCode.OWNER_BINDING_DISABLED)
    this.setStatus(row.id, ACCEPTED, guestUid)
    this.becomeGuest(row, guestUid)
    const name = this.deviceName(row.did, row.owner_uid)
    this.tell(row.owner_uid, `您给 ${maskedUser(guestUid)} 共享了设备 ${name}!`)
    this.tell(guestUid, `${maskedUser(row.owner_uid)} 给您共享了设备 ${name}!`)
  }

  setAlias(ownerUid: string, id: number, alias: string): void {
    const row = this.row(id)
    if (row.owner_uid !== ownerUid) throw new GizwitsFailure(ErrorCode.ONLY_SELF_CAN_MODIFY_ALIAS)
    this.store.setAlias(id, alias, this.now())
  }

  // ---- guests and ownership ----

  private requireOwner(uid: string, did: string): void {
    if (this.owningBinding(uid, did).role !== 'owner') throw new GizwitsFailure(ErrorCode.NOT_OWNER)
  }

  guests(ownerUid: string, did: string): Guest[] {
    this.requireOwner(ownerUid, did)
    return this.bindings.ofDevice(did).filter((row) => row.role === 'guest').map((row) => ({
      uid: row.uid, username: maskedUser(row.uid), phone: null, email: null, created_at: isoTime(row.created_at),
    }))
  }

  removeGuest(ownerUid: string, did: string, guestUid: string): void {
    this.requireOwner(ownerUid, did)
    if (guestUid === ownerUid) throw new GizwitsFailure(ErrorCode.CANNOT_UNBIND_SELF)
    if (this.bindings.get(guestUid, did)?.role !== 'guest') throw new GizwitsFailure(ErrorCode.GUEST_NOT_FOUND)
    this.bindings.unbind(guestUid, did)
    this.store.cancelAll(did, ACCEPTED, this.now(), { guestUid })
    const name = this.deviceName(did, ownerUid)
    this.tell(guestUid, `${maskedUser(ownerUid)} 收回了共享给您的设备 ${name}`)
    this.tell(ownerUid, `您收回了共享给 ${maskedUser(guestUid)} 的设备 ${name}`)
  }

  /** The guest becomes owner; the old owner is unbound (seed 003). */
  transfer(ownerUid: string, did: string, guestUid: string): void {
    this.requireOwner(ownerUid, did)
    if (this.bindings.get(guestUid, did)?.role !== 'guest') throw new GizwitsFailure(ErrorCode.GUEST_NOT_FOUND)
    const name = this.deviceName(did, ownerUid)
    this.bindings.setRole(guestUid, did, 'owner')
    this.bindings.unbind(ownerUid, did)
    this.store.cancelAll(did, WAITING, this.now(), { ownerUid })
    this.bindings.announce(guestUid, did)
    this.tell(guestUid, `${maskedUser(ownerUid)} 把设备 ${name} 转让给了您，您现在是主人`)
    this.tell(ownerUid, `您把设备 ${name} 转让给了 ${maskedUser(guestUid)}`)
  }

  // ---- messages ----

  messages(uid: string, query: { type?: number; limit: number; skip: number }): { total: number; objects: AppMessage[] } {
    const rows = this.store.messagesOf(uid)
      .filter((row) => query.type === undefined || row.type === query.type)
    return {
      total: rows.length,
      objects: rows.slice(query.skip, query.skip + query.limit).map((row) => ({ ...row, created_at: isoTime(row.created_at), updated_at: isoTime(row.updated_at) })),
    }
  }

  markMessage(uid: string, id: string, status: 1 | 2): void {
    const row = this.store.message(id)
    if (!row) throw new GizwitsFailure(ErrorCode.MESSAGE_NOT_FOUND)
    if (row.uid !== uid) throw new GizwitsFailure(ErrorCode.NOT_RECEIVER)
    this.store.setMessageStatus(id, status, this.now())
  }
}
