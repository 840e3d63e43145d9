// Over-limit (超限) evaluation, edge-triggered like Gizwits' own alarm datapoints: a rule fires when the value
// crosses its limit — after it has stayed there for the rule's hold time — and clears only once the value is back
// inside by the hysteresis band, so a value hovering at the limit does not send a notice per report. A rule that
// fired less than its cooldown ago fires silently, and so does its recovery: one notice pair per cooldown at most.
// Pure functions of (rule, value, memory, now): the worker keeps the memory in the store and passes the clock, so
// the tests drive time by hand.
import type { AlertRule } from '../bff/worker-seam'

export type Edge = 'fire' | 'clear' | null

export type RuleLimits = Pick<AlertRule, 'op' | 'threshold' | 'threshold_high' | 'hysteresis'>
export type RuleTiming = Pick<AlertRule, 'hold_s' | 'cooldown_s'>

/** What the worker remembers of one alert between reports (a row of alert_state). */
export interface AlertMemory {
  state: 'firing' | 'ok'
  /** Over the limit since (UTC seconds) while the hold time runs; null otherwise. */
  pendingSince: number | null
  lastValue: number | null
  /** When this alert last sent a firing notice (for the cooldown). */
  notifiedAt: number | null
  /** The current firing was inside the cooldown: its recovery is silent too. */
  silenced: boolean
}

export const FRESH: AlertMemory = { state: 'ok', pendingSince: null, lastValue: null, notifiedAt: null, silenced: false }

/** Equal-to compares numbers that went through display-unit arithmetic: this close is equal. */
const EPSILON = 1e-9

export function isOver(rule: RuleLimits, value: number): boolean {
  switch (rule.op) {
    case 'above': return value > rule.threshold
    case 'below': return value < rule.threshold
    case 'outside': return value < rule.threshold || value > (rule.threshold_high ?? rule.threshold)
    case 'equal': return Math.abs(value - rule.threshold) < EPSILON
  }
}

/** Back inside by the hysteresis band (equal-to: at least that far from the value, and not equal). */
export function isBack(rule: RuleLimits, value: number): boolean {
  const band = rule.hysteresis
  switch (rule.op) {
    case 'above': return value <= rule.threshold - band
    case 'below': return value >= rule.threshold + band
    case 'outside': return value >= rule.threshold + band && value <= (rule.threshold_high ?? rule.threshold) - band
    case 'equal': return Math.abs(value - rule.threshold) >= Math.max(band, EPSILON)
  }
}

/** The edge-only logic without timing, kept for callers that have no memory (a hold of 0, no cooldown). */
export function ruleEdge(rule: Pick<RuleLimits, 'op' | 'threshold' | 'hysteresis'> & { threshold_high?: number | null }, value: number, state: 'firing' | 'ok'): Edge {
  const limits = { threshold_high: null, ...rule }
  if (state === 'ok' && isOver(limits, value)) return 'fire'
  if (state === 'firing' && isBack(limits, value)) return 'clear'
  return null
}

export interface Verdict {
  memory: AlertMemory
  edge: Edge
  /** false when the edge happens inside the cooldown: the state changes, nobody is told. */
  notify: boolean
}

/**
 * One step of a rule: a new report (`value`), or the clock passing (`value` = memory.lastValue) so a hold time
 * can end between reports — devices report on change, and a value that stays over the limit sends nothing more.
 */
export function evaluate(rule: RuleLimits & RuleTiming, value: number, memory: AlertMemory, now: number): Verdict {
  const next: AlertMemory = { ...memory, lastValue: value }
  if (memory.state === 'ok') {
    if (!isOver(rule, value)) return { memory: { ...next, pendingSince: null }, edge: null, notify: false }
    const since = memory.pendingSince ?? now
    if (now - since < rule.hold_s) return { memory: { ...next, pendingSince: since }, edge: null, notify: false }
    const notify = memory.notifiedAt === null || now - memory.notifiedAt >= rule.cooldown_s
    return {
      memory: { ...next, state: 'firing', pendingSince: null, notifiedAt: notify ? now : memory.notifiedAt, silenced: !notify },
      edge: 'fire',
      notify,
    }
  }
  if (!isBack(rule, value)) return { memory: next, edge: null, notify: false }
  return { memory: { ...next, state: 'ok', pendingSince: null, silenced: false }, edge: 'clear', notify: !memory.silenced }
}

/** A device's own alarm or fault datapoint (SNoti attr_alert / attr_fault, value 1 raised, 0 cleared). */
export function attrEdge(value: number, state: 'firing' | 'ok'): Edge {
  if (value === 1 && state === 'ok') return 'fire'
  if (value === 0 && state === 'firing') return 'clear'
  return null
}

/**
 * Quiet hours in the user's own time zone: [start, end) in minutes after local midnight, wrapping past midnight
 * when start > end (22:00–07:00). An unknown time zone counts as China time, the Official Account's audience.
 */
export function inQuietHours(quiet: { start_min: number; end_min: number; time_zone: string } | null, atS: number): boolean {
  if (!quiet || quiet.start_min === quiet.end_min) return false
  let zone = quiet.time_zone
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone })
  } catch {
    zone = 'Asia/Shanghai'
  }
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(atS * 1000))
  const minute = Number(parts.find((part) => part.type === 'hour')?.value) * 60 + Number(parts.find((part) => part.type === 'minute')?.value)
  return quiet.start_min < quiet.end_min ? minute >= quiet.start_min && minute < quiet.end_min : minute >= quiet.start_min || minute < quiet.end_min
}

const trim = (value: number) => String(Math.round(value * 100) / 100)

/** What a notice says, in the Official Account's language (zh-CN); each part fits a template keyword (≤ 20 chars). */
export function ruleText(rule: Pick<AlertRule, 'op' | 'threshold' | 'threshold_high' | 'label' | 'unit' | 'value_kind'>, value: number, edge: 'fire' | 'clear'): { title: string; detail: string } {
  const shown = (v: number) => (rule.value_kind === 'bool' ? (v ? '开' : '关') : `${trim(v)}${rule.unit}`)
  const detail = `当前 ${shown(value)}`
  if (edge === 'clear') return { title: `已恢复：${rule.label}`.slice(0, 20), detail }
  const limit = `${trim(rule.threshold)}${rule.unit}`
  const phrase = {
    above: `高于 ${limit}`,
    below: `低于 ${limit}`,
    outside: `超出 ${trim(rule.threshold)}–${trim(rule.threshold_high ?? rule.threshold)}${rule.unit}`,
    equal: rule.value_kind === 'bool' ? `${rule.threshold ? '打开' : '关闭'}` : `等于 ${limit}`,
  }[rule.op]
  return { title: `${rule.label}${phrase}`.slice(0, 20), detail }
}

/** The one message that replaces the notices WeChat's daily quota held back (45009): "过去一小时报警 5 次". */
export function digestText(count: number, oldestS: number, nowS: number): string {
  const hours = Math.max(1, Math.ceil((nowS - oldestS) / 3600))
  return `过去${hours === 1 ? '一' : hours}小时报警 ${count} 次`.slice(0, 20)
}
