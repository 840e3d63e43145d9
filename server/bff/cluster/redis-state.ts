// What several BFFs share through Redis (REDIS_URL): short-lived state that must be one for the whole cluster and
// may be lost with Redis without harm — WeChat's access_token and jsapi_ticket (refetched once after a loss), OAuth
// states (a login in progress starts again), refused binding attempts (the window starts again). Durable state is
// PostgreSQL's (store/postgres.ts). Every key is prefixed, so one Redis can serve several deployments.
import { randomBytes } from 'node:crypto'
import { Redis } from 'ioredis'
import type { AttemptCounter } from '../gizwits/binding-guard'
import { sha256Hex } from '../store/database'
import type { OAuthStateStore } from '../store/oauth-state-store'
import type { CachedValue, TokenCache } from '../wechat/token-cache'

export const KEY_PREFIX = 'h5:'
/** Longer than a stable_token or getticket call may take (their timeout is 10 s): a dead holder's lock expires. */
const LOCK_MS = 15_000
const WAIT_STEP_MS = 50

/** A client that fails a command at once while Redis is away, instead of queueing it for minutes. */
export function connectRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2000, retryStrategy: (times) => Math.min(times * 100, 1000) })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function redisTokenCache(redis: Redis): TokenCache {
  const read = async (key: string): Promise<CachedValue | null> => {
    const raw = await redis.get(KEY_PREFIX + key)
    return raw ? (JSON.parse(raw) as CachedValue) : null
  }
  return {
    get: read,
    set: async (key, value) => {
      const ttl = Math.max(1, value.expiresAt - Date.now())
      await redis.set(KEY_PREFIX + key, JSON.stringify(value), 'PX', ttl)
    },
    singleFlight: async (key, usable, fetch) => {
      const lockKey = `${KEY_PREFIX}lock:${key}`
      const owner = randomBytes(12).toString('hex')
      const deadline = Date.now() + 2 * LOCK_MS
      for (;;) {
        if ((await redis.set(lockKey, owner, 'PX', LOCK_MS, 'NX')) === 'OK') {
          try {
            // Another instance may have stored a fresh one between our miss and the lock.
            const cached = await read(key)
            if (usable(cached)) return cached!.value
            return await fetch()
          } finally {
            // Released only if still ours (it may have expired and been taken by another instance meanwhile).
            await redis.eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", 1, lockKey, owner)
          }
        }
        await sleep(WAIT_STEP_MS)
        const cached = await read(key)
        if (usable(cached)) return cached!.value
        if (Date.now() > deadline) throw new Error(`timed out waiting for another instance to fetch ${key}`)
      }
    },
  }
}

/** OAuth states: SET with an expiry, consumed by DEL (atomic, so a state is accepted once across the cluster). */
export function redisOAuthStateStore(redis: Redis): OAuthStateStore {
  const keyOf = (state: string) => `${KEY_PREFIX}oauth:${sha256Hex(state)}`
  return {
    issue: async (state, lifetimeS) => {
      await redis.set(keyOf(state), '1', 'EX', lifetimeS)
    },
    consume: async (state) => (await redis.del(keyOf(state))) === 1,
  }
}

/** Refused binding attempts as a sorted set of times per key, trimmed to the window on every read. */
export function redisAttemptCounter(redis: Redis, windowMs: number): AttemptCounter {
  const keyOf = (key: string) => `${KEY_PREFIX}bind-failures:${key}`
  return {
    count: async (key) => {
      const now = Date.now()
      const [, count] = (await redis.multi().zremrangebyscore(keyOf(key), 0, now - windowMs).zcard(keyOf(key)).exec())!
      return Number(count[1])
    },
    retryAfterMs: async (key) => {
      const oldest = await redis.zrange(keyOf(key), 0, 0, 'WITHSCORES')
      return oldest.length < 2 ? 0 : Math.max(0, windowMs - (Date.now() - Number(oldest[1])))
    },
    record: async (key) => {
      const now = Date.now()
      await redis.multi().zadd(keyOf(key), now, `${now}:${randomBytes(4).toString('hex')}`).pexpire(keyOf(key), windowMs).exec()
    },
  }
}
