// A linkage rule as the rules page edits it (conditions joined by and/or, one action — a device, one of the user's
// single-product groups, or a notice — with an optional duration) and its translation to and from the seed's shape (input prefixes, condition groups, output steps). Pure: the page
// and the unit tests use it; the words a rule is read out with come from src/i18n/rules.ts.
import { isWritable, numberSpec, snapNumber } from '@shared/datapoint'
import type { AttrItem, AttrValue } from '@shared/open-api'
import type { RuleBody, RuleOperator, RuleStep } from '@shared/rules'

export interface ConditionDraft { did: string; attr: string; opt: RuleOperator; value: AttrValue }
/** `did` is the device of a `devctrl` action; `group` the group of a `groupctrl` one (its product gives `attr`). */
export interface ActionDraft { kind: 'devctrl' | 'groupctrl' | 'notify'; did: string; group?: string; attr: string; value: AttrValue; minutes: number; content: string }
export interface RuleDraft { joiner: 'and' | 'or'; conditions: ConditionDraft[]; action: ActionDraft }

/** The datapoints a condition may read: numbers, switches and options (binary is left to the cloud's API). */
export const readable = (attr: AttrItem) => attr.data_type !== 'binary'
/** The datapoints an action may set: writable, not binary. */
export const settable = (attr: AttrItem) => isWritable(attr) && attr.data_type !== 'binary'
export const isNumber = (attr: AttrItem) => !['bool', 'enum', 'binary'].includes(attr.data_type)
export const OPERATORS_FOR = (attr: AttrItem | undefined): RuleOperator[] => (attr && isNumber(attr) ? ['<', '<=', '>', '>=', '==', '!='] : ['==', '!='])
export const OP_KEY: Record<RuleOperator, string> = { '==': 'eq', '!=': 'ne', '>': 'gt', '<': 'lt', '>=': 'ge', '<=': 'le' }

/** A datapoint's first sensible value: off, its first option, or its minimum. */
export function defaultValue(attr: AttrItem | undefined): AttrValue {
  if (!attr) return ''
  if (attr.data_type === 'bool') return true
  if (attr.data_type === 'enum') return attr.enum?.[0] ?? ''
  return numberSpec(attr).min
}

/** A comparison's right side as the seed writes constants: numbers bare, switches 1/0, options quoted. */
export function rightOf(attr: AttrItem, value: AttrValue): string {
  if (attr.data_type === 'bool') return value === true ? '1' : '0'
  if (attr.data_type === 'enum') return `'${String(value)}'`
  return String(value)
}

export function valueOfRight(attr: AttrItem, right: string): AttrValue {
  if (attr.data_type === 'bool') return right === '1'
  if (attr.data_type === 'enum') return right.replace(/^['"]|['"]$/g, '')
  return Number(right)
}

/** The seed's rule for a draft; `productOf` gives each device's product key, `groupProductOf` each group's. */
export function toRuleBody(
  draft: RuleDraft, name: string, productOf: (did: string) => string, attrOf: (did: string, name: string) => AttrItem | undefined,
  groupProductOf: (id: string) => string = () => '',
): RuleBody {
  const main = draft.conditions[0].did
  const prefixes = new Map<string, string>()
  for (const condition of draft.conditions) if (!prefixes.has(condition.did)) prefixes.set(condition.did, `device${prefixes.size + 1}`)
  const conditions = draft.conditions.map((condition) => ({
    left: `${prefixes.get(condition.did)}.${condition.attr}`,
    opt: condition.opt,
    right: rightOf(attrOf(condition.did, condition.attr)!, condition.value),
  }))
  const { action } = draft
  let steps: RuleStep[]
  if (action.kind === 'notify') steps = [{ type: 'notify', content: action.content.trim() }]
  else {
    const value = action.value as boolean | number | string
    const control = (to: boolean | number | string): RuleStep => (action.kind === 'groupctrl'
      ? { type: 'groupctrl', group_id: action.group ?? '', product_key: groupProductOf(action.group ?? ''), attrs: { [action.attr]: to } }
      : { type: 'devctrl', did: action.did, attrs: { [action.attr]: to } })
    steps = [control(value)]
    // "5 分钟" of a switch: on, wait, off again — for a group as for one device.
    if (action.minutes > 0 && typeof value === 'boolean') steps.push({ type: 'delay', delay: action.minutes * 60 }, control(!value))
  }
  return {
    name: name.slice(0, 32),
    product_key: productOf(main),
    did: main,
    event: 'data',
    interval: 0,
    input: [...prefixes].map(([did, prefix]) => ({ did, prefix, product_key: productOf(did) })),
    condition: draft.joiner === 'and' ? [conditions] : conditions.map((condition) => [condition]),
    output: [steps],
    enabled: true,
  }
}

/** A number typed by the user, on the datapoint's grid and in its range (what a single control would send). */
export function snapped(attr: AttrItem, value: number): number {
  return snapNumber(attr, value)
}

export interface ExampleDevice { did: string; attrs: AttrItem[] }

/**
 * The one-tap example for the empty state, from the user's own devices: "when <device>'s <reading> < 30% of its
 * range, turn <switch> on for 5 minutes" — on the plant waterer that is 土壤湿度 < 30% → 水泵 5 分钟. A reading in %
 * is preferred; a device without a reading and a writable switch cannot make it.
 */
export function exampleDraft(devices: ExampleDevice[]): RuleDraft | null {
  const candidates = devices.flatMap((device) => {
    const reading = device.attrs.find((attr) => isNumber(attr) && !isWritable(attr) && attr.type !== 'alert' && attr.type !== 'fault' && attr.unit === '%')
      ?? device.attrs.find((attr) => isNumber(attr) && !isWritable(attr) && attr.type !== 'alert' && attr.type !== 'fault')
    const toggle = device.attrs.find((attr) => settable(attr) && attr.data_type === 'bool')
    return reading && toggle ? [{ device, reading, toggle, percent: reading.unit === '%' }] : []
  })
  const chosen = candidates.find((candidate) => candidate.percent) ?? candidates[0]
  if (!chosen) return null
  const { min, max } = numberSpec(chosen.reading)
  return {
    joiner: 'and',
    conditions: [{ did: chosen.device.did, attr: chosen.reading.name, opt: '<', value: snapNumber(chosen.reading, min + (max - min) * 0.3) }],
    action: { kind: 'devctrl', did: chosen.device.did, attr: chosen.toggle.name, value: true, minutes: 5, content: '' },
  }
}
