// The cloud's communication log and online/offline log per device (Open API raw_data): rows as the device
// sent them, the SQL behind `RawLog` (../raw-log.ts).
import type Database from 'better-sqlite3'

export type RawKind = 'cmd' | 'online'

export class RawDataStore {
  constructor(private readonly db: Database.Database) {}

  add(did: string, kind: RawKind, type: string, timestamp: number, entry: object): void {
    this.db.prepare('INSERT INTO raw_data (did, kind, type, timestamp, entry) VALUES (?, ?, ?, ?, ?)').run(did, kind, type, timestamp, JSON.stringify(entry))
  }

  /** Rows with start < timestamp ≤ end (the Open API's own bounds), a page of them and how many there are. */
  page(did: string, kind: RawKind, start: number, end: number, sort: 'asc' | 'desc', skip: number, limit: number): { total: number; rows: object[] } {
    const where = 'did = ? AND kind = ? AND timestamp > ? AND timestamp <= ?'
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM raw_data WHERE ${where}`).get(did, kind, start, end) as { n: number }).n
    const rows = this.db.prepare(`SELECT entry FROM raw_data WHERE ${where} ORDER BY timestamp ${sort === 'asc' ? 'ASC' : 'DESC'}, id ${sort === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`)
      .all(did, kind, start, end, limit, skip) as Array<{ entry: string }>
    return { total, rows: rows.map((row) => JSON.parse(row.entry) as object) }
  }

  forgetBefore(timestamp: number): void {
    this.db.prepare('DELETE FROM raw_data WHERE timestamp < ?').run(timestamp)
  }
}
