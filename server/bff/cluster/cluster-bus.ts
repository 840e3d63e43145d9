// The cluster's pub/sub channel (Redis): app events reach whichever instance holds the user's pages. Each BFF
// holding pages of a user keeps its own cloud socket for that user (Gizwits allows several per user), so device
// reports arrive everywhere already; what the cloud does not repeat to every socket travels here — a command's
// outcome recorded on one instance, and a change of bindings made through one instance's REST routes (the others
// must stop believing their cached device lists).
import type { Redis } from 'ioredis'
import type { StoredCommandState } from '../store/command-store'
import { KEY_PREFIX } from './redis-state'

export const CLUSTER_CHANNEL = `${KEY_PREFIX}events`

export type ClusterEvent =
  | { kind: 'user_changed'; openid: string }
  | { kind: 'devices_changed'; dids: string[]; by?: string }
  | { kind: 'command'; openid: string; id: string; state: StoredCommandState }

export interface ClusterBus {
  publish: (event: ClusterEvent) => void
  /** Events published by the other instances (never this one's own). */
  onEvent: (handler: (event: ClusterEvent) => void) => void
  close: () => Promise<void>
}

/** `subscriber` must be a connection of its own: Redis gives a subscribed connection to nothing else. */
export async function redisClusterBus(publisher: Redis, subscriber: Redis, instanceId: string, onError: (error: unknown) => void): Promise<ClusterBus> {
  const handlers: Array<(event: ClusterEvent) => void> = []
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== CLUSTER_CHANNEL) return
    try {
      const { from, event } = JSON.parse(text) as { from: string; event: ClusterEvent }
      if (from === instanceId) return
      for (const handler of handlers) handler(event)
    } catch (error) {
      onError(error)
    }
  })
  await subscriber.subscribe(CLUSTER_CHANNEL)
  return {
    publish: (event) => void publisher.publish(CLUSTER_CHANNEL, JSON.stringify({ from: instanceId, event })).catch(onError),
    onEvent: (handler) => void handlers.push(handler),
    close: async () => {
      await subscriber.unsubscribe(CLUSTER_CHANNEL).catch(() => {})
    },
  }
}
