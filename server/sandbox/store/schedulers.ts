// Schedules, their runs and the sandbox clock's offset, as rows: the SQL behind the scheduler
// (automation/scheduler.ts). The runs table's (scheduler_id, due_ms) key is what makes an occurrence fire at most
// once, whatever restarts happen around it.
import type Database from 'better-sqlite3'

export interface SchedulerRow {
  id: string
  uid: string
  /** Which API made it: the single-device scheduler or the common scheduler (the lists are separate). */
  api: 'device' | 'common'
  did: string
  group_id: string
  scene_id: string
  product_key: string
  /** The schedule's own fields as the cloud keeps them (date, time, repeat, days, dates, enabled, remark, attrs, raw). */
  fields: string
  enabled: number
  created_at: string
  /** Occurrences before this instant (ms) are not this schedule's: its creation or its last change. */
  since_ms: number
  /** The last occurrence that was handled (fired or missed), ms; null before the first. */
  last_due_ms: number | null
}

export interface RunRow {
  id: number
  scheduler_id: string
  due_ms: number
  ran_ms: number
  status: 'succeed' | 'failed' | 'running' | 'missed'
  detail: string
}

export class SchedulerStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS schedulers (id TEXT PRIMARY KEY, uid TEXT NOT NULL, api TEXT NOT NULL, did TEXT NOT NULL, group_id TEXT NOT NULL,
        scene_id TEXT NOT NULL, product_key TEXT NOT NULL, fields TEXT NOT NULL, enabled INTEGER NOT NULL, created_at TEXT NOT NULL,
        since_ms INTEGER NOT NULL, last_due_ms INTEGER);
      CREATE INDEX IF NOT EXISTS schedulers_uid ON schedulers (uid, api);
      CREATE TABLE IF NOT EXISTS scheduler_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, scheduler_id TEXT NOT NULL, due_ms INTEGER NOT NULL,
        ran_ms INTEGER NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL, UNIQUE (scheduler_id, due_ms));
      CREATE TABLE IF NOT EXISTS sandbox_clock (id INTEGER PRIMARY KEY CHECK (id = 1), offset_ms INTEGER NOT NULL);
    `)
  }

  all(): SchedulerRow[] {
    return this.db.prepare('SELECT * FROM schedulers').all() as SchedulerRow[]
  }

  get(id: string): SchedulerRow | undefined {
    return this.db.prepare('SELECT * FROM schedulers WHERE id = ?').get(id) as SchedulerRow | undefined
  }

  /**
   * Schedules made through one API, oldest first: a user's (`uid`), or everyone's on a device (`uid` null, with
   * `did`), optionally for one did / group / scene.
   */
  list(uid: string | null, api: SchedulerRow['api'], filter: { did?: string; group_id?: string; scene_id?: string }, limit: number, skip: number): SchedulerRow[] {
    const where = ['api = ?']
    const args: unknown[] = [api]
    if (uid !== null) {
      where.push('uid = ?')
      args.push(uid)
    }
    for (const key of ['did', 'group_id', 'scene_id'] as const) {
      if (filter[key]) {
        where.push(`${key} = ?`)
        args.push(filter[key])
      }
    }
    return this.db.prepare(`SELECT * FROM schedulers WHERE ${where.join(' AND ')} ORDER BY created_at, rowid LIMIT ? OFFSET ?`).all(...args, limit, skip) as SchedulerRow[]
  }

  put(row: SchedulerRow): void {
    this.db.prepare(`INSERT INTO schedulers (id, uid, api, did, group_id, scene_id, product_key, fields, enabled, created_at, since_ms, last_due_ms)
      VALUES (@id, @uid, @api, @did, @group_id, @scene_id, @product_key, @fields, @enabled, @created_at, @since_ms, @last_due_ms)
      ON CONFLICT(id) DO UPDATE SET did = excluded.did, group_id = excluded.group_id, scene_id = excluded.scene_id, product_key = excluded.product_key,
        fields = excluded.fields, enabled = excluded.enabled, since_ms = excluded.since_ms, last_due_ms = excluded.last_due_ms`).run(row)
  }

  delete(id: string): boolean {
    const removed = this.db.prepare('DELETE FROM schedulers WHERE id = ?').run(id).changes > 0
    this.db.prepare('DELETE FROM scheduler_runs WHERE scheduler_id = ?').run(id)
    return removed
  }

  /**
   * Claims an occurrence: records its run and moves the schedule past it in one transaction. False when the
   * occurrence was already claimed (by this process before a restart), so it must not fire again.
   */
  claim(schedulerId: string, dueMs: number, ranMs: number, status: RunRow['status'], detail: object): number | null {
    return this.db.transaction(() => {
      const inserted = this.db.prepare('INSERT OR IGNORE INTO scheduler_runs (scheduler_id, due_ms, ran_ms, status, detail) VALUES (?, ?, ?, ?, ?)')
        .run(schedulerId, dueMs, ranMs, status, JSON.stringify(detail))
      this.db.prepare('UPDATE schedulers SET last_due_ms = MAX(COALESCE(last_due_ms, 0), ?) WHERE id = ?').run(dueMs, schedulerId)
      return inserted.changes > 0 ? Number(inserted.lastInsertRowid) : null
    })()
  }

  /** Claims several occurrences in one transaction (one disk sync for a whole batch); null where already claimed. */
  claimAll(claims: Array<{ schedulerId: string; dueMs: number }>, ranMs: number): Array<number | null> {
    return this.db.transaction(() => claims.map((claim) => this.claim(claim.schedulerId, claim.dueMs, ranMs, 'running', { detail: {} })))()
  }

  finishRun(runId: number, status: RunRow['status'], detail: object): void {
    this.db.prepare('UPDATE scheduler_runs SET status = ?, detail = ? WHERE id = ?').run(status, JSON.stringify(detail), runId)
  }

  runsOf(schedulerId: string, limit: number): RunRow[] {
    return this.db.prepare('SELECT * FROM scheduler_runs WHERE scheduler_id = ? ORDER BY due_ms DESC, id DESC LIMIT ?').all(schedulerId, limit) as RunRow[]
  }

  /** Runs still waiting for their device's answer (after a restart they never will). */
  runningRuns(): RunRow[] {
    return this.db.prepare("SELECT * FROM scheduler_runs WHERE status = 'running'").all() as RunRow[]
  }

  clockOffsetMs(): number {
    return (this.db.prepare('SELECT offset_ms FROM sandbox_clock WHERE id = 1').get() as { offset_ms: number } | undefined)?.offset_ms ?? 0
  }

  saveClockOffset(offsetMs: number): void {
    this.db.prepare('INSERT INTO sandbox_clock (id, offset_ms) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET offset_ms = excluded.offset_ms').run(offsetMs)
  }
}
