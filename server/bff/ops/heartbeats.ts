// Each process's figures where the operator page can see them all. With REDIS_URL every BFF and worker writes its
// figures into the cluster's Redis every few seconds (a key that expires, listed in a sorted set by time), and the
// page of any BFF reads every live one; an instance that stops writing drops off within HEARTBEAT_TTL_MS. Without
// Redis there is one process, and its figures are read directly.
import { hostname } from 'node:os'
import type { Redis } from 'ioredis'
import { KEY_PREFIX } from '../cluster/redis-state'
import { processFigures, type ProcessFigures } from './metrics'

const HEARTBEAT_EVERY_MS = 5000
const HEARTBEAT_TTL_MS = 15_000
const INSTANCES_KEY = `${KEY_PREFIX}ops:instances`
const instanceKey = (id: string) => `${KEY_PREFIX}ops:instance:${id}`

export interface InstanceFigures {
  id: string
  /** What runs in the process: a BFF, a worker, or both (`npm start` on the sandbox). */
  role: 'bff' | 'worker' | 'bff+worker'
  host: string
  pid: number
  startedAt: number
  at: number
  rssBytes: number
  /** A BFF's open pages and cloud sockets; null for a worker alone. */
  connections: { pages: number; cloudLinks: number; users: number } | null
  figures: ProcessFigures
}

const startedAt = Date.now()

export async function localInstance(id: string, connections: (() => InstanceFigures['connections']) | null): Promise<InstanceFigures> {
  const figures = await processFigures()
  const role = connections ? (figures.worker ? 'bff+worker' : 'bff') : 'worker'
  return { id, role, host: hostname(), pid: process.pid, startedAt, at: Date.now(), rssBytes: process.memoryUsage.rss(), connections: connections?.() ?? null, figures }
}

export interface Heartbeat {
  /** Every live instance, this one's figures fresh. */
  instances: () => Promise<InstanceFigures[]>
  /** Stops writing and removes this instance from the list (before Redis is closed). */
  stop: () => Promise<void>
}

export function startHeartbeat(redis: Redis | null, id: string, connections: (() => InstanceFigures['connections']) | null, warn: (message: string) => void = () => {}): Heartbeat {
  const own = () => localInstance(id, connections)
  if (!redis) return { instances: async () => [await own()], stop: async () => {} }
  let warned = false
  let stopped = false
  const beat = async () => {
    try {
      const figures = await own()
      if (stopped) return
      await redis.multi()
        .set(instanceKey(id), JSON.stringify(figures), 'PX', HEARTBEAT_TTL_MS)
        .zadd(INSTANCES_KEY, figures.at, id)
        .zremrangebyscore(INSTANCES_KEY, '-inf', figures.at - HEARTBEAT_TTL_MS)
        .exec()
      warned = false
    } catch (error) {
      // Redis away: the page of this BFF still shows its own figures; the others come back with Redis.
      if (!warned) warn(`operator heartbeat not written: ${(error as Error).message}`)
      warned = true
    }
  }
  void beat()
  const timer = setInterval(() => void beat(), HEARTBEAT_EVERY_MS)
  timer.unref()
  return {
    instances: async () => {
      const mine = await own()
      try {
        const ids = (await redis.zrangebyscore(INSTANCES_KEY, Date.now() - HEARTBEAT_TTL_MS, '+inf')).filter((other) => other !== id)
        const raw = ids.length > 0 ? await redis.mget(...ids.map(instanceKey)) : []
        const others = raw.filter((text): text is string => text !== null).map((text) => JSON.parse(text) as InstanceFigures)
        return [mine, ...others].sort((a, b) => a.id.localeCompare(b.id))
      } catch {
        return [mine]
      }
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      // Gone at once rather than after the expiry: a stopped instance is not shown as live.
      await redis.multi().del(instanceKey(id)).zrem(INSTANCES_KEY, id).exec().catch(() => {})
    },
  }
}
