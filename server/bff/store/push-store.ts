// What the push endpoint keeps: signed nonces already used, pushes already handled, and the events features act
// on. One transaction per push, so a failed write (a full disk) leaves nothing behind and WeChat's retry starts
// clean; and a sweep so none of the three grows without bound.
import type Database from 'better-sqlite3'

/** WeChat retries a push for about 15 s; a day of dedup keys is far more than enough. */
export const PUSH_SEEN_KEEP_S = 24 * 3600
/** Events are kept for the features that act on them later, a month at most. */
export const PUSH_EVENTS_KEEP_S = 30 * 24 * 3600

export interface SignedNonce {
  timestamp: number
  nonce: string
  /** sha256 of the verified message: a retry carries the same one, a forged body on a reused triple does not. */
  messageSha256: string
}

export interface PushEventRow { key: string; openid: string; msgType: string; event: string | null; eventKey: string | null; payload: string; receivedAt: number }

/** fresh: handle it; retry: already handled (answer "success", do nothing); replayed: the nonce signed another message. */
export type PushRecordOutcome = 'fresh' | 'retry' | 'replayed'

/** A kept event as the features that act on it read it. */
export interface KeptPushEvent { openid: string; msg_type: string; event: string | null; event_key: string | null }

type Awaitable<T> = T | Promise<T>
export interface SweepCounts { nonces: number; seen: number; events: number }

/**
 * SQLite answers at once; PostgreSQL (store/postgres.ts) with a promise, shared by every BFF so a WeChat retry
 * that lands on another instance is still a retry.
 */
export interface PushStore {
  record: (signed: SignedNonce | null, event: PushEventRow) => Awaitable<PushRecordOutcome>
  /** The events kept so far, oldest first. */
  events: () => Awaitable<KeptPushEvent[]>
  /** Deletes nonces whose timestamp left the window, dedup keys older than a day, events older than 30 days. */
  sweep: (nowS: number, nonceWindowS: number) => Awaitable<SweepCounts>
}

export interface SqlitePushStore extends PushStore {
  record: (signed: SignedNonce | null, event: PushEventRow) => PushRecordOutcome
  events: () => KeptPushEvent[]
  sweep: (nowS: number, nonceWindowS: number) => SweepCounts
}

export function sqlitePushStore(db: Database.Database): SqlitePushStore {
  const claimNonce = db.prepare('INSERT OR IGNORE INTO wechat_push_nonces (timestamp, nonce, message_sha256) VALUES (?, ?, ?)')
  const nonceDigest = db.prepare('SELECT message_sha256 FROM wechat_push_nonces WHERE timestamp = ? AND nonce = ?').pluck()
  const markSeen = db.prepare('INSERT OR IGNORE INTO wechat_push_seen (key, received_at) VALUES (?, ?)')
  const keepEvent = db.prepare('INSERT INTO wechat_events (openid, msg_type, event, event_key, payload, received_at) VALUES (?, ?, ?, ?, ?, ?)')
  const record = db.transaction((signed: SignedNonce | null, row: PushEventRow): PushRecordOutcome => {
    if (signed && claimNonce.run(signed.timestamp, signed.nonce, signed.messageSha256).changes === 0) {
      if (nonceDigest.get(signed.timestamp, signed.nonce) !== signed.messageSha256) return 'replayed'
    }
    if (markSeen.run(row.key, row.receivedAt).changes === 0) return 'retry'
    keepEvent.run(row.openid, row.msgType, row.event, row.eventKey, row.payload, row.receivedAt)
    return 'fresh'
  })
  const sweepNonces = db.prepare('DELETE FROM wechat_push_nonces WHERE timestamp < ?')
  const sweepSeen = db.prepare('DELETE FROM wechat_push_seen WHERE received_at < ?')
  const sweepEvents = db.prepare('DELETE FROM wechat_events WHERE received_at < ?')
  const keptEvents = db.prepare<[], KeptPushEvent>('SELECT openid, msg_type, event, event_key FROM wechat_events ORDER BY id')
  return {
    record: (signed, row) => record(signed, row),
    events: () => keptEvents.all(),
    sweep: (nowS, nonceWindowS) => ({
      nonces: sweepNonces.run(nowS - nonceWindowS).changes,
      seen: sweepSeen.run(nowS - PUSH_SEEN_KEEP_S).changes,
      events: sweepEvents.run(nowS - PUSH_EVENTS_KEEP_S).changes,
    }),
  }
}
