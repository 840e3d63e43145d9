// The operator page's figures, gathered from every live instance (ops/heartbeats.ts) and from the store the worker
// fills: devices online now and over 24 h, commands per minute by outcome, alerts and notices by channel, WeChat's
// template quota, refusals by Gizwits and WeChat code, the event stream's lag, and each instance's connections.
import type { HistoryStore } from '../store/history-store'
import type { AccessTokenSource } from '../wechat/access-token'
import { templateQuota, type TemplateQuota } from '../wechat/template-message'
import type { Heartbeat, InstanceFigures } from './heartbeats'

const DEVICES_CACHE_MS = 10_000
const QUOTA_CACHE_MS = 60_000
const DAY_S = 24 * 3600

export interface OpsFigures {
  at: number
  devices: { onlineNow: number; online24h: number } | null
  commands: {
    total: Record<string, number>
    /** The last 15 minutes, oldest first; the last entry is the minute running now. */
    perMinute: Array<{ minute: number; sent: number; confirmed: number; failed: number; expired: number }>
  }
  alerts: Record<string, number>
  notices: Record<string, number>
  wechat: { sent: number; quota: TemplateQuota | null }
  errors: { gizwits: Record<string, number>; wechat: Record<string, number> }
  stream: { workers: number; connected: number; lagSeconds: number | null; events: number }
  instances: InstanceFigures[]
}

function add(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value
  return into
}

/**
 * A value fetched at most once per `ms`, or sooner (but not within `minMs`) when `version` changed: the quota after a
 * send of ours, the devices after new events. A failure keeps the last value (or null) and is tried again next time.
 */
function cached<T>(ms: number, minMs: number, load: () => Promise<T>): (version?: number) => Promise<T | null> {
  let value: T | null = null
  let at = 0
  let loadedVersion: number | undefined
  let inFlight: Promise<T | null> | null = null
  return (version) => {
    const age = Date.now() - at
    if (age < minMs || (age < ms && version === loadedVersion)) return Promise.resolve(value)
    loadedVersion = version
    inFlight ??= load().then((fresh) => (value = fresh), () => value).finally(() => {
      at = Date.now()
      inFlight = null
    })
    return inFlight
  }
}

export interface FigureSources { heartbeat: Heartbeat; history: HistoryStore; wechatApiBase: () => string; accessToken: AccessTokenSource }

export function opsFigures(sources: FigureSources): () => Promise<OpsFigures> {
  const devices = cached(DEVICES_CACHE_MS, 1000, async () => {
    const { onlineNow, onlineSince } = await sources.history.deviceFigures(Date.now() / 1000 - DAY_S)
    return { onlineNow, online24h: onlineSince }
  })
  const quota = cached(QUOTA_CACHE_MS, 0, () => templateQuota(sources.wechatApiBase(), sources.accessToken))
  return async () => {
    const instances = await sources.heartbeat.instances()
    const perMinute = new Map<number, OpsFigures['commands']['perMinute'][number]>()
    const figures: OpsFigures = {
      at: Date.now(),
      devices: null,
      commands: { total: {}, perMinute: [] },
      alerts: {}, notices: {},
      wechat: { sent: 0, quota: null },
      errors: { gizwits: {}, wechat: {} },
      stream: { workers: 0, connected: 0, lagSeconds: null, events: 0 },
      instances,
    }
    for (const { figures: own } of instances) {
      add(figures.commands.total, own.commands)
      for (const row of own.commandMinutes) {
        const sum = perMinute.get(row.minute) ?? { minute: row.minute, sent: 0, confirmed: 0, failed: 0, expired: 0 }
        for (const state of ['sent', 'confirmed', 'failed', 'expired'] as const) sum[state] += row[state]
        perMinute.set(row.minute, sum)
      }
      add(figures.alerts, own.alerts)
      add(figures.notices, own.notices)
      add(figures.errors.gizwits, own.gizwitsErrors)
      add(figures.errors.wechat, own.wechatErrors)
      figures.wechat.sent += own.wechatSent
      if (own.worker) {
        figures.stream.workers++
        figures.stream.events += own.snoti.events
        if (own.snoti.connected) figures.stream.connected++
        if (own.snoti.lagSeconds !== null) figures.stream.lagSeconds = Math.max(figures.stream.lagSeconds ?? 0, own.snoti.lagSeconds)
      }
    }
    figures.wechat.quota = await quota(figures.wechat.sent)
    figures.devices = await devices(figures.stream.events)
    // Minutes of this BFF's clock: the others' rows for the same minutes add up; older ones have left the window.
    const newest = Math.max(...[...perMinute.keys()], 0)
    figures.commands.perMinute = [...perMinute.values()].filter((row) => row.minute > newest - 15 * 60_000).sort((a, b) => a.minute - b.minute)
    return figures
  }
}
