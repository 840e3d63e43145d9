// Linkage rules (seed 003 设备联动, `/app/rules`, `/app/rules/params`) as TypeBox schemas: the BFF validates and
// serializes with them, the sandbox answers with them, the SPA imports the types. Kept beside open-api.ts, not in it,
// because the shapes carry fields the seed does not document (marked "invented" below; server/sandbox/README.md
// lists them with the reasons).
import { Type, type Static } from 'typebox'
import { DID_PATTERN } from './open-api/common'

/**
 * Error codes for rules. The seed's error table has none for rules, so these are ours, in the cloud's 9xxx range
 * beyond its last documented code (9101): a rule that would start a loop, and a rule id that is not the user's.
 */
export const RuleErrorCode = { RULE_LOOP: 9120, RULE_NOT_FOUND: 9121 } as const

export const RULE_OPERATORS = ['==', '!=', '>', '<', '>=', '<='] as const
export type RuleOperator = (typeof RULE_OPERATORS)[number]
export const RULE_EVENTS = ['data', 'online', 'offline', 'alert', 'fault'] as const

/** The seed leaves the delay unbounded; a day is ours (longer waits belong to schedules). */
export const RULE_MAX_DELAY_S = 86_400
export const RULE_LIMITS = { input: 8, conditionGroups: 8, conditionsPerGroup: 8, outputGroups: 8, stepsPerGroup: 16 } as const

const ProductKey = Type.String({ pattern: '^[0-9a-fA-F]{32}$' })
const Did = Type.String({ pattern: DID_PATTERN })
const Prefix = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}$' })
const Operand = Type.String({ minLength: 1, maxLength: 64 })
/** A written value, in the REST encoding of `POST /app/control` (bools true/false, binary as hex). */
const StepValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 2048 })])
const StepAttrs = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), StepValue, { minProperties: 1, maxProperties: 64 })

export const RuleInput = Type.Object({ did: Did, prefix: Prefix, product_key: ProductKey }, { additionalProperties: false })
export type RuleInput = Static<typeof RuleInput>

/** `left` is `prefix.datapoint`; `right` a constant ("1" a number, "'1'" a string) or another `prefix.datapoint`. */
export const RuleCondition = Type.Object({
  left: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,31}\\.[A-Za-z0-9_]{1,64}$' }),
  opt: Type.Union([Type.Literal('=='), Type.Literal('!='), Type.Literal('>'), Type.Literal('<'), Type.Literal('>='), Type.Literal('<=')]),
  right: Operand,
}, { additionalProperties: false })
export type RuleCondition = Static<typeof RuleCondition>

export const DevctrlStep = Type.Object({ type: Type.Literal('devctrl'), did: Did, attrs: StepAttrs }, { additionalProperties: false })
export const DelayStep = Type.Object({ type: Type.Literal('delay'), delay: Type.Integer({ minimum: 1, maximum: RULE_MAX_DELAY_S }) }, { additionalProperties: false })
/** Invented: one control to a group (seed 003 设备分组), fanned out to each of its devices. */
export const GroupctrlStep = Type.Object({
  type: Type.Literal('groupctrl'), group_id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), product_key: ProductKey, attrs: StepAttrs,
}, { additionalProperties: false })
/** Invented: a notice to the rule's user in the message centre (type 2); the cloud's rule engine can push to apps. */
export const NotifyStep = Type.Object({ type: Type.Literal('notify'), content: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })
export const RuleStep = Type.Union([DevctrlStep, DelayStep, GroupctrlStep, NotifyStep])
export type RuleStep = Static<typeof RuleStep>

const ruleFields = {
  name: Type.String({ minLength: 1, maxLength: 32 }),
  remark: Type.Optional(Type.String({ maxLength: 100 })),
  product_key: ProductKey,
  did: Did,
  interval: Type.Optional(Type.Integer({ minimum: 0, maximum: RULE_MAX_DELAY_S })),
  event: Type.Union([Type.Literal('data'), Type.Literal('online'), Type.Literal('offline'), Type.Literal('alert'), Type.Literal('fault')]),
  event_attr: Type.Optional(Type.Object({ attr_name: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), value: Type.Union([Type.Literal('0'), Type.Literal('1')]) }, { additionalProperties: false })),
  input: Type.Array(RuleInput, { maxItems: RULE_LIMITS.input }),
  condition: Type.Array(Type.Array(RuleCondition, { minItems: 1, maxItems: RULE_LIMITS.conditionsPerGroup }), { maxItems: RULE_LIMITS.conditionGroups }),
  output: Type.Array(Type.Array(RuleStep, { minItems: 1, maxItems: RULE_LIMITS.stepsPerGroup }), { minItems: 1, maxItems: RULE_LIMITS.outputGroups }),
  /** Invented: the seed has no switch; a disabled rule is kept and never fires. */
  enabled: Type.Optional(Type.Boolean()),
}

/** `POST /app/rules` and `PUT /app/rules/{rule_id}` (PUT may repeat `rule_id`). */
export const RuleBody = Type.Object({ ...ruleFields, rule_id: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false })
export type RuleBody = Static<typeof RuleBody>

export const Rule = Type.Object({ ...ruleFields, rule_id: Type.Integer(), remark: Type.String(), interval: Type.Integer(), enabled: Type.Boolean() })
export type Rule = Static<typeof Rule>

export const RuleList = Type.Object({ rules: Type.Array(Rule) })
export type RuleList = Static<typeof RuleList>
export const RuleIdResult = Type.Object({ rule_id: Type.Integer() })
export type RuleIdResult = Static<typeof RuleIdResult>
export const RulesQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false })

/** `GET /app/rules/params`: per product key, the datapoints a rule may use. */
export const RuleParam = Type.Object({ display_name: Type.String(), enum: Type.Array(Type.String()), type: Type.String(), name: Type.String() })
export const RuleParams = Type.Record(Type.String(), Type.Array(RuleParam))
export type RuleParams = Static<typeof RuleParams>

/** Invented (the seed documents no rule log): what one firing did, step by step. */
export const RuleStepResult = Type.Object({
  group: Type.Integer(),
  step: Type.Integer(),
  type: Type.String(),
  did: Type.Optional(Type.String()),
  group_id: Type.Optional(Type.String()),
  /** ok, failed, skipped (an earlier step of its group failed) or pending (waiting for a delay). */
  result: Type.Union([Type.Literal('ok'), Type.Literal('failed'), Type.Literal('skipped'), Type.Literal('pending')]),
  error_code: Type.Optional(Type.Integer()),
  detail: Type.Optional(Type.String()),
})
export type RuleStepResult = Static<typeof RuleStepResult>
export const RuleLog = Type.Object({
  id: Type.Integer(),
  rule_id: Type.Integer(),
  /** UTC ISO time of the firing. */
  fired_at: Type.String(),
  /** running while a delay is pending; then succeed or failed (any failed step), like the legacy scheduler's logs. */
  status: Type.Union([Type.Literal('running'), Type.Literal('succeed'), Type.Literal('failed')]),
  detail: Type.Array(RuleStepResult),
})
export type RuleLog = Static<typeof RuleLog>
export const RuleLogList = Type.Object({ logs: Type.Array(RuleLog) })
export type RuleLogList = Static<typeof RuleLogList>
export const RuleLogsQuery = Type.Object({
  rule_id: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
}, { additionalProperties: false })
