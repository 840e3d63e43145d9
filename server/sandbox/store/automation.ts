// Device groups and user scenes (seed 003 设备分组, 用户场景) as rows: the SQL behind `Groups` and `Scenes`
// (automation/). Its tables are made here, beside their only queries, so the automation owners can grow without
// touching the other owners' schema in database.ts.
import type Database from 'better-sqlite3'

export interface GroupRow {
  id: string
  uid: string
  group_name: string
  /** '' for a group of several products (seed 003: only single-product groups can be controlled). */
  product_key: string
  created_at: string
  updated_at: string
}

export interface SceneRow {
  id: string
  uid: string
  scene_name: string
  remark: string
  /** The tasks as JSON, in the cloud's stored form (scene wire: enums as index, binary as base64). */
  tasks: string
  created_at: string
  updated_at: string
}

export interface SceneRunRow {
  id: number
  scene_id: string
  uid: string
  /** 0 running, 1 done, 2 failed (seed 003 查询场景任务执行状态). */
  status: number
  started_at: string
  finished_at: string | null
  /** Per-step results as JSON (invented: the cloud only exposes the overall status). */
  steps: string
}

export class AutomationStore {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS device_groups (id TEXT PRIMARY KEY, uid TEXT NOT NULL, group_name TEXT NOT NULL, product_key TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS device_group_members (group_id TEXT NOT NULL, did TEXT NOT NULL, added_at INTEGER NOT NULL, PRIMARY KEY (group_id, did));
      CREATE TABLE IF NOT EXISTS scenes (id TEXT PRIMARY KEY, uid TEXT NOT NULL, scene_name TEXT NOT NULL, remark TEXT NOT NULL, tasks TEXT NOT NULL,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS scene_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, scene_id TEXT NOT NULL, uid TEXT NOT NULL, status INTEGER NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, steps TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS scene_runs_scene ON scene_runs (scene_id, id);
    `)
  }

  // ---- groups ----

  groupsOf(uid: string): GroupRow[] {
    return this.db.prepare('SELECT * FROM device_groups WHERE uid = ? ORDER BY created_at, id').all(uid) as GroupRow[]
  }

  group(id: string): GroupRow | undefined {
    return this.db.prepare('SELECT * FROM device_groups WHERE id = ?').get(id) as GroupRow | undefined
  }

  insertGroup(row: GroupRow): void {
    this.db.prepare('INSERT INTO device_groups (id, uid, group_name, product_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.uid, row.group_name, row.product_key, row.created_at, row.updated_at)
  }

  renameGroup(id: string, name: string, now: string): void {
    this.db.prepare('UPDATE device_groups SET group_name = ?, updated_at = ? WHERE id = ?').run(name, now, id)
  }

  deleteGroup(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM device_group_members WHERE group_id = ?').run(id)
      this.db.prepare('DELETE FROM device_groups WHERE id = ?').run(id)
    })()
  }

  /** In the order they were added. */
  members(groupId: string): string[] {
    return (this.db.prepare('SELECT did FROM device_group_members WHERE group_id = ? ORDER BY added_at, rowid').all(groupId) as Array<{ did: string }>).map((row) => row.did)
  }

  addMember(groupId: string, did: string, now: number): void {
    this.db.prepare('INSERT OR IGNORE INTO device_group_members (group_id, did, added_at) VALUES (?, ?, ?)').run(groupId, did, now)
  }

  removeMember(groupId: string, did: string): boolean {
    return this.db.prepare('DELETE FROM device_group_members WHERE group_id = ? AND did = ?').run(groupId, did).changes > 0
  }

  // ---- scenes ----

  scenesOf(uid: string): SceneRow[] {
    return this.db.prepare('SELECT * FROM scenes WHERE uid = ? ORDER BY created_at, id').all(uid) as SceneRow[]
  }

  scene(id: string): SceneRow | undefined {
    return this.db.prepare('SELECT * FROM scenes WHERE id = ?').get(id) as SceneRow | undefined
  }

  putScene(row: SceneRow): void {
    this.db.prepare(`INSERT INTO scenes (id, uid, scene_name, remark, tasks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET scene_name = excluded.scene_name, remark = excluded.remark, tasks = excluded.tasks, updated_at = excluded.updated_at`)
      .run(row.id, row.uid, row.scene_name, row.remark, row.tasks, row.created_at, row.updated_at)
  }

  deleteScene(id: string): void {
    this.db.prepare('DELETE FROM scenes WHERE id = ?').run(id)
  }

  // ---- scene runs ----

  startRun(sceneId: string, uid: string, startedAt: string, steps: string): number {
    return Number(this.db.prepare('INSERT INTO scene_runs (scene_id, uid, status, started_at, steps) VALUES (?, ?, 0, ?, ?)').run(sceneId, uid, startedAt, steps).lastInsertRowid)
  }

  updateRun(id: number, status: number, steps: string, finishedAt: string | null): void {
    this.db.prepare('UPDATE scene_runs SET status = ?, steps = ?, finished_at = ? WHERE id = ?').run(status, steps, finishedAt, id)
  }

  /** Newest first. */
  runsOf(sceneId: string, limit: number): SceneRunRow[] {
    return this.db.prepare('SELECT * FROM scene_runs WHERE scene_id = ? ORDER BY id DESC LIMIT ?').all(sceneId, limit) as SceneRunRow[]
  }

  /** Runs left "running" by a sandbox that stopped mid-run: they will never finish. */
  failUnfinishedRuns(now: string): void {
    this.db.prepare('UPDATE scene_runs SET status = 2, finished_at = ? WHERE status = 0').run(now)
  }
}
