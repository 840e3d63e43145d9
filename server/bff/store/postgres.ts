// PostgreSQL (DATABASE_URL) behind the same store interfaces as SQLite, for what several BFFs must share and keep:
// users with their sealed Gizwits tokens, hashed sessions, the relay's command journal, WeChat push dedup. Migrations are numbered
// files in store/pg-migrations/, applied once under an advisory lock so BFFs starting together do not race.
// Raw SQL stays in this folder, as with SQLite. The pool fails a query at once while the server is away (the
// request answers 503, see app.ts) and reconnects by itself when it is back: no BFF restart needed.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { tellsResultFromStart } from '@shared/commands'
import type { Attrs } from '@shared/open-api'
import { COMMAND_TTL_MS, reportShows, type CommandResults, type CommandStore, type CommandToTell, type LoggedCommand, type StoredCommand, type StoredCommandState } from './command-store'
import { sha256Hex } from './database'
import { SESSION_LIFETIME_S, type SessionStore } from './session-store'
import type { TokenSealer } from './token-sealer'
import { cleanNickname, type UserRepository } from './user-repository'
import { PUSH_EVENTS_KEEP_S, PUSH_SEEN_KEEP_S, type KeptPushEvent, type PushStore } from './push-store'

const MIGRATIONS = join(import.meta.dirname, 'pg-migrations')
/** Any fixed number: the key of the advisory lock migrations run under. */
const MIGRATION_LOCK = 7_305_150_015

export type PgPool = pg.Pool

/** PostgreSQL's connection-level failures: the server is away, not the request wrong (answered 503, not 500). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code)
    || /Connection terminated/.test((error as Error).message ?? '')
}

export async function openPostgres(url: string): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 2000, idleTimeoutMillis: 30_000 })
  // An idle client that loses its server emits here; without a listener that would end the process.
  pool.on('error', () => {})
  await migratePostgres(pool)
  return pool
}

export async function migratePostgres(pool: pg.Pool): Promise<string[]> {
  const client = await pool.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)')
    const applied = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name))
    const pending = readdirSync(MIGRATIONS).filter((name) => /^\d{3}_.+\.sql$/.test(name) && !applied.has(name)).sort()
    for (const name of pending) {
      await client.query('BEGIN')
      try {
        await client.query(readFileSync(join(MIGRATIONS, name), 'utf8'))
        await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [name, Date.now()])
        await client.query('COMMIT')
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
    }
    return pending
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
    client.release()
  }
}

const nowS = () => Math.floor(Date.now() / 1000)

export function pgSessionStore(pool: pg.Pool): SessionStore {
  const purgeExpired = async () => (await pool.query('DELETE FROM sessions WHERE expires_at <= $1', [nowS()])).rowCount ?? 0
  return {
    create: async (openid) => {
      const session = { id: randomBytes(32).toString('hex'), openid, expiresAt: nowS() + SESSION_LIFETIME_S }
      await pool.query('INSERT INTO sessions (id_hash, openid, created_at, expires_at) VALUES ($1, $2, $3, $4)', [sha256Hex(session.id), openid, nowS(), session.expiresAt])
      await purgeExpired()
      return session
    },
    get: async (id) => {
      const hash = sha256Hex(id)
      const { rows } = await pool.query<{ openid: string; expires_at: string }>('SELECT openid, expires_at FROM sessions WHERE id_hash = $1', [hash])
      const row = rows[0]
      if (!row || Number(row.expires_at) <= nowS()) return null
      const expiresAt = nowS() + SESSION_LIFETIME_S
      // Rolled forward at most once a day, as with SQLite.
      if (expiresAt - Number(row.expires_at) > 24 * 3600) await pool.query('UPDATE sessions SET expires_at = $1 WHERE id_hash = $2', [expiresAt, hash])
      return { id, openid: row.openid, expiresAt: Math.max(expiresAt, Number(row.expires_at)) }
    },
    destroy: async (id) => {
      await pool.query('DELETE FROM sessions WHERE id_hash = $1', [sha256Hex(id)])
    },
    purgeExpired,
  }
}

/** As sqliteUserRepository: tokens sealed with another DATA_KEY are dropped at start (every BFF shares one key). */
export async function pgUserRepository(pool: pg.Pool, sealer: TokenSealer, warn: (message: string) => void = () => {}): Promise<UserRepository> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    const stored = (await client.query<{ value: string }>("SELECT value FROM store_meta WHERE name = 'token_key_check' FOR UPDATE")).rows[0]
    if (stored?.value !== sealer.keyCheck) {
      const dropped = (await client.query('UPDATE users SET gizwits_token_sealed = NULL, token_expire_at = NULL WHERE gizwits_token_sealed IS NOT NULL')).rowCount ?? 0
      await client.query("INSERT INTO store_meta (name, value) VALUES ('token_key_check', $1) ON CONFLICT (name) DO UPDATE SET value = excluded.value", [sealer.keyCheck])
      if (stored && dropped > 0) warn(`DATA_KEY changed: ${dropped} stored Gizwits token(s) sealed with the old key were dropped; users get new ones on their next request`)
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
  return {
    ensure: async (openid) => {
      await pool.query('INSERT INTO users (openid, created_at, updated_at) VALUES ($1, $2, $3) ON CONFLICT (openid) DO NOTHING', [openid, nowS(), nowS()])
    },
    credentials: async (openid) => {
      const { rows } = await pool.query<{ gizwits_uid: string | null; gizwits_token_sealed: string | null; token_expire_at: string | null }>(
        'SELECT gizwits_uid, gizwits_token_sealed, token_expire_at FROM users WHERE openid = $1', [openid])
      const row = rows[0]
      if (!row?.gizwits_uid || !row.gizwits_token_sealed || row.token_expire_at === null) return null
      const token = sealer.open(row.gizwits_token_sealed, openid)
      if (token === null) return null
      return { uid: row.gizwits_uid, token, expireAt: Number(row.token_expire_at) }
    },
    saveCredentials: async (openid, credentials) => {
      await pool.query(
        'INSERT INTO users (openid, gizwits_uid, gizwits_token_sealed, token_expire_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (openid) DO UPDATE SET gizwits_uid = excluded.gizwits_uid, gizwits_token_sealed = excluded.gizwits_token_sealed, token_expire_at = excluded.token_expire_at, updated_at = excluded.updated_at',
        [openid, credentials.uid, sealer.seal(credentials.token, openid), credentials.expireAt, nowS(), nowS()])
    },
    nickname: async (openid) => {
      const { rows } = await pool.query<{ nickname: string | null }>('SELECT nickname FROM users WHERE openid = $1', [openid])
      return rows[0]?.nickname ?? null
    },
    saveNickname: async (openid, nickname) => {
      await pool.query('UPDATE users SET nickname = $1, updated_at = $2 WHERE openid = $3', [cleanNickname(nickname), nowS(), openid])
    },
    nicknamesByUid: async (uids) => {
      const wanted = [...new Set(uids)].slice(0, 500)
      const found = new Map<string, string>()
      if (wanted.length === 0) return found
      const { rows } = await pool.query<{ gizwits_uid: string; nickname: string }>('SELECT gizwits_uid, nickname FROM users WHERE nickname IS NOT NULL AND gizwits_uid = ANY($1)', [wanted])
      for (const row of rows) found.set(row.gizwits_uid, row.nickname)
      return found
    },
  }
}

interface CommandRow { id: string; did: string; state: StoredCommandState; created_at: string }
const toCommand = (row: CommandRow): StoredCommand => ({ id: row.id, did: row.did, state: row.state, createdAt: Number(row.created_at) })

export function pgCommandStore(pool: pg.Pool): CommandStore & CommandResults {
  const get = async (openid: string, id: string) => {
    const { rows } = await pool.query<CommandRow>('SELECT id, did, state, created_at FROM relay_commands WHERE openid = $1 AND id = $2', [openid, id])
    return rows[0] ? toCommand(rows[0]) : null
  }
  return {
    begin: async (openid, id, did, origin) => {
      const now = Date.now()
      const inserted = await pool.query("INSERT INTO relay_commands (openid, id, did, state, created_at, updated_at, source, attrs, tell_result) VALUES ($1, $2, $3, 'queued', $4, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        [openid, id, did, now, origin.source, JSON.stringify(origin.attrs), (origin.tellResult ?? tellsResultFromStart(origin.source)) ? 1 : 0])
      return { created: inserted.rowCount === 1, command: (await get(openid, id))! }
    },
    setState: async (openid, id, state, reason) => {
      await pool.query('UPDATE relay_commands SET state = $1, updated_at = $2, reason = COALESCE($5, reason) WHERE openid = $3 AND id = $4', [state, Date.now(), openid, id, reason ?? null])
    },
    tellResults: async (openid, ids) => {
      if (ids.length > 0) await pool.query("UPDATE relay_commands SET tell_result = 1 WHERE openid = $1 AND id = ANY($2) AND state IN ('queued', 'sent')", [openid, ids])
    },
    get,
    expireQueued: async (before = Date.now()) =>
      (await pool.query("UPDATE relay_commands SET state = 'expired', updated_at = $1 WHERE state = 'queued' AND created_at <= $2", [Date.now(), before])).rowCount ?? 0,
    purge: async (now = Date.now()) => (await pool.query('DELETE FROM relay_commands WHERE created_at < $1', [now - COMMAND_TTL_MS])).rowCount ?? 0,
    confirmByReport: async (did, values, sinceMs) => {
      const { rows } = await pool.query<{ openid: string; id: string; attrs: string | null }>("SELECT openid, id, attrs FROM relay_commands WHERE did = $1 AND state = 'sent' AND created_at >= $2", [did, sinceMs])
      let changed = 0
      for (const row of rows) {
        if (!reportShows(row.attrs ? (JSON.parse(row.attrs) as Attrs) : null, values)) continue
        changed += (await pool.query("UPDATE relay_commands SET state = 'confirmed', updated_at = $1 WHERE openid = $2 AND id = $3 AND state = 'sent'", [Date.now(), row.openid, row.id])).rowCount ?? 0
      }
      return changed
    },
    failUnanswered: async (beforeMs) => (await pool.query("UPDATE relay_commands SET state = 'failed', reason = 'no_report', updated_at = $1 WHERE tell_result = 1 AND told = 0 AND state = 'sent' AND updated_at < $2",
      [Date.now(), beforeMs])).rowCount ?? 0,
    failOffline: async (did) => (await pool.query("UPDATE relay_commands SET state = 'failed', reason = 'device_offline', updated_at = $1 WHERE did = $2 AND source IN ('schedule', 'rule') AND tell_result = 1 AND told = 0 AND state = 'sent'",
      [Date.now(), did])).rowCount ?? 0,
    resultsToTell: async () => (await pool.query<{ openid: string; id: string; did: string; state: CommandToTell['state']; reason: CommandToTell['reason']; attrs: string | null; source: CommandToTell['source']; updated_at: string }>(
      `SELECT openid, id, did, state, reason, attrs, source, updated_at FROM relay_commands WHERE tell_result = 1 AND told = 0 AND state IN ('confirmed', 'failed', 'expired') ORDER BY updated_at`)).rows
      .map((row) => ({ openid: row.openid, id: row.id, did: row.did, state: row.state, reason: row.reason, attrs: row.attrs ? (JSON.parse(row.attrs) as Attrs) : {}, source: row.source, updatedAt: Number(row.updated_at) })),
    markTold: async (openid, id) => {
      await pool.query('UPDATE relay_commands SET told = 1 WHERE openid = $1 AND id = $2', [openid, id])
    },
    ofDevice: async (did, limit, beforeMs) => (await pool.query<{ openid: string; nickname: string | null; id: string; source: LoggedCommand['source']; attrs: string | null; state: StoredCommandState; reason: LoggedCommand['reason']; created_at: string }>(
      `SELECT c.openid, u.nickname, c.id, c.source, c.attrs, c.state, c.reason, c.created_at FROM relay_commands c LEFT JOIN users u ON u.openid = c.openid
         WHERE c.did = $1 AND c.created_at < $2 ORDER BY c.created_at DESC LIMIT $3`, [did, Math.min(beforeMs ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), limit])).rows
      .map((row) => ({ openid: row.openid, nickname: row.nickname, id: row.id, source: row.source, attrs: row.attrs ? (JSON.parse(row.attrs) as Attrs) : {}, state: row.state, reason: row.reason, createdAt: Number(row.created_at) })),
  }
}

/**
 * As sqlitePushStore, in one transaction per push. Two instances handed the same push at once: the second one's
 * insert waits on the first's key until it commits, then finds it taken — a retry, handled once.
 */
export function pgPushStore(pool: pg.Pool): PushStore {
  return {
    record: async (signed, row) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        if (signed) {
          const claimed = await client.query('INSERT INTO wechat_push_nonces (timestamp, nonce, message_sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [signed.timestamp, signed.nonce, signed.messageSha256])
          if (claimed.rowCount === 0) {
            const { rows } = await client.query<{ message_sha256: string }>('SELECT message_sha256 FROM wechat_push_nonces WHERE timestamp = $1 AND nonce = $2', [signed.timestamp, signed.nonce])
            if (rows[0]?.message_sha256 !== signed.messageSha256) {
              await client.query('ROLLBACK')
              return 'replayed'
            }
          }
        }
        const seen = await client.query('INSERT INTO wechat_push_seen (key, received_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [row.key, row.receivedAt])
        if (seen.rowCount === 0) {
          await client.query('COMMIT')
          return 'retry'
        }
        await client.query('INSERT INTO wechat_events (openid, msg_type, event, event_key, payload, received_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [row.openid, row.msgType, row.event, row.eventKey, row.payload, row.receivedAt])
        await client.query('COMMIT')
        return 'fresh'
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    events: async () => (await pool.query<KeptPushEvent>('SELECT openid, msg_type, event, event_key FROM wechat_events ORDER BY id')).rows,
    sweep: async (nowS, nonceWindowS) => ({
      nonces: (await pool.query('DELETE FROM wechat_push_nonces WHERE timestamp < $1', [nowS - nonceWindowS])).rowCount ?? 0,
      seen: (await pool.query('DELETE FROM wechat_push_seen WHERE received_at < $1', [nowS - PUSH_SEEN_KEEP_S])).rowCount ?? 0,
      events: (await pool.query('DELETE FROM wechat_events WHERE received_at < $1', [nowS - PUSH_EVENTS_KEEP_S])).rowCount ?? 0,
    }),
  }
}
