// The process's own figures for the operator: one prom-client registry per process, filled by the single owner of
// each concept (the relay for commands, the Open API client for Gizwits codes, the WeChat client for WeChat codes,
// sends and quota, the worker for alerts, notices and the event stream). The operator page (ops/figures.ts) and
// /metrics on METRICS_PORT (ops/metrics-server.ts) both read from here, so the two never disagree.
// Module-level on purpose: the relay, the clients and the in-process worker of `npm start` are separate objects that
// must count into the same process-wide figures, as a Prometheus scrape of this process expects.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'

export const registry = new Registry()
collectDefaultMetrics({ register: registry, prefix: 'h5_' })

/** What became of commands, by the state the relay recorded (sent, confirmed, failed, expired). */
export const commandsTotal = new Counter({ name: 'h5_commands_total', help: 'Commands by the outcome the relay recorded', labelNames: ['state'] as const, registers: [registry] })
export const gizwitsErrorsTotal = new Counter({ name: 'h5_gizwits_errors_total', help: 'Gizwits Open API refusals by error_code ("unreachable": no answer)', labelNames: ['code'] as const, registers: [registry] })
export const wechatErrorsTotal = new Counter({ name: 'h5_wechat_errors_total', help: 'WeChat API refusals by errcode and API', labelNames: ['errcode', 'api'] as const, registers: [registry] })
export const wechatTemplateSentTotal = new Counter({ name: 'h5_wechat_template_sent_total', help: 'Template messages WeChat accepted', registers: [registry] })
export const wechatQuota = new Gauge({ name: 'h5_wechat_template_quota', help: 'Template message daily quota as WeChat reports it (cgi-bin/openapi/quota/get)', labelNames: ['kind'] as const, registers: [registry] })
export const alertsTotal = new Counter({ name: 'h5_alerts_total', help: 'Alert edges the worker evaluated (fire, clear), by source (rule, device)', labelNames: ['edge', 'source'] as const, registers: [registry] })
export const noticesTotal = new Counter({ name: 'h5_notices_total', help: 'Notices by where they went: template, subscribe, custom (WeChat channels), wechat_digest, in_app_only, queued (quota), failed', labelNames: ['channel'] as const, registers: [registry] })
export const snotiEventsTotal = new Counter({ name: 'h5_snoti_events_total', help: 'SNoti events stored by this worker', registers: [registry] })
export const snotiLagSeconds = new Gauge({ name: 'h5_snoti_lag_seconds', help: 'Age of the last SNoti event when this worker stored it', registers: [registry] })
export const snotiConnected = new Gauge({ name: 'h5_snoti_connected', help: '1 while this worker is logged in to SNoti', registers: [registry] })

/** Set from the worker's store before each scrape (BFF processes only: one per cluster would do, each is cheap). */
export const devicesOnline = new Gauge({ name: 'h5_devices_online', help: 'Devices online now (window="now") and at some time in the last 24 h (window="24h")', labelNames: ['window'] as const, registers: [registry] })
export const pagesConnected = new Gauge({ name: 'h5_pages_connected', help: 'Page sockets open on this BFF', registers: [registry] })
export const cloudLinks = new Gauge({ name: 'h5_cloud_links', help: 'Gizwits app sockets (one per user with pages open) on this BFF', registers: [registry] })

export type CommandState = 'sent' | 'confirmed' | 'failed' | 'expired'
const COMMAND_STATES: CommandState[] = ['sent', 'confirmed', 'failed', 'expired']
const MINUTES_KEPT = 60

/** Per-minute counts of the last hour (start of minute in ms → counts), for "commands per minute" on the page. */
const commandMinutes = new Map<number, Record<CommandState, number>>()

/** Called by the relay (relay/user-hub.ts) each time it records a command's new state, and nowhere else. */
export function countCommand(state: CommandState, at = Date.now()): void {
  commandsTotal.inc({ state })
  const minute = Math.floor(at / 60_000) * 60_000
  let counts = commandMinutes.get(minute)
  if (!counts) {
    counts = { sent: 0, confirmed: 0, failed: 0, expired: 0 }
    commandMinutes.set(minute, counts)
    for (const old of commandMinutes.keys()) if (old <= minute - MINUTES_KEPT * 60_000) commandMinutes.delete(old)
  }
  counts[state]++
}

export function commandsPerMinute(now = Date.now()): Array<{ minute: number } & Record<CommandState, number>> {
  const current = Math.floor(now / 60_000) * 60_000
  const list = []
  for (let minute = current - (MINUTES_KEPT - 1) * 60_000; minute <= current; minute += 60_000) {
    list.push({ minute, ...(commandMinutes.get(minute) ?? { sent: 0, confirmed: 0, failed: 0, expired: 0 }) })
  }
  return list
}

/** The Open API client's refusals, once per refused call. */
export function countGizwitsError(code: number | 'unreachable'): void {
  gizwitsErrorsTotal.inc({ code: String(code) })
}

/** `api` is the path called (/cgi-bin/…, /sns/…): a fixed, small set. */
export function countWeChatError(errcode: number, url: string): void {
  let api = '?'
  try {
    api = new URL(url).pathname.replace(/[^/a-z_]/gi, '').slice(0, 60)
  } catch {
    // an unparsable URL keeps "?"
  }
  wechatErrorsTotal.inc({ errcode: String(errcode), api })
}

/** Marks this process as running the worker (the operator page lists it as one). */
let workerHere = false
export function workerStarted(): void {
  workerHere = true
}

/** What this process has counted, summed per label, for the operator page and the cluster heartbeat. */
export interface ProcessFigures {
  worker: boolean
  commands: Record<CommandState, number>
  commandMinutes: Array<{ minute: number } & Record<CommandState, number>>
  gizwitsErrors: Record<string, number>
  wechatErrors: Record<string, number>
  wechatSent: number
  alerts: Record<string, number>
  notices: Record<string, number>
  snoti: { connected: boolean; events: number; lagSeconds: number | null }
}

async function byLabel(metric: Counter<string>, label: (labels: Record<string, string | number>) => string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const { labels, value } of (await metric.get()).values) {
    const key = label(labels as Record<string, string | number>)
    out[key] = (out[key] ?? 0) + value
  }
  return out
}

export async function processFigures(): Promise<ProcessFigures> {
  const commands = { sent: 0, confirmed: 0, failed: 0, expired: 0, ...(await byLabel(commandsTotal, (l) => String(l.state))) }
  const lag = (await snotiLagSeconds.get()).values[0]
  return {
    worker: workerHere,
    commands: Object.fromEntries(COMMAND_STATES.map((state) => [state, commands[state] ?? 0])) as Record<CommandState, number>,
    commandMinutes: commandsPerMinute().slice(-15),
    gizwitsErrors: await byLabel(gizwitsErrorsTotal, (l) => String(l.code)),
    wechatErrors: await byLabel(wechatErrorsTotal, (l) => String(l.errcode)),
    wechatSent: (await wechatTemplateSentTotal.get()).values[0]?.value ?? 0,
    alerts: await byLabel(alertsTotal, (l) => `${l.edge}`),
    notices: await byLabel(noticesTotal, (l) => String(l.channel)),
    snoti: {
      connected: ((await snotiConnected.get()).values[0]?.value ?? 0) === 1,
      events: (await snotiEventsTotal.get()).values[0]?.value ?? 0,
      lagSeconds: workerHere && lag ? lag.value : null,
    },
  }
}
