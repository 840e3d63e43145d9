// Device history, alert rules and state, notices and the worker's event ledger on PostgreSQL (pg-migration 005),
// behind the same HistoryStore as SQLite (history-store.ts), for several workers sharing one SNoti subscription key
// and the BFFs reading what they wrote. What differs from SQLite, and why:
// - a transaction takes an advisory lock on its device (pg_advisory_xact_lock), so two workers handed two reports
//   of one device at once apply them one after the other and never overwrite each other's alert state;
// - an event's key is claimed in the same transaction (device_events): the second worker handed the same event
//   waits for the first to commit, then finds the key taken, and stores nothing;
// - the notices a worker is about to send are claimed for NOTICE_CLAIM_S (FOR UPDATE SKIP LOCKED), so no two
//   workers send the same one, and a killed worker's claims run out for another to take.
import type pg from 'pg'
import { NOTICE_CLAIM_S, type AlertRule, type HistoryStore, type Notice } from './history-store'

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>

const RULE_COLUMNS = 'id, did, attr, op, threshold, threshold_high, hysteresis, hold_s, cooldown_s, critical, value_kind, label, unit, created_by'
/** BIGSERIAL comes back as a string from pg; ids stay far below 2^53, so a float8 is exact. */
const NOTICE_COLUMNS = 'id::float8 AS id, notice_key, openid, did, device_name, title, detail, created_at, status, result, edge, alert_key, read_at, kind, channel'
const nowS = () => Date.now() / 1000
/** alert_rules.id is an INTEGER: a number outside it names no rule (PostgreSQL would refuse the statement). */
const isRuleId = (id: number) => Number.isInteger(id) && id >= 1 && id <= 2_147_483_647

export function pgHistoryStore(pool: pg.Pool, { claimS = NOTICE_CLAIM_S }: { claimS?: number } = {}): HistoryStore {
  return bound(pool, pool, claimS)
}

function bound(pool: pg.Pool, db: Queryable, claimS: number, inTransaction = false): HistoryStore {
  const rows = async <T extends pg.QueryResultRow>(sql: string, values: unknown[] = []) => (await db.query<T>(sql, values)).rows
  const run = async (sql: string, values: unknown[] = []) => (await db.query(sql, values)).rowCount ?? 0

  /** Several statements as one: on the caller's transaction when there is one, else in one of their own. */
  async function transaction<T>(lockKey: string | undefined, work: (client: Queryable, store: HistoryStore) => Promise<T>): Promise<T> {
    if (inTransaction) {
      if (lockKey !== undefined) await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey])
      return work(db, self)
    }
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      if (lockKey !== undefined) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey])
      const result = await work(client, bound(pool, client, claimS, true))
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {})
      throw error
    } finally {
      client.release()
    }
  }

  const claim = async (status: 'pending' | 'queued') => {
    const claimed = await rows<Notice>(`UPDATE notices SET claimed_until = $1 WHERE id IN (
        SELECT id FROM notices WHERE status = $2 AND (claimed_until IS NULL OR claimed_until < $3) ORDER BY id LIMIT 500 FOR UPDATE SKIP LOCKED)
      RETURNING ${NOTICE_COLUMNS}`, [nowS() + claimS, status, nowS()])
    return claimed.sort((a, b) => a.id - b.id)
  }

  const self: HistoryStore = {
    atomically: (work, lockKey) => transaction(lockKey, (_client, store) => work(store)),
    recordEvent: async (event) =>
      (await run('INSERT INTO device_events (event_key, did, event_type, created_at, data) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [event.key, event.did, event.type, event.createdAt, JSON.stringify(event.data ?? null)])) === 1,
    appendValues: async (did, at, values) => {
      const entries = Object.entries(values)
      if (entries.length === 0) return
      await run('INSERT INTO datapoint_history (did, attr, at, value) SELECT $1, attr, $2, value FROM unnest($3::text[], $4::float8[]) AS v(attr, value)',
        [did, at, entries.map(([attr]) => attr), entries.map(([, value]) => value)])
    },
    history: async (did, attr, fromS, toS, bucketS) => (await rows<{ at: number; avg: number; min: number; max: number; count: number }>(
      `SELECT trunc(at / $1::float8) * $1::float8 AS at, AVG(value) AS avg, MIN(value) AS min, MAX(value) AS max, COUNT(*)::int AS count
         FROM datapoint_history WHERE did = $2 AND attr = $3 AND at >= $4 AND at < $5 GROUP BY trunc(at / $1::float8) ORDER BY 1`,
      [bucketS, did, attr, fromS, toS])),
    firstValueAt: async (did, attr) => (await rows<{ at: number | null }>('SELECT MIN(at) AS at FROM datapoint_history WHERE did = $1 AND attr = $2', [did, attr]))[0].at,

    rulesOf: async (did) => rows<AlertRule>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE did = $1 ORDER BY id`, [did]),
    rule: async (id) => (isRuleId(id) ? (await rows<AlertRule>(`SELECT ${RULE_COLUMNS} FROM alert_rules WHERE id = $1`, [id]))[0] ?? null : null),
    saveRule: async (rule) => (await rows<AlertRule>(
      `INSERT INTO alert_rules (did, attr, op, threshold, threshold_high, hysteresis, hold_s, cooldown_s, critical, value_kind, label, unit, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (did, attr, op) DO UPDATE SET threshold = excluded.threshold, threshold_high = excluded.threshold_high, hysteresis = excluded.hysteresis,
           hold_s = excluded.hold_s, cooldown_s = excluded.cooldown_s, critical = excluded.critical, value_kind = excluded.value_kind, label = excluded.label,
           unit = excluded.unit, created_by = excluded.created_by
         RETURNING ${RULE_COLUMNS}`,
      [rule.did, rule.attr, rule.op, rule.threshold, rule.threshold_high ?? null, rule.hysteresis, rule.hold_s ?? 0, rule.cooldown_s ?? 0, rule.critical ?? false,
        rule.value_kind ?? 'number', rule.label, rule.unit, rule.created_by, Math.floor(nowS())]))[0],
    deleteRule: async (did, id) => isRuleId(id) && (await run('DELETE FROM alert_rules WHERE did = $1 AND id = $2', [did, id])) > 0,
    alertState: async (key) => (await rows<{ state: 'firing' | 'ok' }>('SELECT state FROM alert_state WHERE alert_key = $1', [key]))[0]?.state ?? 'ok',
    setAlertState: async (key, did, state, since) => {
      await run('INSERT INTO alert_state (alert_key, did, state, since) VALUES ($1, $2, $3, $4) ON CONFLICT (alert_key) DO UPDATE SET state = excluded.state, since = excluded.since',
        [key, did, state, since])
    },
    alertMemory: async (key) => {
      const row = (await rows<{ state: 'firing' | 'ok'; pending_since: number | null; last_value: number | null; notified_at: number | null; silenced: boolean }>(
        'SELECT state, pending_since, last_value, notified_at, silenced FROM alert_state WHERE alert_key = $1', [key]))[0]
      return row ? { state: row.state, pendingSince: row.pending_since, lastValue: row.last_value, notifiedAt: row.notified_at, silenced: row.silenced } : null
    },
    setAlertMemory: async (key, did, memory, at) => {
      await run(`INSERT INTO alert_state (alert_key, did, state, since, pending_since, last_value, notified_at, silenced) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                   ON CONFLICT (alert_key) DO UPDATE SET since = CASE WHEN alert_state.state = excluded.state THEN alert_state.since ELSE excluded.since END,
                     state = excluded.state, pending_since = excluded.pending_since, last_value = excluded.last_value, notified_at = excluded.notified_at,
                     silenced = excluded.silenced`,
      [key, did, memory.state, at, memory.pendingSince, memory.lastValue, memory.notifiedAt, memory.silenced])
    },
    pendingHolds: async () => rows<{ alert_key: string; did: string }>('SELECT alert_key, did FROM alert_state WHERE pending_since IS NOT NULL'),

    receives: async (openid, did) => (await rows<{ receive: boolean }>('SELECT receive FROM alert_prefs WHERE openid = $1 AND did = $2', [openid, did]))[0]?.receive !== false,
    setReceives: async (openid, did, receive) => {
      await run('INSERT INTO alert_prefs (openid, did, receive) VALUES ($1, $2, $3) ON CONFLICT (openid, did) DO UPDATE SET receive = excluded.receive', [openid, did, receive])
    },
    quietHours: async (openid) => (await rows<{ start_min: number; end_min: number; time_zone: string }>('SELECT start_min, end_min, time_zone FROM quiet_hours WHERE openid = $1', [openid]))[0] ?? null,
    setQuietHours: async (openid, quiet) => {
      if (!quiet) await run('DELETE FROM quiet_hours WHERE openid = $1', [openid])
      else await run(`INSERT INTO quiet_hours (openid, start_min, end_min, time_zone) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (openid) DO UPDATE SET start_min = excluded.start_min, end_min = excluded.end_min, time_zone = excluded.time_zone`,
      [openid, quiet.start_min, quiet.end_min, quiet.time_zone])
    },

    audienceOf: async (did) => rows<{ uid: string; dev_alias: string }>('SELECT uid, dev_alias FROM device_audience WHERE did = $1 ORDER BY uid', [did]),
    addAudience: async (did, uid, devAlias = '') => {
      await run('INSERT INTO device_audience (did, uid, dev_alias, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (did, uid) DO UPDATE SET updated_at = excluded.updated_at',
        [did, uid, devAlias, Math.floor(nowS())])
    },
    removeAudience: async (did, uid) => {
      await run('DELETE FROM device_audience WHERE did = $1 AND uid = $2', [did, uid])
    },
    replaceAudienceOfUser: (uid, devices, now) => transaction(undefined, async (client) => {
      await client.query('DELETE FROM device_audience WHERE uid = $1', [uid])
      // A device listed twice keeps its first alias.
      if (devices.length > 0) {
        await client.query(`INSERT INTO device_audience (did, uid, dev_alias, updated_at) SELECT did, $1, dev_alias, $2 FROM unnest($3::text[], $4::text[]) AS d(did, dev_alias)
                              ON CONFLICT (did, uid) DO NOTHING`, [uid, now, devices.map((d) => d.did), devices.map((d) => d.dev_alias)])
      }
      await client.query('INSERT INTO audience_reads (uid, read_at) VALUES ($1, $2) ON CONFLICT (uid) DO UPDATE SET read_at = excluded.read_at', [uid, now])
    }),
    audienceReadAt: async (uid) => {
      const row = (await rows<{ read_at: string }>('SELECT read_at FROM audience_reads WHERE uid = $1', [uid]))[0]
      return row ? Number(row.read_at) : null
    },
    knownUsers: async () => rows<{ openid: string; uid: string }>('SELECT openid, gizwits_uid AS uid FROM users WHERE gizwits_uid IS NOT NULL'),
    openidOf: async (uid) => (await rows<{ openid: string }>('SELECT openid FROM users WHERE gizwits_uid = $1 LIMIT 1', [uid]))[0]?.openid ?? null,

    addNotice: async (notice) => (await run(`INSERT INTO notices (notice_key, openid, did, device_name, title, detail, created_at, status, result, edge, alert_key, kind, channel)
                                                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
    [notice.notice_key, notice.openid, notice.did, notice.device_name, notice.title, notice.detail, notice.created_at, notice.status ?? 'pending', notice.result ?? null,
      notice.edge, notice.alert_key, notice.kind ?? 'alert', notice.status === 'in_app_only' ? 'app' : null])) === 1,
    pendingNotices: () => claim('pending'),
    queuedNotices: () => claim('queued'),
    markNotice: async (id, status, result, channel) => {
      // Marking ends the claim: a notice put back to 'pending' (WeChat busy) is taken again at the next flush.
      await run('UPDATE notices SET status = $1, result = $2, channel = COALESCE($4, channel), claimed_until = NULL WHERE id = $3', [status, result, id, channel ?? null])
    },
    lastInteractionAt: async (openid) => {
      const row = (await rows<{ at: string | null }>(`SELECT MAX(received_at) AS at FROM wechat_events WHERE openid = $1 AND (msg_type = 'text'
                                                        OR (msg_type = 'event' AND event IN ('CLICK', 'SCAN', 'subscribe', 'scancode_push', 'scancode_waitmsg')))`, [openid]))[0]
      return row?.at == null ? null : Number(row.at)
    },
    reportsOf: async (did, limit, beforeS) => (await rows<{ created_at: number; data: string }>(
      `SELECT created_at, data FROM device_events WHERE did = $1 AND event_type = 'device_status_kv' AND created_at < $2 ORDER BY created_at DESC LIMIT $3`, [did, beforeS, limit]))
      .map((row) => ({ created_at: Number(row.created_at), data: JSON.parse(row.data) as Record<string, unknown> })),
    alertsOf: async (openid, did, limit, beforeS) => rows<Notice>(
      `SELECT ${NOTICE_COLUMNS} FROM notices WHERE openid = $1 AND did = $2 AND kind = 'alert' AND created_at < $3 ORDER BY created_at DESC LIMIT $4`, [openid, did, beforeS, limit]),
    deviceFigures: async (sinceS) => {
      // Each device's latest presence event (DISTINCT ON), then those not offline, and those seen since `sinceS`.
      const row = (await rows<{ online_now: number; online_since: number }>(`
        WITH latest AS (
          SELECT DISTINCT ON (did) did, event_type FROM device_events
          WHERE event_type IN ('device_online', 'device_offline', 'device_status_kv') ORDER BY did, created_at DESC
        )
        SELECT
          (SELECT COUNT(*)::int FROM latest WHERE event_type <> 'device_offline') AS online_now,
          (SELECT COUNT(*)::int FROM (
            SELECT did FROM latest WHERE event_type <> 'device_offline'
            UNION
            SELECT did FROM device_events WHERE created_at >= $1 AND event_type IN ('device_online', 'device_status_kv')
          ) AS seen) AS online_since`, [sinceS]))[0]
      return { onlineNow: row.online_now, onlineSince: row.online_since }
    },
    offline: async (did) => (await rows<{ event_type: string }>(`SELECT event_type FROM device_events WHERE did = $1 AND event_type IN ('device_online', 'device_offline', 'device_status_kv')
                                                                   ORDER BY created_at DESC LIMIT 1`, [did]))[0]?.event_type === 'device_offline',
    noticesOf: async (openid, did, limit) => rows<Notice>(`SELECT ${NOTICE_COLUMNS} FROM notices WHERE openid = $1 AND did = $2 ORDER BY id DESC LIMIT $3`, [openid, did, limit]),
    inbox: async (openid, limit, beforeId, did) => rows<Notice>(
      `SELECT ${NOTICE_COLUMNS} FROM notices WHERE openid = $1 AND id < $2 AND ($3::text IS NULL OR did = $3) ORDER BY id DESC LIMIT $4`,
      [openid, Math.min(beforeId ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), did ?? null, limit]),
    unreadCount: async (openid) => (await rows<{ n: number }>('SELECT COUNT(*)::int AS n FROM notices WHERE openid = $1 AND read_at IS NULL', [openid]))[0].n,
    markRead: async (openid, ids, at) => ids === 'all'
      ? run('UPDATE notices SET read_at = $1 WHERE openid = $2 AND read_at IS NULL', [at, openid])
      // An id past bigint (the schema allows any integer) names no notice; PostgreSQL would refuse the whole statement.
      : run('UPDATE notices SET read_at = $1 WHERE openid = $2 AND id = ANY($3::bigint[]) AND read_at IS NULL', [at, openid, ids.filter((id) => Number.isSafeInteger(id))]),
    noticesAfter: async (afterId, limit) => rows<Notice>(`SELECT ${NOTICE_COLUMNS} FROM notices WHERE id > $1 ORDER BY id LIMIT $2`, [afterId, limit]),
    lastNoticeId: async () => (await rows<{ id: number }>('SELECT COALESCE(MAX(id), 0)::float8 AS id FROM notices'))[0].id,
  }

  return self
}
