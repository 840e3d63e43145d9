// Alert evaluation with a clock driven by hand (server/worker/alerts.ts): every kind of rule fires on the crossing
// and clears only back inside its band; a hold time delays the firing until the value has stayed over the limit,
// ended by the clock between reports; a cooldown silences a rule that fired a moment ago, and its recovery with it;
// quiet hours are read in the user's own time zone, across midnight; the 45009 digest says how many and how long.
import { describe, expect, test } from 'vitest'
import { digestText, evaluate, FRESH, inQuietHours, isBack, isOver, ruleText, type AlertMemory } from '../../server/worker/alerts'

const rule = (over: Partial<Parameters<typeof evaluate>[0]> = {}) => ({ op: 'below' as const, threshold: 30, threshold_high: null, hysteresis: 5, hold_s: 0, cooldown_s: 0, ...over })

/** Runs reports (value at second t) through one rule; returns the edges that notify, as "t:edge". */
function run(r: Parameters<typeof evaluate>[0], reports: Array<[number, number]>, start: AlertMemory = FRESH) {
  let memory = start
  const told: string[] = []
  for (const [t, value] of reports) {
    const verdict = evaluate(r, value, memory, t)
    memory = verdict.memory
    if (verdict.edge) told.push(`${t}:${verdict.edge}${verdict.notify ? '' : '(silent)'}`)
  }
  return { told, memory }
}

describe('kinds of rule', () => {
  test('above / below: over strictly past the limit, back only beyond the band', () => {
    expect(isOver({ op: 'above', threshold: 30, threshold_high: null, hysteresis: 0 }, 30)).toBe(false)
    expect(isOver({ op: 'above', threshold: 30, threshold_high: null, hysteresis: 0 }, 30.5)).toBe(true)
    expect(run(rule(), [[0, 31], [1, 29], [2, 20], [3, 33], [4, 35]]).told).toEqual(['1:fire', '4:clear'])
  })

  test('outside a range: either side fires; back means inside by the band on both sides', () => {
    const range = rule({ op: 'outside', threshold: 18, threshold_high: 26, hysteresis: 1 })
    expect(run(range, [[0, 22], [1, 27], [2, 25.5], [3, 25], [4, 17], [5, 18.5], [6, 19]]).told).toEqual(['1:fire', '3:clear', '4:fire', '6:clear'])
    expect(isBack(range, 18.9)).toBe(false)
  })

  test('equal to: a switch turned on (1) fires once, turned off (0) clears', () => {
    const on = rule({ op: 'equal', threshold: 1, hysteresis: 0 })
    expect(run(on, [[0, 0], [1, 1], [2, 1], [3, 0], [4, 1]]).told).toEqual(['1:fire', '3:clear', '4:fire'])
  })
})

describe('hold time', () => {
  test('fires only once the value has stayed over the limit for the hold; a dip back resets it', () => {
    const held = rule({ hold_s: 60 })
    expect(run(held, [[0, 20], [30, 22], [59, 21], [60, 21]]).told).toEqual(['60:fire'])
    expect(run(held, [[0, 20], [30, 40], [70, 20], [100, 20], [130, 20]]).told).toEqual(['130:fire'])
  })

  test('the clock ends a hold between reports: the last value is evaluated again at the later time', () => {
    const held = rule({ hold_s: 60 })
    const first = evaluate(held, 20, FRESH, 1000)
    expect(first.edge).toBe(null)
    expect(first.memory.pendingSince).toBe(1000)
    expect(evaluate(held, first.memory.lastValue!, first.memory, 1059).edge).toBe(null)
    expect(evaluate(held, first.memory.lastValue!, first.memory, 1060)).toMatchObject({ edge: 'fire', notify: true })
  })
})

describe('cooldown', () => {
  test('a second crossing inside the cooldown changes the state silently, and its recovery is silent too', () => {
    const cooled = rule({ hysteresis: 0, cooldown_s: 600 })
    const { told } = run(cooled, [[0, 20], [100, 40], [200, 20], [300, 40], [700, 20], [800, 40]])
    expect(told).toEqual(['0:fire', '100:clear', '200:fire(silent)', '300:clear(silent)', '700:fire', '800:clear'])
  })
})

describe('quiet hours, in the user\'s time zone', () => {
  // 2026-01-15 15:30 UTC = 23:30 in Shanghai = 10:30 in New York.
  const at = Date.UTC(2026, 0, 15, 15, 30) / 1000
  const night = { start_min: 22 * 60, end_min: 7 * 60 }
  test('22:00–07:00 wraps past midnight and is read on the user\'s clock', () => {
    expect(inQuietHours({ ...night, time_zone: 'Asia/Shanghai' }, at)).toBe(true)
    expect(inQuietHours({ ...night, time_zone: 'America/New_York' }, at)).toBe(false)
    expect(inQuietHours({ ...night, time_zone: 'Asia/Shanghai' }, at + 8 * 3600)).toBe(false) // 07:30 next morning
    expect(inQuietHours({ ...night, time_zone: 'Asia/Shanghai' }, at + 7 * 3600 + 1799)).toBe(true) // 06:59:59
  })
  test('no quiet hours, or start = end, is never quiet; an unknown zone is read as China time', () => {
    expect(inQuietHours(null, at)).toBe(false)
    expect(inQuietHours({ start_min: 60, end_min: 60, time_zone: 'Asia/Shanghai' }, at)).toBe(false)
    expect(inQuietHours({ ...night, time_zone: 'Mars/Olympus' }, at)).toBe(true)
  })
})

describe('what the notice says', () => {
  test('each kind in words, within a template keyword', () => {
    const base = { threshold_high: null, label: '土壤湿度', unit: '%', value_kind: 'number' as const }
    expect(ruleText({ ...base, op: 'below', threshold: 30 }, 24, 'fire')).toEqual({ title: '土壤湿度低于 30%', detail: '当前 24%' })
    expect(ruleText({ ...base, op: 'outside', threshold: 18, threshold_high: 26, label: '室温', unit: '℃' }, 27, 'fire').title).toBe('室温超出 18–26℃')
    expect(ruleText({ ...base, op: 'equal', threshold: 1, label: '水泵', unit: '', value_kind: 'bool' }, 1, 'fire')).toEqual({ title: '水泵打开', detail: '当前 开' })
    expect(ruleText({ ...base, op: 'below', threshold: 30 }, 40, 'clear').title).toBe('已恢复：土壤湿度')
  })
  test('the 45009 digest: how many, over how long', () => {
    expect(digestText(5, 0, 1800)).toBe('过去一小时报警 5 次')
    expect(digestText(12, 0, 3 * 3600)).toBe('过去3小时报警 12 次')
  })
})
