// Device history, alert rules and notices (migration 006): written by the vendor's worker (server/worker/) from
// SNoti events, read by the BFF's history routes. The only place with SQL for these tables.
import type Database from 'better-sqlite3'

export type AlertOp = 'above' | 'below'
export interface AlertRule { id: number; did: string; attr: string; op: AlertOp; threshold: number; hysteresis: number; label: string; unit: string; created_by: string }
export type NoticeStatus = 'pending' | 'sent' | 'in_app_only' | 'failed'
export interface Notice { id: number; notice_key: string; openid: string; did: string; device_name: string; title: string; detail: string; created_at: number; status: NoticeStatus; result: string | null }
export interface HistoryBucket { at: number; avg: number; min: number; max: number; count: number }

export interface HistoryStore {
  /** Runs `work` in one transaction: an event's history, alert edges and notices land together or not at all. */
  atomically: <T>(work: () => T) => T
  /** false when this event was already recorded (a redelivery). */
  recordEvent: (event: { key: string; did: string; type: string; createdAt: number; data: unknown }) => boolean
  appendValues: (did: string, at: number, values: Record<string, number>) => void
  history: (did: string, attr: string, fromS: number, toS: number, bucketS: number) => HistoryBucket[]

  rulesOf: (did: string) => AlertRule[]
  saveRule: (rule: Omit<AlertRule, 'id'>) => AlertRule
  deleteRule: (did: string, id: number) => boolean
  alertState: (key: string) => 'firing' | 'ok'
  setAlertState: (key: string, did: string, state: 'firing' | 'ok', since: number) => void

  audienceOf: (did: string) => Array<{ uid: string; dev_alias: string }>
  addAudience: (did: string, uid: string, devAlias?: string) => void
  removeAudience: (did: string, uid: string) => void
  /** What one user's bindings say now: their rows are replaced. */
  replaceAudienceOfUser: (uid: string, devices: Array<{ did: string; dev_alias: string }>, now: number) => void
  audienceReadAt: (uid: string) => number | null
  /** WeChat users the BFF has signed in, with their Gizwits uid. */
  knownUsers: () => Array<{ openid: string; uid: string }>
  openidOf: (uid: string) => string | null

  /** false when a notice with this key exists already (the same edge seen twice). */
  addNotice: (notice: Omit<Notice, 'id' | 'status' | 'result'>) => boolean
  pendingNotices: () => Notice[]
  markNotice: (id: number, status: NoticeStatus, result: string) => void
  noticesOf: (openid: string, did: string, limit: number) => Notice[]
}

export function sqliteHistoryStore(db: Database.Database): HistoryStore {
  const insertEvent = db.prepare('INSERT OR IGNORE INTO device_events (event_key, did, event_type, created_at, data) VALUES (?, ?, ?, ?, ?)')
  const insertValue = db.prepare('INSERT INTO datapoint_history (did, attr, at, value) VALUES (?, ?, ?, ?)')
  return {
    atomically: (work) => db.transaction(work)(),
    recordEvent: (event) => insertEvent.run(event.key, event.did, event.type, event.createdAt, JSON.stringify(event.data ?? null)).changes === 1,
    appendValues: (did, at, values) => {
      for (const [attr, value] of Object.entries(values)) insertValue.run(did, attr, at, value)
    },
    history: (did, attr, fromS, toS, bucketS) =>
      db.prepare(`SELECT CAST(at / ? AS INTEGER) * ? AS at, AVG(value) AS avg, MIN(value) AS min, MAX(value) AS max, COUNT(*) AS count
                  FROM datapoint_history WHERE did = ? AND attr = ? AND at >= ? AND at < ? GROUP BY CAST(at / ? AS INTEGER) ORDER BY 1`)
        .all(bucketS, bucketS, did, attr, fromS, toS, bucketS) as HistoryBucket[],

    rulesOf: (did) => db.prepare('SELECT id, did, attr, op, threshold, hysteresis, label, unit, created_by FROM alert_rules WHERE did = ? ORDER BY id').all(did) as AlertRule[],
    saveRule: (rule) => {
      db.prepare(`INSERT INTO alert_rules (did, attr, op, threshold, hysteresis, label, unit, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT(did, attr, op) DO UPDATE SET threshold = excluded.threshold, hysteresis = excluded.hysteresis, label = excluded.label, unit = excluded.unit, created_by = excluded.created_by`)
        .run(rule.did, rule.attr, rule.op, rule.threshold, rule.hysteresis, rule.label, rule.unit, rule.created_by, Math.floor(Date.now() / 1000))
      return db.prepare('SELECT id, did, attr, op, threshold, hysteresis, label, unit, created_by FROM alert_rules WHERE did = ? AND attr = ? AND op = ?').get(rule.did, rule.attr, rule.op) as AlertRule
    },
    deleteRule: (did, id) => db.prepare('DELETE FROM alert_rules WHERE did = ? AND id = ?').run(did, id).changes > 0,
    alertState: (key) => ((db.prepare('SELECT state FROM alert_state WHERE alert_key = ?').get(key) as { state: 'firing' | 'ok' } | undefined)?.state ?? 'ok'),
    setAlertState: (key, did, state, since) => {
      db.prepare('INSERT INTO alert_state (alert_key, did, state, since) VALUES (?, ?, ?, ?) ON CONFLICT(alert_key) DO UPDATE SET state = excluded.state, since = excluded.since').run(key, did, state, since)
    },

    audienceOf: (did) => db.prepare('SELECT uid, dev_alias FROM device_audience WHERE did = ? ORDER BY uid').all(did) as Array<{ uid: string; dev_alias: string }>,
    addAudience: (did, uid, devAlias = '') => {
      db.prepare('INSERT INTO device_audience (did, uid, dev_alias, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(did, uid) DO UPDATE SET updated_at = excluded.updated_at').run(did, uid, devAlias, Math.floor(Date.now() / 1000))
    },
    removeAudience: (did, uid) => {
      db.prepare('DELETE FROM device_audience WHERE did = ? AND uid = ?').run(did, uid)
    },
    replaceAudienceOfUser: (uid, devices, now) => db.transaction(() => {
      db.prepare('DELETE FROM device_audience WHERE uid = ?').run(uid)
      for (const device of devices) db.prepare('INSERT INTO device_audience (did, uid, dev_alias, updated_at) VALUES (?, ?, ?, ?)').run(device.did, uid, device.dev_alias, now)
      db.prepare('INSERT INTO audience_reads (uid, read_at) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET read_at = excluded.read_at').run(uid, now)
    })(),
    audienceReadAt: (uid) => (db.prepare('SELECT read_at FROM audience_reads WHERE uid = ?').get(uid) as { read_at: number } | undefined)?.read_at ?? null,
    knownUsers: () => db.prepare('SELECT openid, gizwits_uid AS uid FROM users WHERE gizwits_uid IS NOT NULL').all() as Array<{ openid: string; uid: string }>,
    openidOf: (uid) => (db.prepare('SELECT openid FROM users WHERE gizwits_uid = ?').get(uid) as { openid: string } | undefined)?.openid ?? null,

    addNotice: (notice) => db.prepare(`INSERT OR IGNORE INTO notices (notice_key, openid, did, device_name, title, detail, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')`)
      .run(notice.notice_key, notice.openid, notice.did, notice.device_name, notice.title, notice.detail, notice.created_at).changes === 1,
    pendingNotices: () => db.prepare("SELECT * FROM notices WHERE status = 'pending' ORDER BY id").all() as Notice[],
    markNotice: (id, status, result) => {
      db.prepare('UPDATE notices SET status = ?, result = ? WHERE id = ?').run(status, result, id)
    },
    noticesOf: (openid, did, limit) => db.prepare('SELECT * FROM notices WHERE openid = ? AND did = ? ORDER BY id DESC LIMIT ?').all(openid, did, limit) as Notice[],
  }
}
