// Sharing records and the message centre, as rows: the SQL behind `SharingDesk` (sharing.ts).
import type Database from 'better-sqlite3'
import { MessageStatus, SharingStatus, type MessageRow, type SharingRow, type SharingStatusValue } from './database'

export class SharingStore {
  constructor(private readonly db: Database.Database) {}

  get(id: number): SharingRow | undefined {
    return this.db.prepare('SELECT * FROM sharings WHERE id = ?').get(id) as SharingRow | undefined
  }

  byCode(code: string): SharingRow | undefined {
    return this.db.prepare('SELECT * FROM sharings WHERE code = ?').get(code) as SharingRow | undefined
  }

  /** Newest first: what a user shared (`owner`) or was shared (`guest`). */
  listFor(uid: string, side: 'owner' | 'guest'): SharingRow[] {
    return this.db.prepare(`SELECT * FROM sharings WHERE ${side === 'owner' ? 'owner_uid' : 'guest_uid'} = ? ORDER BY id DESC`).all(uid) as SharingRow[]
  }

  /** A new waiting invitation; its id. */
  insert(fields: { type: 0 | 1; did: string; ownerUid: string; guestUid: string | null; code: string | null; durationMin: number | null; expiredAt: number }, now: number): number {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO sharings (type, status, did, owner_uid, guest_uid, code, duration_min, created_at, updated_at, expired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(fields.type, SharingStatus.WAITING, fields.did, fields.ownerUid, fields.guestUid, fields.code, fields.durationMin, now, now, fields.expiredAt)
    return Number(lastInsertRowid)
  }

  hasWaiting(did: string, guestUid: string, now: number): boolean {
    return this.db.prepare('SELECT id FROM sharings WHERE did = ? AND guest_uid = ? AND status = ? AND expired_at > ?').get(did, guestUid, SharingStatus.WAITING, now) !== undefined
  }

  /** A new status; a QR invitation learns its guest when accepted. */
  setStatus(id: number, status: SharingStatusValue, guestUid: string | null, now: number): void {
    this.db.prepare('UPDATE sharings SET status = ?, guest_uid = COALESCE(?, guest_uid), updated_at = ? WHERE id = ?').run(status, guestUid, now, id)
  }

  setAlias(id: number, alias: string, now: number): void {
    this.db.prepare('UPDATE sharings SET user_alias = ?, updated_at = ? WHERE id = ?').run(alias, now, id)
  }

  /** Cancels the device's records in `from` state, optionally only those of one owner or one guest. */
  cancelAll(did: string, from: SharingStatusValue, now: number, only: { ownerUid?: string; guestUid?: string } = {}): void {
    this.db
      .prepare('UPDATE sharings SET status = ?, updated_at = ? WHERE did = ? AND status = ? AND (? IS NULL OR owner_uid = ?) AND (? IS NULL OR guest_uid = ?)')
      .run(SharingStatus.CANCELLED, now, did, from, only.ownerUid ?? null, only.ownerUid ?? null, only.guestUid ?? null, only.guestUid ?? null)
  }

  // ---- messages ----

  addMessage(id: string, uid: string, type: number, content: string, now: number): void {
    this.db.prepare('INSERT INTO messages (id, uid, type, status, content, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, uid, type, MessageStatus.UNREAD, content, now, now)
  }

  /** Newest first, deleted ones left out. */
  messagesOf(uid: string): MessageRow[] {
    return this.db.prepare('SELECT * FROM messages WHERE uid = ? AND status != ? ORDER BY created_at DESC, rowid DESC').all(uid, MessageStatus.DELETED) as MessageRow[]
  }

  message(id: string): MessageRow | undefined {
    return this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined
  }

  setMessageStatus(id: string, status: number, now: number): void {
    this.db.prepare('UPDATE messages SET status = ?, updated_at = ? WHERE id = ?').run(status, now, id)
  }
}
