// Virtual devices' last state and their report history, as rows: the SQL behind `Devices` (devices.ts).
import type Database from 'better-sqlite3'
import type { Attrs } from '@shared/open-api'

export interface DeviceStateRow {
  did: string
  attrs: Attrs
  online: boolean
  updatedAt: number
}

export class DeviceStore {
  constructor(private readonly db: Database.Database) {}

  states(): Map<string, DeviceStateRow> {
    const rows = this.db.prepare('SELECT did, attrs, online, updated_at FROM device_state').all() as Array<{ did: string; attrs: string; online: number; updated_at: number }>
    return new Map(rows.map((row) => [row.did, { did: row.did, attrs: JSON.parse(row.attrs) as Attrs, online: row.online === 1, updatedAt: row.updated_at }]))
  }

  saveState(state: DeviceStateRow): void {
    this.db
      .prepare('INSERT INTO device_state (did, attrs, online, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(did) DO UPDATE SET attrs = excluded.attrs, online = excluded.online, updated_at = excluded.updated_at')
      .run(state.did, JSON.stringify(state.attrs), state.online ? 1 : 0, state.updatedAt)
  }

  addReport(did: string, at: number, attrs: Attrs): void {
    this.db.prepare('INSERT INTO device_reports (did, at, attrs) VALUES (?, ?, ?)').run(did, at, JSON.stringify(attrs))
  }

  /** Whether any report of this device is kept (the generated history is written only on a first start). */
  hasReports(did: string): boolean {
    return this.db.prepare('SELECT 1 FROM device_reports WHERE did = ? LIMIT 1').get(did) !== undefined
  }

  /** Many reports in one transaction: weeks of generated history at a first start. */
  addReports(did: string, rows: Array<{ at: number; attrs: Attrs }>): void {
    const insert = this.db.prepare('INSERT INTO device_reports (did, at, attrs) VALUES (?, ?, ?)')
    this.db.transaction(() => {
      for (const row of rows) insert.run(did, row.at, JSON.stringify(row.attrs))
    })()
  }

  forgetReportsBefore(at: number): void {
    this.db.prepare('DELETE FROM device_reports WHERE at < ?').run(at)
  }

  reportsBetween(did: string, fromS: number, toS: number): Array<{ at: number; attrs: Attrs }> {
    return (this.db.prepare('SELECT at, attrs FROM device_reports WHERE did = ? AND at >= ? AND at <= ? ORDER BY at').all(did, fromS, toS) as Array<{ at: number; attrs: string }>)
      .map((row) => ({ at: row.at, attrs: JSON.parse(row.attrs) as Attrs }))
  }
}
