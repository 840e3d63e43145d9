// What a linkage rule (seed 003 设备联动) means to the sandbox's cloud: reading a request body into a rule the way
// the cloud would refuse it (9015 form, 9014/9017 devices, 9025 values), evaluating its conditions against device
// values, and finding the loops a new rule would close. The sandbox checks values with its own device-rules.ts,
// never the BFF's, so the two can only agree through the protocol.
import type { AttrItem, Attrs, AttrValue } from '@shared/open-api'
import { RULE_EVENTS, RULE_LIMITS, RULE_MAX_DELAY_S, RULE_OPERATORS, type RuleBody, type RuleCondition, type RuleOperator, type RuleStep } from '@shared/rules'
import { rejectWrite, toRest } from '../device-rules'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import type { World } from '../world'

/** The groups a rule may control: given by the group owner (wired at start; see README "Linkage rules"). */
export interface RuleGroups {
  /** The product and devices of one of this user's groups, or null when the user has no such group. */
  members(uid: string, groupId: string): { product_key: string; dids: string[] } | null
}

/** No groups yet: every group step is refused with 9015 "group not found". */
export const NO_GROUPS: RuleGroups = { members: () => null }

const form = (detail: string) => new GizwitsFailure(ErrorCode.FORM_INVALID, detail)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const DID = /^[A-Za-z0-9_-]{1,64}$/
const PK = /^[0-9a-fA-F]{32}$/
const PREFIX = /^[A-Za-z][A-Za-z0-9_]{0,31}$/

function str(body: Record<string, unknown>, key: string, { max, pattern, optional = false }: { max?: number; pattern?: RegExp; optional?: boolean }): string | undefined {
  const value = body[key]
  if (value === undefined && optional) return undefined
  if (typeof value !== 'string') throw form(`${key} must be a string`)
  if (max !== undefined && value.length > max) throw form(`${key} is longer than ${max}`)
  if (pattern && !pattern.test(value)) throw form(`${key} is malformed`)
  return value
}

function list(value: unknown, key: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw form(`${key} must be an array`)
  if (value.length > max) throw form(`${key} has more than ${max} items`)
  return value
}

/** The shape of a rule body: every field the seed lists, with their types; nothing about devices yet. */
export function parseRuleBody(raw: unknown): RuleBody {
  if (!isObject(raw)) throw form('body must be a JSON object')
  const known = new Set(['name', 'remark', 'product_key', 'did', 'interval', 'event', 'event_attr', 'input', 'condition', 'output', 'enabled', 'rule_id'])
  const unknown = Object.keys(raw).find((key) => !known.has(key))
  if (unknown) throw form(`unknown field ${unknown}`)
  const name = str(raw, 'name', { max: 32 })!
  if (name.trim() === '') throw form('name is empty')
  const event = str(raw, 'event', {})!
  if (!(RULE_EVENTS as readonly string[]).includes(event)) throw form(`event must be one of ${RULE_EVENTS.join(', ')}`)
  const interval = raw.interval ?? 0
  if (!Number.isInteger(interval) || (interval as number) < 0 || (interval as number) > RULE_MAX_DELAY_S) throw form(`interval must be 0..${RULE_MAX_DELAY_S} seconds`)
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') throw form('enabled must be true or false')
  let eventAttr: RuleBody['event_attr']
  if (raw.event_attr !== undefined) {
    if (!isObject(raw.event_attr)) throw form('event_attr must be an object')
    const value = str(raw.event_attr, 'value', {})!
    if (value !== '0' && value !== '1') throw form('event_attr.value must be "1" (raised) or "0" (cleared)')
    eventAttr = { attr_name: str(raw.event_attr, 'attr_name', { pattern: /^[A-Za-z0-9_]{1,64}$/ })!, value }
  }
  if ((event === 'alert' || event === 'fault') && !eventAttr) throw form(`event ${event} needs event_attr`)
  const input = list(raw.input ?? [], 'input', RULE_LIMITS.input).map((item) => {
    if (!isObject(item)) throw form('input items must be objects')
    return { did: str(item, 'did', { pattern: DID })!, prefix: str(item, 'prefix', { pattern: PREFIX })!, product_key: str(item, 'product_key', { pattern: PK })! }
  })
  const condition = list(raw.condition ?? [], 'condition', RULE_LIMITS.conditionGroups).map((group) =>
    list(group, 'condition group', RULE_LIMITS.conditionsPerGroup).map((item): RuleCondition => {
      if (!isObject(item)) throw form('conditions must be objects')
      const opt = str(item, 'opt', {})!
      if (!(RULE_OPERATORS as readonly string[]).includes(opt)) throw form(`opt must be one of ${RULE_OPERATORS.join(' ')}`)
      return { left: str(item, 'left', { max: 97 })!, opt: opt as RuleOperator, right: str(item, 'right', { max: 64 })! }
    }),
  )
  if (condition.some((group) => group.length === 0)) throw form('a condition group is empty')
  if (event === 'data' && condition.length === 0) throw form('a data rule needs a condition: without one it would fire on every report')
  const output = list(raw.output, 'output', RULE_LIMITS.outputGroups).map((group) => {
    const steps = list(group, 'output group', RULE_LIMITS.stepsPerGroup)
    if (steps.length === 0) throw form('an output group is empty')
    return steps.map(parseStep)
  })
  if (output.length === 0) throw form('output is empty')
  return {
    name, remark: str(raw, 'remark', { max: 100, optional: true }) ?? '', product_key: str(raw, 'product_key', { pattern: PK })!, did: str(raw, 'did', { pattern: DID })!,
    interval: interval as number, event: event as RuleBody['event'], ...(eventAttr ? { event_attr: eventAttr } : {}), input, condition, output,
    ...(raw.enabled !== undefined ? { enabled: raw.enabled as boolean } : {}),
  }
}

function stepAttrs(step: Record<string, unknown>): Record<string, AttrValue> {
  if (step.raw !== undefined) throw form('raw commands are not accepted in rules here: control datapoints with attrs')
  if (!isObject(step.attrs) || Object.keys(step.attrs).length === 0) throw form('attrs must be a non-empty object')
  return step.attrs as Record<string, AttrValue>
}

function parseStep(item: unknown): RuleStep {
  if (!isObject(item)) throw form('output steps must be objects')
  switch (item.type) {
    case 'devctrl': return { type: 'devctrl', did: str(item, 'did', { pattern: DID })!, attrs: stepAttrs(item) as Record<string, boolean | number | string> }
    case 'delay': {
      if (!Number.isInteger(item.delay) || (item.delay as number) < 1 || (item.delay as number) > RULE_MAX_DELAY_S) throw form(`delay must be 1..${RULE_MAX_DELAY_S} seconds`)
      return { type: 'delay', delay: item.delay as number }
    }
    case 'groupctrl': return { type: 'groupctrl', group_id: str(item, 'group_id', { pattern: /^[A-Za-z0-9_-]{1,64}$/ })!, product_key: str(item, 'product_key', { pattern: PK })!, attrs: stepAttrs(item) as Record<string, boolean | number | string> }
    case 'notify': {
      const content = str(item, 'content', { max: 200 })!
      if (content.trim() === '') throw form('notify content is empty')
      return { type: 'notify', content }
    }
    default: throw form('step type must be devctrl, delay, groupctrl or notify')
  }
}

// ---- operands ----

/** A comparable value: numbers (bools as 0/1, as the seed's `"right": "1"` for a switch) or strings. */
type Operand = number | string

/** `right` as the seed writes constants: `1` is a number, `'1'` or `"1"` a string. */
export function constantOf(right: string): Operand | null {
  const quoted = /^'(.*)'$/.exec(right) ?? /^"(.*)"$/.exec(right)
  if (quoted) return quoted[1]
  const number = Number(right)
  return right.trim() !== '' && Number.isFinite(number) ? number : null
}

function operandOf(attr: AttrItem, value: AttrValue | undefined, asIndex = false): Operand | undefined {
  if (value === undefined) return undefined
  if (attr.data_type === 'bool') return value === true ? 1 : 0
  if (attr.data_type === 'enum') return asIndex ? (attr.enum ?? []).indexOf(String(value)) : String(value)
  if (attr.data_type === 'binary') return String(toRest([attr], { [attr.name]: value })[attr.name])
  return typeof value === 'number' ? value : undefined
}

function compare(left: Operand, opt: RuleOperator, right: Operand): boolean {
  if (opt === '==') return left === right
  if (opt === '!=') return left !== right
  if (typeof left !== 'number' || typeof right !== 'number') return false
  return opt === '>' ? left > right : opt === '<' ? left < right : opt === '>=' ? left >= right : left <= right
}

/** A rule checked against the world: each prefix resolved to its device, each operand to its datapoint. */
export interface CompiledRule {
  body: RuleBody
  /** Per condition group, per condition: where the left side reads, and the right side (constant or datapoint). */
  conditions: Array<Array<{ did: string; attr: AttrItem; opt: RuleOperator; right: { constant: Operand } | { did: string; attr: AttrItem } }>>
}

const isNumeric = (attr: AttrItem) => !['bool', 'enum', 'binary'].includes(attr.data_type)

/**
 * Checks a parsed rule against the devices and the user's bindings, as the cloud checks before it stores one:
 * every device bound to the same user (seed: 联动的设备需要绑定同一个用户), every datapoint known, ordering only on
 * numbers, both sides of a comparison of one type, every control a valid write (9025 as `POST /app/control`).
 */
export function compileRule(world: World, groups: RuleGroups, uid: string, body: RuleBody): CompiledRule {
  const device = (did: string) => {
    const found = world.devices.get(did)
    if (!found) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND, `device ${did}`)
    if (!world.bindings.get(uid, did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND, `device ${did}`)
    return found
  }
  const main = device(body.did)
  if (main.seed.product_key !== body.product_key) throw form(`product_key is not the product of device ${body.did}`)
  if (body.event_attr) {
    const attr = main.product.attrs.find((candidate) => candidate.name === body.event_attr!.attr_name)
    if (!attr || attr.type !== body.event) throw form(`event_attr.attr_name must be a ${body.event} datapoint of device ${body.did}`)
  }
  const prefixes = new Map<string, { did: string; attrs: AttrItem[] }>()
  for (const input of body.input) {
    if (prefixes.has(input.prefix)) throw form(`prefix ${input.prefix} is used twice`)
    const found = device(input.did)
    if (found.seed.product_key !== input.product_key) throw form(`input ${input.prefix}: product_key is not the product of device ${input.did}`)
    prefixes.set(input.prefix, { did: input.did, attrs: found.product.attrs })
  }
  const reference = (text: string) => {
    const [prefix, name] = text.split('.')
    const input = prefixes.get(prefix)
    if (!input) throw form(`${text}: prefix ${prefix} is not in input`)
    const attr = input.attrs.find((candidate) => candidate.name === name)
    if (!attr) throw form(`${text}: the device has no datapoint ${name}`)
    return { did: input.did, attr }
  }
  const conditions = body.condition.map((group) => group.map((condition) => {
    const left = reference(condition.left)
    const ordering = !['==', '!='].includes(condition.opt)
    if (/^[A-Za-z][A-Za-z0-9_]{0,31}\.[A-Za-z0-9_]{1,64}$/.test(condition.right) && constantOf(condition.right) === null) {
      const right = reference(condition.right)
      if (isNumeric(left.attr) !== isNumeric(right.attr)) throw form(`${condition.left} and ${condition.right} are not of one type`)
      if (ordering && !isNumeric(left.attr)) throw form(`${condition.opt} compares numbers only; ${condition.left} is ${left.attr.data_type}`)
      return { ...left, opt: condition.opt, right }
    }
    const constant = constantOf(condition.right)
    if (constant === null) throw form(`${condition.left} ${condition.opt} ${condition.right}: the right side must be a number, a quoted string or prefix.datapoint`)
    if (ordering && !isNumeric(left.attr)) throw form(`${condition.opt} compares numbers only; ${condition.left} is ${left.attr.data_type}`)
    const wantsNumber = isNumeric(left.attr) || left.attr.data_type === 'bool'
    if (wantsNumber && typeof constant !== 'number') throw form(`${condition.left} is a number; compare it with a number (${condition.right} is a string)`)
    if (left.attr.data_type === 'bool' && constant !== 0 && constant !== 1) throw form(`${condition.left} is a switch: compare it with 1 or 0`)
    if (left.attr.data_type === 'binary' && typeof constant !== 'string') throw form(`${condition.left} is binary: compare it with a quoted hex string`)
    return { ...left, opt: condition.opt, right: { constant } }
  }))
  for (const [groupIndex, group] of body.output.entries()) {
    for (const [stepIndex, step] of group.entries()) {
      const where = `output[${groupIndex}][${stepIndex}]`
      if (step.type === 'devctrl') checkWrite(world, device(step.did).seed.did, step.attrs, where)
      if (step.type === 'groupctrl') {
        const members = groups.members(uid, step.group_id)
        if (!members) throw form(`${where}: group ${step.group_id} not found`)
        if (members.product_key !== step.product_key) throw form(`${where}: group ${step.group_id} is not of product ${step.product_key}`)
        for (const did of members.dids) checkWrite(world, did, step.attrs, where)
      }
    }
  }
  return { body, conditions }
}

function checkWrite(world: World, did: string, attrs: Record<string, AttrValue>, where: string): void {
  for (const [name, value] of Object.entries(attrs)) {
    const problem = rejectWrite(world.devices.attrDef(did, name), value, 'rest')
    if (problem) throw new GizwitsFailure(ErrorCode.ATTR_INVALID, `${where}: ${problem}`)
  }
}

/** Whether the rule's conditions hold now: any group (OR) whose conditions all hold (AND). */
export function conditionsHold(rule: CompiledRule, valuesOf: (did: string) => Attrs | undefined): boolean {
  return rule.conditions.some((group) => group.every((condition) => {
    const asIndex = 'constant' in condition.right && condition.attr.data_type === 'enum' && typeof condition.right.constant === 'number'
    const left = operandOf(condition.attr, valuesOf(condition.did)?.[condition.attr.name], asIndex)
    const right = 'constant' in condition.right ? condition.right.constant : operandOf(condition.right.attr, valuesOf(condition.right.did)?.[condition.right.attr.name])
    return left !== undefined && right !== undefined && compare(left, condition.opt, right)
  }))
}

// ---- loops ----

/** What a rule writes when it fires: each control, as device + values (a group's control once per member). */
function writesOf(rule: CompiledRule, uid: string, groups: RuleGroups): Array<{ did: string; attrs: Record<string, AttrValue> }> {
  return rule.body.output.flat().flatMap((step) => {
    if (step.type === 'devctrl') return [{ did: step.did, attrs: step.attrs }]
    if (step.type === 'groupctrl') return (groups.members(uid, step.group_id)?.dids ?? []).map((did) => ({ did, attrs: step.attrs }))
    return []
  })
}

/**
 * Whether a write could make `rule` fire: some condition group reads a datapoint the write sets, and the values
 * written satisfy that group's conditions on them (its other conditions may hold too: assumed). A write that can
 * only make the conditions false (the "switch the pump off after 5 minutes" of a rule on the pump being on) is
 * no trigger, so such a rule is not a loop.
 */
function mayTrigger(write: { did: string; attrs: Record<string, AttrValue> }, rule: CompiledRule): boolean {
  if (rule.body.event !== 'data' || rule.body.did === undefined) return false
  return rule.conditions.some((group) => {
    const touched = group.filter((condition) => condition.did === write.did && condition.attr.name in write.attrs)
    if (touched.length === 0) return false
    return touched.every((condition) => {
      if (!('constant' in condition.right)) return true
      const asIndex = condition.attr.data_type === 'enum' && typeof condition.right.constant === 'number'
      const left = operandOf(condition.attr, write.attrs[condition.attr.name], asIndex)
      return left !== undefined && compare(left, condition.opt, condition.right.constant)
    })
  })
}

export interface LoopRule { ruleId: number | null; uid: string; rule: CompiledRule }

/**
 * The chain of rules through which `candidate` would, by its own controls, end up firing itself again (A changes
 * B, B changes A, or longer through other rules), or null. `others` are the enabled rules already kept, of every
 * user: a loop runs through devices, whoever made its rules.
 */
export function findLoop(candidate: LoopRule, others: LoopRule[], groups: RuleGroups): LoopRule[] | null {
  const all = [candidate, ...others]
  const next = (from: LoopRule) => all.filter((to) => writesOf(from.rule, from.uid, groups).some((write) => mayTrigger(write, to.rule)))
  const path: LoopRule[] = []
  const seen = new Set<LoopRule>()
  const visit = (rule: LoopRule): LoopRule[] | null => {
    path.push(rule)
    for (const to of next(rule)) {
      if (to === candidate) return [...path, candidate]
      if (seen.has(to)) continue
      seen.add(to)
      const found = visit(to)
      if (found) return found
    }
    path.pop()
    return null
  }
  return visit(candidate)
}
