// Device history, alert rules and notices (SQLite migrations 006, 007, 009): written by the vendor's worker (server/worker/)
// from SNoti events, read by the BFF's history routes. One async interface for both engines; the PostgreSQL one
// (pg-migration 005) is pg-history-store.ts. With pg-history-store.ts, the only place with SQL for these tables.
import type Database from 'better-sqlite3'

export type AlertOp = 'above' | 'below' | 'outside' | 'equal'
export interface AlertRule {
  id: number; did: string; attr: string; op: AlertOp; threshold: number; threshold_high: number | null; hysteresis: number
  hold_s: number; cooldown_s: number; critical: boolean; value_kind: 'number' | 'bool'; label: string; unit: string; created_by: string
}
export type NoticeStatus = 'pending' | 'sent' | 'in_app_only' | 'failed' | 'queued' | 'digested'
export interface Notice {
  id: number; notice_key: string; openid: string; did: string; device_name: string; title: string; detail: string; created_at: number
  status: NoticeStatus; result: string | null; edge: 'fire' | 'clear'; alert_key: string; read_at: number | null
  /** What it tells: an alert edge, or a command's result. */
  kind: NoticeKind
  /** The WeChat channel it went by, or 'app' when it stayed in the app; null until tried. */
  channel: NoticeChannel | null
}
export type NoticeKind = 'alert' | 'command'
export type NoticeChannel = 'template' | 'subscribe' | 'custom' | 'app'
/** What the worker remembers of one alert between reports (see server/worker/alerts.ts). */
export interface AlertMemoryRow { state: 'firing' | 'ok'; pendingSince: number | null; lastValue: number | null; notifiedAt: number | null; silenced: boolean }
export interface QuietHours { start_min: number; end_min: number; time_zone: string }
export interface HistoryBucket { at: number; avg: number; min: number; max: number; count: number }

export interface HistoryStore {
  /**
   * Runs `work` in one transaction on the store it is handed: an event's history, alert edges and notices land
   * together or not at all. Transactions with the same `lockKey` (a device id) never run at once, in this process
   * or — on PostgreSQL — in any worker of the cluster, so one device's alert state is never read-modify-written twice.
   */
  atomically: <T>(work: (store: HistoryStore) => Promise<T>, lockKey?: string) => Promise<T>
  /** false when this event was already recorded (a redelivery). */
  recordEvent: (event: { key: string; did: string; type: string; createdAt: number; data: unknown }) => Promise<boolean>
  appendValues: (did: string, at: number, values: Record<string, number>) => Promise<void>
  /**
   * The operator's device figures from the events the worker stored: online now (the device's latest online,
   * offline or report event is not an offline), and online at some time since `sinceS` (an online or report event
   * since then, or online now).
   */
  deviceFigures: (sinceS: number) => Promise<{ onlineNow: number; onlineSince: number }>
  /** Whether the device's latest presence event the worker stored (online, offline or a report) is an offline. */
  offline: (did: string) => Promise<boolean>
  history: (did: string, attr: string, fromS: number, toS: number, bucketS: number) => Promise<HistoryBucket[]>
  /** When the store's first value of this datapoint is from (UTC seconds), or null when it has none. */
  firstValueAt: (did: string, attr: string) => Promise<number | null>

  rulesOf: (did: string) => Promise<AlertRule[]>
  rule: (id: number) => Promise<AlertRule | null>
  saveRule: (rule: Omit<AlertRule, 'id' | 'threshold_high' | 'hold_s' | 'cooldown_s' | 'critical' | 'value_kind'> & Partial<Pick<AlertRule, 'threshold_high' | 'hold_s' | 'cooldown_s' | 'critical' | 'value_kind'>>) => Promise<AlertRule>
  deleteRule: (did: string, id: number) => Promise<boolean>
  alertState: (key: string) => Promise<'firing' | 'ok'>
  setAlertState: (key: string, did: string, state: 'firing' | 'ok', since: number) => Promise<void>
  alertMemory: (key: string) => Promise<AlertMemoryRow | null>
  setAlertMemory: (key: string, did: string, memory: AlertMemoryRow, at: number) => Promise<void>
  /** Rules whose hold time is running: the clock may end it between reports. */
  pendingHolds: () => Promise<Array<{ alert_key: string; did: string }>>

  /** The "接收提醒" switch of one user for one device (on unless turned off). */
  receives: (openid: string, did: string) => Promise<boolean>
  setReceives: (openid: string, did: string, receive: boolean) => Promise<void>
  quietHours: (openid: string) => Promise<QuietHours | null>
  setQuietHours: (openid: string, quiet: QuietHours | null) => Promise<void>

  audienceOf: (did: string) => Promise<Array<{ uid: string; dev_alias: string }>>
  addAudience: (did: string, uid: string, devAlias?: string) => Promise<void>
  removeAudience: (did: string, uid: string) => Promise<void>
  /** What one user's bindings say now: their rows are replaced. */
  replaceAudienceOfUser: (uid: string, devices: Array<{ did: string; dev_alias: string }>, now: number) => Promise<void>
  audienceReadAt: (uid: string) => Promise<number | null>
  /** WeChat users the BFF has signed in, with their Gizwits uid. */
  knownUsers: () => Promise<Array<{ openid: string; uid: string }>>
  openidOf: (uid: string) => Promise<string | null>

  /** false when a notice with this key exists already (the same edge seen twice). */
  addNotice: (notice: Omit<Notice, 'id' | 'status' | 'result' | 'read_at' | 'kind' | 'channel'> & { status?: 'pending' | 'in_app_only'; result?: string; kind?: NoticeKind }) => Promise<boolean>
  /**
   * Notices waiting to be sent, oldest first. On PostgreSQL each one returned is claimed for NOTICE_CLAIM_S, so
   * several workers never send the same one; a claim left by a killed worker runs out and another sends it.
   */
  pendingNotices: () => Promise<Notice[]>
  /** Notices held back by WeChat's daily quota (45009), oldest first, for the digest (claimed likewise). */
  queuedNotices: () => Promise<Notice[]>
  /** The notice's delivery result, and the channel it went by (or stayed in: 'app'). */
  markNotice: (id: number, status: NoticeStatus, result: string, channel?: NoticeChannel) => Promise<void>
  /**
   * When this user last messaged the account, clicked its menu, scanned or followed (UTC seconds), from the pushes
   * the BFF keeps (wechat_events): what opens WeChat's 48-hour customer-service window.
   */
  lastInteractionAt: (openid: string) => Promise<number | null>
  /** A device's status reports as the worker received them, newest first, before `beforeS` (UTC seconds). */
  reportsOf: (did: string, limit: number, beforeS: number) => Promise<Array<{ created_at: number; data: Record<string, unknown> }>>
  /** One user's alert notices about one device, newest first, before `beforeS`. */
  alertsOf: (openid: string, did: string, limit: number, beforeS: number) => Promise<Notice[]>
  noticesOf: (openid: string, did: string, limit: number) => Promise<Notice[]>
  /** One user's notices for the app, newest first, before `beforeId` when paging; and how many are unread. */
  inbox: (openid: string, limit: number, beforeId?: number, did?: string) => Promise<Notice[]>
  unreadCount: (openid: string) => Promise<number>
  markRead: (openid: string, ids: number[] | 'all', at: number) => Promise<number>
  /** Notices newer than `afterId`, for the BFF's banner (any user). */
  noticesAfter: (afterId: number, limit: number) => Promise<Notice[]>
  lastNoticeId: () => Promise<number>
}


/** How long a worker holds the notices it is sending (PostgreSQL): longer than a WeChat call with its timeout. */
export const NOTICE_CLAIM_S = 60

const RULE_COLUMNS = 'id, did, attr, op, threshold, threshold_high, hysteresis, hold_s, cooldown_s, critical, value_kind, label, unit, created_by'
type RuleRow = Omit<AlertRule, 'critical'> & { critical: number }
const asRule = (row: RuleRow): AlertRule => ({ ...row, critical: row.critical === 1 })

type Sync<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never }

/**
 * SQLite: the statements run synchronously (better-sqlite3) behind the async interface PostgreSQL needs. A
 * transaction is BEGIN IMMEDIATE … COMMIT on this connection, one at a time (a queue), since its work awaits.
 */
export function sqliteHistoryStore(db: Database.Database): HistoryStore {
  const sync = sqliteStatements(db)
  const store = Object.fromEntries(Object.entries(sync).map(([name, method]) => [name, async (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args)])) as unknown as HistoryStore
  let queue: Promise<unknown> = Promise.resolve()
  store.atomically = (work) => {
    const run = queue.then(async () => {
      db.exec('BEGIN IMMEDIATE')
      try {
        const result = await work(store)
        db.exec('COMMIT')
        return result
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw error
      }
    })
    queue = run.catch(() => {})
    return run
  }
  return store
}

function sqliteStatements(db: Database.Database): Omit<Sync<HistoryStore>, 'atomically'> {
  // Each statement is compiled once: the worker runs several per event (bench/events).
  const statements = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare(sql)))
    return statement
  }
  const insertEvent = prepare('INSERT OR IGNORE INTO device_events (event_key, did, event_type, created_at, data) VALUES (?, ?, ?, ?, ?)')
  const insertValue = prepare('INSERT INTO datapoint_history (did, attr, at, value) VALUES (?, ?, ?, ?)')
  return {
    recordEvent: (event) => insertEvent.run(event.key, event.did, event.type, event.createdAt, JSON.stringify(event.data ?? null)).changes === 1,
    deviceFigures: (sinceS) => {
      // SQLite gives the bare column of the row holding MAX(created_at): each device's latest presence event.
      const row = prepare(`
        WITH latest AS (
          SELECT did, event_type, MAX(created_at) AS at FROM device_events
          WHERE event_type IN ('device_online', 'device_offline', 'device_status_kv') GROUP BY did
        )
        SELECT
          (SELECT COUNT(*) FROM latest WHERE event_type <> 'device_offline') AS online_now,
          (SELECT COUNT(*) FROM (
            SELECT did FROM latest WHERE event_type <> 'device_offline'
            UNION
            SELECT did FROM device_events WHERE created_at >= ? AND event_type IN ('device_online', 'device_status_kv')
          )) AS online_since`).get(sinceS) as { online_now: number; online_since: number }
      return { onlineNow: row.online_now, onlineSince: row.online_since }
    },
    offline: (did) => (prepare(`SELECT event_type FROM device_events WHERE did = ? AND event_type IN ('device_online', 'device_offline', 'device_status_kv')
                                   ORDER BY created_at DESC LIMIT 1`).get(did) as { event_type: string } | undefined)?.event_type === 'device_offline',
    appendValues: (did, at, values) => {
      for (const [attr, value] of Object.entries(values)) insertValue.run(did, attr, at, value)
    },
    history: (did, attr, fromS, toS, bucketS) =>
      prepare(`SELECT CAST(at / ? AS INTEGER) * ? AS at, AVG(value) AS avg, MIN(value) AS min, MAX(value) AS max, COUNT(*) AS count
                  FROM datapoint_history WHERE did = ? AND attr = ? AND at >= ? AND at < ? GROUP BY CAST(at / ? AS INTEGER) ORDER BY 1`)
        .all(bucketS, bucketS, did, attr, fromS, toS, bucketS) as HistoryBucket[],

    firstValueAt: (did, attr) => (prepare('SELECT MIN(at) AS at FROM datapoint_history WHERE did = ? AND attr = ?').get(did, attr) as { at: number | null }).at,
    rulesOf: (did) => (prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE did = ? ORDER BY id`).all(did) as RuleRow[]).map(asRule),
    rule: (id) => {
      const row = prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = ?`).get(id) as RuleRow | undefined
      return row ? asRule(row) : null
    },
    saveRule: (rule) => {
      prepare(`INSERT INTO alert_rules (did, attr, op, threshold, threshold_high, hysteresis, hold_s, cooldown_s, critical, value_kind, label, unit, created_by, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT(did, attr, op) DO UPDATE SET threshold = excluded.threshold, threshold_high = excluded.threshold_high, hysteresis = excluded.hysteresis,
                    hold_s = excluded.hold_s, cooldown_s = excluded.cooldown_s, critical = excluded.critical, value_kind = excluded.value_kind, label = excluded.label, unit = excluded.unit, created_by = excluded.created_by`)
        .run(rule.did, rule.attr, rule.op, rule.threshold, rule.threshold_high ?? null, rule.hysteresis, rule.hold_s ?? 0, rule.cooldown_s ?? 0, rule.critical ? 1 : 0, rule.value_kind ?? 'number',
          rule.label, rule.unit, rule.created_by, Math.floor(Date.now() / 1000))
      return asRule(prepare(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE did = ? AND attr = ? AND op = ?`).get(rule.did, rule.attr, rule.op) as RuleRow)
    },
    deleteRule: (did, id) => prepare('DELETE FROM alert_rules WHERE did = ? AND id = ?').run(did, id).changes > 0,
    alertState: (key) => ((prepare('SELECT state FROM alert_state WHERE alert_key = ?').get(key) as { state: 'firing' | 'ok' } | undefined)?.state ?? 'ok'),
    setAlertState: (key, did, state, since) => {
      prepare('INSERT INTO alert_state (alert_key, did, state, since) VALUES (?, ?, ?, ?) ON CONFLICT(alert_key) DO UPDATE SET state = excluded.state, since = excluded.since').run(key, did, state, since)
    },
    alertMemory: (key) => {
      const row = prepare('SELECT state, pending_since, last_value, notified_at, silenced FROM alert_state WHERE alert_key = ?').get(key) as
        { state: 'firing' | 'ok'; pending_since: number | null; last_value: number | null; notified_at: number | null; silenced: number } | undefined
      return row ? { state: row.state, pendingSince: row.pending_since, lastValue: row.last_value, notifiedAt: row.notified_at, silenced: row.silenced === 1 } : null
    },
    setAlertMemory: (key, did, memory, at) => {
      prepare(`INSERT INTO alert_state (alert_key, did, state, since, pending_since, last_value, notified_at, silenced) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                  ON CONFLICT(alert_key) DO UPDATE SET since = CASE WHEN state = excluded.state THEN since ELSE excluded.since END, state = excluded.state,
                    pending_since = excluded.pending_since, last_value = excluded.last_value, notified_at = excluded.notified_at, silenced = excluded.silenced`)
        .run(key, did, memory.state, at, memory.pendingSince, memory.lastValue, memory.notifiedAt, memory.silenced ? 1 : 0)
    },
    pendingHolds: () => prepare('SELECT alert_key, did FROM alert_state WHERE pending_since IS NOT NULL').all() as Array<{ alert_key: string; did: string }>,

    receives: (openid, did) => (prepare('SELECT receive FROM alert_prefs WHERE openid = ? AND did = ?').get(openid, did) as { receive: number } | undefined)?.receive !== 0,
    setReceives: (openid, did, receive) => {
      prepare('INSERT INTO alert_prefs (openid, did, receive) VALUES (?, ?, ?) ON CONFLICT(openid, did) DO UPDATE SET receive = excluded.receive').run(openid, did, receive ? 1 : 0)
    },
    quietHours: (openid) => (prepare('SELECT start_min, end_min, time_zone FROM quiet_hours WHERE openid = ?').get(openid) as QuietHours | undefined) ?? null,
    setQuietHours: (openid, quiet) => {
      if (!quiet) prepare('DELETE FROM quiet_hours WHERE openid = ?').run(openid)
      else prepare(`INSERT INTO quiet_hours (openid, start_min, end_min, time_zone) VALUES (?, ?, ?, ?)
                       ON CONFLICT(openid) DO UPDATE SET start_min = excluded.start_min, end_min = excluded.end_min, time_zone = excluded.time_zone`).run(openid, quiet.start_min, quiet.end_min, quiet.time_zone)
    },

    audienceOf: (did) => prepare('SELECT uid, dev_alias FROM device_audience WHERE did = ? ORDER BY uid').all(did) as Array<{ uid: string; dev_alias: string }>,
    addAudience: (did, uid, devAlias = '') => {
      prepare('INSERT INTO device_audience (did, uid, dev_alias, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(did, uid) DO UPDATE SET updated_at = excluded.updated_at').run(did, uid, devAlias, Math.floor(Date.now() / 1000))
    },
    removeAudience: (did, uid) => {
      prepare('DELETE FROM device_audience WHERE did = ? AND uid = ?').run(did, uid)
    },
    replaceAudienceOfUser: (uid, devices, now) => db.transaction(() => {
      prepare('DELETE FROM device_audience WHERE uid = ?').run(uid)
      for (const device of devices) prepare('INSERT INTO device_audience (did, uid, dev_alias, updated_at) VALUES (?, ?, ?, ?)').run(device.did, uid, device.dev_alias, now)
      prepare('INSERT INTO audience_reads (uid, read_at) VALUES (?, ?) ON CONFLICT(uid) DO UPDATE SET read_at = excluded.read_at').run(uid, now)
    })(),
    audienceReadAt: (uid) => (prepare('SELECT read_at FROM audience_reads WHERE uid = ?').get(uid) as { read_at: number } | undefined)?.read_at ?? null,
    knownUsers: () => prepare('SELECT openid, gizwits_uid AS uid FROM users WHERE gizwits_uid IS NOT NULL').all() as Array<{ openid: string; uid: string }>,
    openidOf: (uid) => (prepare('SELECT openid FROM users WHERE gizwits_uid = ?').get(uid) as { openid: string } | undefined)?.openid ?? null,

    addNotice: (notice) => prepare(`INSERT OR IGNORE INTO notices (notice_key, openid, did, device_name, title, detail, created_at, status, result, edge, alert_key, kind, channel)
                                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(notice.notice_key, notice.openid, notice.did, notice.device_name, notice.title, notice.detail, notice.created_at, notice.status ?? 'pending', notice.result ?? null,
        notice.edge, notice.alert_key, notice.kind ?? 'alert', notice.status === 'in_app_only' ? 'app' : null).changes === 1,
    pendingNotices: () => prepare("SELECT * FROM notices WHERE status = 'pending' ORDER BY id").all() as Notice[],
    queuedNotices: () => prepare("SELECT * FROM notices WHERE status = 'queued' ORDER BY id").all() as Notice[],
    markNotice: (id, status, result, channel) => {
      prepare('UPDATE notices SET status = ?, result = ?, channel = COALESCE(?, channel) WHERE id = ?').run(status, result, channel ?? null, id)
    },
    reportsOf: (did, limit, beforeS) => (prepare(`SELECT created_at, data FROM device_events WHERE did = ? AND event_type = 'device_status_kv' AND created_at < ?
                                                     ORDER BY created_at DESC LIMIT ?`).all(did, beforeS, limit) as Array<{ created_at: number; data: string }>)
      .map((row) => ({ created_at: row.created_at, data: JSON.parse(row.data) as Record<string, unknown> })),
    alertsOf: (openid, did, limit, beforeS) => prepare(`SELECT * FROM notices WHERE openid = ? AND did = ? AND kind = 'alert' AND created_at < ? ORDER BY created_at DESC LIMIT ?`)
      .all(openid, did, beforeS, limit) as Notice[],
    lastInteractionAt: (openid) => (prepare(`SELECT MAX(received_at) AS at FROM wechat_events WHERE openid = ? AND (msg_type = 'text'
                                                OR (msg_type = 'event' AND event IN ('CLICK', 'SCAN', 'subscribe', 'scancode_push', 'scancode_waitmsg')))`).get(openid) as { at: number | null }).at,
    noticesOf: (openid, did, limit) => prepare('SELECT * FROM notices WHERE openid = ? AND did = ? ORDER BY id DESC LIMIT ?').all(openid, did, limit) as Notice[],
    inbox: (openid, limit, beforeId, did) => prepare(`SELECT * FROM notices WHERE openid = ? AND id < ? AND (? IS NULL OR did = ?) ORDER BY id DESC LIMIT ?`)
      .all(openid, beforeId ?? Number.MAX_SAFE_INTEGER, did ?? null, did ?? null, limit) as Notice[],
    unreadCount: (openid) => (prepare('SELECT COUNT(*) AS n FROM notices WHERE openid = ? AND read_at IS NULL').get(openid) as { n: number }).n,
    markRead: (openid, ids, at) => ids === 'all'
      ? prepare('UPDATE notices SET read_at = ? WHERE openid = ? AND read_at IS NULL').run(at, openid).changes
      : db.transaction(() => ids.reduce((sum, id) => sum + prepare('UPDATE notices SET read_at = ? WHERE openid = ? AND id = ? AND read_at IS NULL').run(at, openid, id).changes, 0))(),
    noticesAfter: (afterId, limit) => prepare('SELECT * FROM notices WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as Notice[],
    lastNoticeId: () => (prepare('SELECT COALESCE(MAX(id), 0) AS id FROM notices').get() as { id: number }).id,
  }
}
