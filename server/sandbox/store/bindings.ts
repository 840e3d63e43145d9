// Who is bound to which device, in which role, as rows: the SQL behind `Bindings` (bindings.ts).
import type Database from 'better-sqlite3'
import type { BindingRow } from './database'

export class BindingStore {
  constructor(private readonly db: Database.Database) {}

  ofUser(uid: string): BindingRow[] {
    return this.db.prepare('SELECT * FROM bindings WHERE uid = ? ORDER BY rowid').all(uid) as BindingRow[]
  }

  get(uid: string, did: string): BindingRow | undefined {
    return this.db.prepare('SELECT * FROM bindings WHERE uid = ? AND did = ?').get(uid, did) as BindingRow | undefined
  }

  /** Longest-bound first. */
  ofDevice(did: string): BindingRow[] {
    return this.db.prepare('SELECT * FROM bindings WHERE did = ? ORDER BY created_at, rowid').all(did) as BindingRow[]
  }

  /** Inserts a binding, or replaces the role, alias, remark and expiry of an existing one. */
  put(uid: string, did: string, fields: { role: BindingRow['role']; dev_alias: string; remark: string; expiresAt: number | null }, createdAt: number): void {
    this.db
      .prepare('INSERT INTO bindings (uid, did, role, dev_alias, remark, dev_label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid, did) DO UPDATE SET role = excluded.role, dev_alias = excluded.dev_alias, remark = excluded.remark, expires_at = excluded.expires_at')
      .run(uid, did, fields.role, fields.dev_alias, fields.remark, '[]', createdAt, fields.expiresAt)
  }

  /** A new role is for good: it ends any time limit the binding had. */
  setRole(uid: string, did: string, role: BindingRow['role']): void {
    this.db.prepare('UPDATE bindings SET role = ?, expires_at = NULL WHERE uid = ? AND did = ?').run(role, uid, did)
  }

  delete(uid: string, did: string): boolean {
    return this.db.prepare('DELETE FROM bindings WHERE uid = ? AND did = ?').run(uid, did).changes > 0
  }

  expiredGuests(now: number): Array<{ uid: string; did: string }> {
    return this.db.prepare("SELECT uid, did FROM bindings WHERE role = 'guest' AND expires_at IS NOT NULL AND expires_at <= ?").all(now) as Array<{ uid: string; did: string }>
  }

  setDetails(uid: string, did: string, fields: { remark: string; dev_alias: string; dev_label: string }): void {
    this.db.prepare('UPDATE bindings SET remark = ?, dev_alias = ?, dev_label = ? WHERE uid = ? AND did = ?').run(fields.remark, fields.dev_alias, fields.dev_label, uid, did)
  }
}
