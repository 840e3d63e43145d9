// Linkage rules (seed 003 设备联动) and the log of their firings, as rows: the SQL behind the rule engine
// (automation/rule-engine.ts). The tables are made here, not in database.ts, so the automation pieces that other
// owners add beside it do not all edit one file.
import type Database from 'better-sqlite3'

export interface RuleRow {
  rule_id: number
  uid: string
  /** The rule as the cloud answers it, without rule_id and enabled (JSON). */
  body: string
  enabled: boolean
}

export interface RuleLogRow {
  id: number
  rule_id: number
  uid: string
  fired_at: number
  status: 'running' | 'succeed' | 'failed'
  /** The step results (JSON). */
  detail: string
}

/** Firings kept per rule: enough for "last fired" and a short history. */
const LOGS_PER_RULE = 50

export class RuleStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS rules (rule_id INTEGER PRIMARY KEY AUTOINCREMENT, uid TEXT NOT NULL, body TEXT NOT NULL, enabled INTEGER NOT NULL,
        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rules_uid ON rules (uid);
      CREATE TABLE IF NOT EXISTS rule_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, rule_id INTEGER NOT NULL, uid TEXT NOT NULL, fired_at INTEGER NOT NULL,
        status TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS rule_logs_rule ON rule_logs (rule_id, id);
    `)
  }

  all(): RuleRow[] {
    return (this.db.prepare('SELECT rule_id, uid, body, enabled FROM rules ORDER BY rule_id').all() as Array<Omit<RuleRow, 'enabled'> & { enabled: number }>)
      .map((row) => ({ ...row, enabled: row.enabled === 1 }))
  }

  insert(uid: string, body: string, enabled: boolean, now: number): number {
    return Number(this.db.prepare('INSERT INTO rules (uid, body, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(uid, body, enabled ? 1 : 0, now, now).lastInsertRowid)
  }

  update(ruleId: number, body: string, enabled: boolean, now: number): void {
    this.db.prepare('UPDATE rules SET body = ?, enabled = ?, updated_at = ? WHERE rule_id = ?').run(body, enabled ? 1 : 0, now, ruleId)
  }

  delete(ruleId: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM rules WHERE rule_id = ?').run(ruleId)
      this.db.prepare('DELETE FROM rule_logs WHERE rule_id = ?').run(ruleId)
    })()
  }

  addLog(ruleId: number, uid: string, firedAt: number, status: RuleLogRow['status'], detail: string): number {
    const id = Number(this.db.prepare('INSERT INTO rule_logs (rule_id, uid, fired_at, status, detail) VALUES (?, ?, ?, ?, ?)').run(ruleId, uid, firedAt, status, detail).lastInsertRowid)
    this.db.prepare('DELETE FROM rule_logs WHERE rule_id = ? AND id <= ?').run(ruleId, id - LOGS_PER_RULE)
    return id
  }

  updateLog(id: number, status: RuleLogRow['status'], detail: string): void {
    this.db.prepare('UPDATE rule_logs SET status = ?, detail = ? WHERE id = ?').run(status, detail, id)
  }

  /** A firing interrupted by a restart cannot finish its delays: it is closed as failed. */
  closeRunningLogs(detail: (row: RuleLogRow) => string): void {
    const rows = this.db.prepare("SELECT id, rule_id, uid, fired_at, status, detail FROM rule_logs WHERE status = 'running'").all() as RuleLogRow[]
    for (const row of rows) this.updateLog(row.id, 'failed', detail(row))
  }

  logsOf(uid: string, ruleId: number | undefined, limit: number): RuleLogRow[] {
    return ruleId === undefined
      ? this.db.prepare('SELECT id, rule_id, uid, fired_at, status, detail FROM rule_logs WHERE uid = ? ORDER BY id DESC LIMIT ?').all(uid, limit) as RuleLogRow[]
      : this.db.prepare('SELECT id, rule_id, uid, fired_at, status, detail FROM rule_logs WHERE uid = ? AND rule_id = ? ORDER BY id DESC LIMIT ?').all(uid, ruleId, limit) as RuleLogRow[]
  }
}
