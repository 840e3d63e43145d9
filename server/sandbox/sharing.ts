// Device sharing and the message centre as seed 003 describes them: invitations (normal 24 h, QR 15 min), their
// states, guests, ownership transfer, and the messages each step leaves for the owner and the guest.
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { AppMessage, Guest, Sharing } from '@shared/open-api'
import { GizwitsFailure } from './gizwits-errors'
import type { SharingRow } from './store'
import type { World } from './world'

export const NORMAL_SHARE_TTL_S = 24 * 3600
export const QR_SHARE_TTL_S = 15 * 60

const WAITING = 0
const ACCEPTED = 1
const REJECTED = 2
const CANCELLED = 3
const SHARING_MESSAGE = 1

export const isoTime = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** How the cloud names an anonymous user to others: part of the uid, like `G****s` for a username. */
export const maskedUser = (uid: string) => `${uid.slice(0, 3)}****${uid.slice(-3)}`

export class SharingDesk {
  constructor(private readonly db: Database.Database, private readonly world: World) {}

  private now(): number {
    return this.world.clock.nowS()
  }

  private deviceName(did: string, ownerUid: string): string {
    const alias = this.world.binding(ownerUid, did)?.dev_alias
    return alias || this.world.devices.get(did)!.product.definition.name
  }

  private owningBinding(uid: string, did: string) {
    if (!this.world.devices.has(did)) throw new GizwitsFailure(9014)
    const binding = this.world.binding(uid, did)
    if (!binding) throw new GizwitsFailure(9017)
    return binding
  }

  private row(id: number): SharingRow {
    const row = this.db.prepare('SELECT * FROM sharings WHERE id = ?').get(id) as SharingRow | undefined
    if (!row) throw new GizwitsFailure(9084)
    return row
  }

  private setStatus(id: number, status: number, guestUid?: string): void {
    this.db.prepare('UPDATE sharings SET status = ?, guest_uid = COALESCE(?, guest_uid), updated_at = ? WHERE id = ?').run(status, guestUid ?? null, this.now(), id)
  }

  private tell(uid: string, content: string): void {
    const now = this.now()
    this.db.prepare('INSERT INTO messages (id, uid, type, status, content, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?)').run(randomBytes(12).toString('hex'), uid, SHARING_MESSAGE, content, now, now)
  }

  private becomeGuest(row: SharingRow, guestUid: string): void {
    this.world.bind(guestUid, row.did, { role: 'guest', expiresAt: row.duration_min ? this.now() + row.duration_min * 60 : null })
  }

  // ---- invitations ----

  create(ownerUid: string, input: { type: 0 | 1; did: string; uid?: string; username?: string; email?: string; phone?: string; duration?: number }): { id: number | null; qr_content: string | null } {
    const binding = this.owningBinding(ownerUid, input.did)
    const device = this.world.devices.get(input.did)!
    if (!device.product.sharing) throw new GizwitsFailure(9081, 'sharing is off for this product')
    // The special user of a product with sharing on becomes its owner by sharing, and the normal users its guests.
    if (binding.role === 'special') {
      this.world.setRole(ownerUid, input.did, 'owner')
      for (const other of this.world.bindingsOfDevice(input.did)) if (other.role === 'normal') this.world.setRole(other.uid, input.did, 'guest')
    } else if (binding.role !== 'owner') throw new GizwitsFailure(9081)
    if (input.duration !== undefined && (!Number.isInteger(input.duration) || input.duration < 1 || input.duration > 1440)) throw new GizwitsFailure(9015, 'duration must be 1–1440 minutes')
    const now = this.now()
    const name = this.deviceName(input.did, ownerUid)
    if (input.type === 1) {
      const code = randomBytes(16).toString('hex')
      this.db
        .prepare('INSERT INTO sharings (type, status, did, owner_uid, guest_uid, code, duration_min, created_at, updated_at, expired_at) VALUES (1, 0, ?, ?, NULL, ?, ?, ?, ?, ?)')
        .run(input.did, ownerUid, code, input.duration ?? null, now, now, now + QR_SHARE_TTL_S)
      return { qr_content: `type=share&code=${code}`, id: null }
    }
    if (input.username || input.email || input.phone) throw new GizwitsFailure(9082, 'anonymous users can only be found by uid')
    const guestUid = input.uid
    if (!guestUid) throw new GizwitsFailure(9015, 'give uid, username, email or phone')
    if (!this.world.userProfile(guestUid)) throw new GizwitsFailure(9082)
    if (guestUid === ownerUid) throw new GizwitsFailure(9080)
    if (this.world.binding(guestUid, input.did)) throw new GizwitsFailure(9083)
    const waiting = this.db.prepare('SELECT id FROM sharings WHERE did = ? AND guest_uid = ? AND status = 0 AND expired_at > ?').get(input.did, guestUid, now)
    if (waiting) throw new GizwitsFailure(9087)
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO sharings (type, status, did, owner_uid, guest_uid, code, duration_min, created_at, updated_at, expired_at) VALUES (0, 0, ?, ?, ?, NULL, ?, ?, ?, ?)')
      .run(input.did, ownerUid, guestUid, input.duration ?? null, now, now, now + NORMAL_SHARE_TTL_S)
    this.tell(ownerUid, `您给 ${maskedUser(guestUid)} 共享了设备 ${name}!`)
    this.tell(guestUid, `${maskedUser(ownerUid)} 给您共享了设备 ${name}!`)
    return { id: Number(lastInsertRowid), qr_content: null }
  }

  /** sharing_type 0: what I shared (the guest's details); 1: what was shared with me (the owner's details). */
  list(uid: string, query: { sharing_type: 0 | 1; status?: number[]; did?: string; limit: number; skip: number }): { total: number; objects: Sharing[] } {
    const mine = query.sharing_type === 0
    const rows = (this.db.prepare(`SELECT * FROM sharings WHERE ${mine ? 'owner_uid' : 'guest_uid'} = ? ORDER BY id DESC`).all(uid) as SharingRow[])
      .filter((row) => (!query.status || query.status.includes(row.status)) && (!query.did || row.did === query.did))
    const objects = rows.slice(query.skip, query.skip + query.limit).map((row): Sharing => {
      const other = mine ? row.guest_uid : row.owner_uid
      return {
        status: row.status, username: other ? maskedUser(other) : null, uid: other, did: row.did, created_at: isoTime(row.created_at), updated_at: isoTime(row.updated_at),
        email: null, phone: null, dev_alias: this.world.binding(row.owner_uid, row.did)?.dev_alias ?? '', id: row.id, user_alias: row.user_alias, type: row.type,
        product_name: this.world.devices.get(row.did)!.product.definition.name, expired_at: isoTime(row.expired_at),
      }
    })
    return { total: rows.length, objects }
  }

  /** Cancel an invitation, or take back an accepted normal share (the guest's binding goes). */
  cancel(ownerUid: string, id: number): { id: number } {
    const row = this.row(id)
    if (row.owner_uid !== ownerUid) throw new GizwitsFailure(9093)
    if (row.status === CANCELLED) throw new GizwitsFailure(9094)
    if (row.status === REJECTED) throw new GizwitsFailure(9089)
    if (row.status === ACCEPTED && row.type === 1) throw new GizwitsFailure(9089, 'a QR share cannot be taken back; remove the guest binding instead')
    const name = this.deviceName(row.did, ownerUid)
    this.setStatus(id, CANCELLED)
    if (row.status === ACCEPTED && row.guest_uid) {
      this.world.unbind(row.guest_uid, row.did)
      this.tell(row.guest_uid, `${maskedUser(ownerUid)} 收回了共享给您的设备 ${name}`)
    }
    this.tell(ownerUid, `您取消了对 ${row.guest_uid ? maskedUser(row.guest_uid) : '二维码'} 的设备共享 ${name}`)
    return { id }
  }

  private checkOpen(row: SharingRow): void {
    if (row.status !== WAITING) throw new GizwitsFailure(row.status === CANCELLED ? 9094 : 9089)
    if (row.expired_at <= this.now()) throw new GizwitsFailure(9088)
  }

  respond(guestUid: string, id: number, accept: boolean): { id: number } {
    const row = this.row(id)
    if (row.type !== 0 || row.guest_uid !== guestUid) throw new GizwitsFailure(9096)
    this.checkOpen(row)
    const name = this.deviceName(row.did, row.owner_uid)
    if (!accept) {
      this.setStatus(id, REJECTED)
      this.tell(row.owner_uid, `${maskedUser(guestUid)} 拒绝了您共享的设备 ${name}`)
      return { id }
    }
    if (!this.world.binding(row.owner_uid, row.did)) throw new GizwitsFailure(9090)
    this.setStatus(id, ACCEPTED)
    this.becomeGuest(row, guestUid)
    this.tell(row.owner_uid, `${maskedUser(guestUid)} 接受了您共享的设备 ${name}`)
    this.tell(guestUid, `您接受了 ${maskedUser(row.owner_uid)} 共享的设备 ${name}`)
    return { id }
  }

  private byCode(uid: string, code: string): SharingRow {
    const row = this.db.prepare('SELECT * FROM sharings WHERE code = ?').get(code) as SharingRow | undefined
    if (!row) throw new GizwitsFailure(9084)
    if (row.owner_uid === uid) throw new GizwitsFailure(9096)
    this.checkOpen(row)
    return row
  }

  codeInfo(uid: string, code: string): { owner: string; product_name: string; dev_alias: string; expired_at: string } {
    const row = this.byCode(uid, code)
    return {
      owner: maskedUser(row.owner_uid),
      product_name: this.world.devices.get(row.did)!.product.definition.name,
      dev_alias: this.world.binding(row.owner_uid, row.did)?.dev_alias ?? '',
      expired_at: isoTime(row.expired_at),
    }
  }

  acceptCode(guestUid: string, code: string): void {
    const row = this.byCode(guestUid, code)
    if (this.world.binding(guestUid, row.did)) throw new GizwitsFailure(9083)
    if (!this.world.binding(row.owner_uid, row.did)) throw new GizwitsFailure(9090)
    this.setStatus(row.id, ACCEPTED, guestUid)
    this.becomeGuest(row, guestUid)
    const name = this.deviceName(row.did, row.owner_uid)
    this.tell(row.owner_uid, `您给 ${maskedUser(guestUid)} 共享了设备 ${name}!`)
    this.tell(guestUid, `${maskedUser(row.owner_uid)} 给您共享了设备 ${name}!`)
  }

  setAlias(ownerUid: string, id: number, alias: string): void {
    const row = this.row(id)
    if (row.owner_uid !== ownerUid) throw new GizwitsFailure(9100)
    this.db.prepare('UPDATE sharings SET user_alias = ?, updated_at = ? WHERE id = ?').run(alias, this.now(), id)
  }

  // ---- guests and ownership ----

  private requireOwner(uid: string, did: string): void {
    if (this.owningBinding(uid, did).role !== 'owner') throw new GizwitsFailure(9093)
  }

  guests(ownerUid: string, did: string): Guest[] {
    this.requireOwner(ownerUid, did)
    return this.world.bindingsOfDevice(did).filter((row) => row.role === 'guest').map((row) => ({
      uid: row.uid, username: maskedUser(row.uid), phone: null, email: null, created_at: isoTime(row.created_at),
    }))
  }

  removeGuest(ownerUid: string, did: string, guestUid: string): void {
    this.requireOwner(ownerUid, did)
    if (guestUid === ownerUid) throw new GizwitsFailure(9095)
    if (this.world.binding(guestUid, did)?.role !== 'guest') throw new GizwitsFailure(9082)
    this.world.unbind(guestUid, did)
    this.db.prepare('UPDATE sharings SET status = 3, updated_at = ? WHERE did = ? AND guest_uid = ? AND status = 1').run(this.now(), did, guestUid)
    const name = this.deviceName(did, ownerUid)
    this.tell(guestUid, `${maskedUser(ownerUid)} 收回了共享给您的设备 ${name}`)
    this.tell(ownerUid, `您收回了共享给 ${maskedUser(guestUid)} 的设备 ${name}`)
  }

  /** The guest becomes owner; the old owner is unbound (seed 003). */
  transfer(ownerUid: string, did: string, guestUid: string): void {
    this.requireOwner(ownerUid, did)
    if (this.world.binding(guestUid, did)?.role !== 'guest') throw new GizwitsFailure(9082)
    const name = this.deviceName(did, ownerUid)
    this.world.setRole(guestUid, did, 'owner')
    this.world.unbind(ownerUid, did)
    this.db.prepare('UPDATE sharings SET status = 3, updated_at = ? WHERE did = ? AND owner_uid = ? AND status = 0').run(this.now(), did, ownerUid)
    this.world.emit('binding', guestUid, did, true)
    this.tell(guestUid, `${maskedUser(ownerUid)} 把设备 ${name} 转让给了您，您现在是主人`)
    this.tell(ownerUid, `您把设备 ${name} 转让给了 ${maskedUser(guestUid)}`)
  }

  // ---- messages ----

  messages(uid: string, query: { type?: number; limit: number; skip: number }): { total: number; objects: AppMessage[] } {
    const rows = (this.db.prepare('SELECT * FROM messages WHERE uid = ? AND status != 2 ORDER BY created_at DESC, rowid DESC').all(uid) as Array<{ id: string; type: number; status: number; content: string; created_at: number; updated_at: number }>)
      .filter((row) => query.type === undefined || row.type === query.type)
    return {
      total: rows.length,
      objects: rows.slice(query.skip, query.skip + query.limit).map((row) => ({ ...row, created_at: isoTime(row.created_at), updated_at: isoTime(row.updated_at) })),
    }
  }

  markMessage(uid: string, id: string, status: 1 | 2): void {
    const row = this.db.prepare('SELECT uid FROM messages WHERE id = ?').get(id) as { uid: string } | undefined
    if (!row) throw new GizwitsFailure(9085)
    if (row.uid !== uid) throw new GizwitsFailure(9101)
    this.db.prepare('UPDATE messages SET status = ?, updated_at = ? WHERE id = ?').run(status, this.now(), id)
  }
}
