// Over-limit (超限) evaluation, edge-triggered like Gizwits' own alarm datapoints: a rule fires when the value
// crosses its limit and clears only once the value is back inside by the hysteresis band, so a value hovering at
// the limit does not send a notice per report. Pure functions: the worker keeps the state in the store.
import type { AlertRule } from '../bff/worker-seam'

export type Edge = 'fire' | 'clear' | null

export function ruleEdge(rule: Pick<AlertRule, 'op' | 'threshold' | 'hysteresis'>, value: number, state: 'firing' | 'ok'): Edge {
  const over = rule.op === 'above' ? value > rule.threshold : value < rule.threshold
  const back = rule.op === 'above' ? value <= rule.threshold - rule.hysteresis : value >= rule.threshold + rule.hysteresis
  if (state === 'ok' && over) return 'fire'
  if (state === 'firing' && back) return 'clear'
  return null
}

/** A device's own alarm or fault datapoint (SNoti attr_alert / attr_fault, value 1 raised, 0 cleared). */
export function attrEdge(value: number, state: 'firing' | 'ok'): Edge {
  if (value === 1 && state === 'ok') return 'fire'
  if (value === 0 && state === 'firing') return 'clear'
  return null
}

const trim = (value: number) => String(Math.round(value * 100) / 100)

/** What a notice says, in the Official Account's language (zh-CN); each part fits a template keyword (≤ 20 chars). */
export function ruleText(rule: Pick<AlertRule, 'op' | 'threshold' | 'label' | 'unit'>, value: number, edge: 'fire' | 'clear'): { title: string; detail: string } {
  const limit = `${trim(rule.threshold)}${rule.unit}`
  if (edge === 'clear') return { title: `已恢复：${rule.label}`.slice(0, 20), detail: `当前 ${trim(value)}${rule.unit}` }
  return { title: `${rule.label}${rule.op === 'above' ? '高于' : '低于'} ${limit}`.slice(0, 20), detail: `当前 ${trim(value)}${rule.unit}` }
}
