// The shared services a BFF uses when configured (DATABASE_URL, REDIS_URL), opened before the context is built
// and closed with the app. Neither set: both null, and everything runs embedded as before (SQLite, this process).
import type { Redis } from 'ioredis'
import type { Config } from '../config'
import { openPostgres, isDatabaseUnavailable, pgUserRepository, type PgPool } from '../store/postgres'
import { tokenSealer } from '../store/token-sealer'
import type { UserRepository } from '../store/user-repository'
import { redisClusterBus, type ClusterBus } from './cluster-bus'
import { connectRedis } from './redis-state'

export interface ClusterState {
  pool: PgPool | null
  /** Commands (caches, counters, rate limits, publishing). */
  redis: Redis | null
  bus: ClusterBus | null
  /** Built here because PostgreSQL's key check at start is asynchronous. */
  users: UserRepository | null
  close: () => Promise<void>
}

export const EMBEDDED: ClusterState = { pool: null, redis: null, bus: null, users: null, close: async () => {} }

export async function openClusterState(config: Config, warn: (message: string) => void): Promise<ClusterState> {
  if (!config.databaseUrl && !config.redisUrl) return EMBEDDED
  const pool = config.databaseUrl ? await openPostgres(config.databaseUrl) : null
  const users = pool ? await pgUserRepository(pool, tokenSealer(config.dataKey), warn) : null
  let redis: Redis | null = null
  let subscriber: Redis | null = null
  let bus: ClusterBus | null = null
  if (config.redisUrl) {
    redis = connectRedis(config.redisUrl)
    subscriber = connectRedis(config.redisUrl)
    // ioredis reports a lost connection here and reconnects by itself; unheard, the event would end the process.
    redis.on('error', () => {})
    subscriber.on('error', () => {})
    bus = await redisClusterBus(redis, subscriber, config.instanceId, (error) => warn(`cluster bus: ${(error as Error).message}`))
  }
  return {
    pool, redis, bus, users,
    close: async () => {
      await bus?.close()
      subscriber?.disconnect()
      redis?.disconnect()
      await pool?.end()
    },
  }
}

/** A request failed because a shared service is away (PostgreSQL or Redis): 503, and it recovers by itself. */
export function isSharedStateUnavailable(error: unknown): boolean {
  if (isDatabaseUnavailable(error)) return true
  const name = (error as { name?: unknown } | null)?.name
  const message = (error as Error | null)?.message ?? ''
  return name === 'MaxRetriesPerRequestError' || /^Connection is closed|Stream isn't writeable|ECONNREFUSED/.test(message)
}
