// Device history and alert rules as the BFF serves them to the page (GET /api/devices/:did/history,
// PUT /api/devices/:did/alert-rules): kept by the vendor's worker from SNoti, since the cloud keeps none of it.
import { Type, type Static } from 'typebox'

/** The ranges the chart offers, in hours, and the bucket each is averaged into (seconds). */
export const HISTORY_RANGES: Record<number, number> = { 6: 300, 24: 1800, 168: 3 * 3600, 720: 12 * 3600 }

export const HistoryQuery = Type.Object({
  attr: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }),
  hours: Type.Union(Object.keys(HISTORY_RANGES).map((hours) => Type.Literal(Number(hours)))),
}, { additionalProperties: false })
export type HistoryQuery = Static<typeof HistoryQuery>

/** above/below a limit, outside a range [threshold, threshold_high], equal to a value (a switch: 0 or 1). */
export const AlertOp = Type.Union([Type.Literal('above'), Type.Literal('below'), Type.Literal('outside'), Type.Literal('equal')])
export type AlertOp = Static<typeof AlertOp>

export const AlertRuleView = Type.Object({
  id: Type.Integer(),
  attr: Type.String(),
  op: AlertOp,
  threshold: Type.Number(),
  threshold_high: Type.Union([Type.Number(), Type.Null()]),
  hysteresis: Type.Number(),
  hold_s: Type.Integer(),
  cooldown_s: Type.Integer(),
  critical: Type.Boolean(),
}, { additionalProperties: false })
export type AlertRuleView = Static<typeof AlertRuleView>

export const HistoryResponse = Type.Object({
  did: Type.String(),
  attr: Type.String(),
  /** UTC seconds of the range's start and end, and the width of each bucket. */
  from: Type.Number(),
  to: Type.Number(),
  bucket_s: Type.Integer(),
  /** One per bucket that has reports: its start (UTC seconds), average, minimum and maximum in display units. */
  points: Type.Array(Type.Object({ at: Type.Number(), avg: Type.Number(), min: Type.Number(), max: Type.Number() }, { additionalProperties: false })),
  rules: Type.Array(AlertRuleView),
  /**
   * Where the part of the range before the vendor's store began came from: the cloud's hourly aggregates
   * (agg_data), nothing needed (the store covers the range), or the cloud could not be asked (slow, down, refused).
   */
  older: Type.Union([Type.Literal('cloud'), Type.Literal('none'), Type.Literal('unavailable')]),
}, { additionalProperties: false })
export type HistoryResponse = Static<typeof HistoryResponse>

export const AlertRuleBody = Type.Object({
  attr: Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }),
  op: AlertOp,
  threshold: Type.Number({ minimum: -1e9, maximum: 1e9 }),
  /** The high end of an `outside` range. */
  threshold_high: Type.Optional(Type.Number({ minimum: -1e9, maximum: 1e9 })),
  hysteresis: Type.Optional(Type.Number({ minimum: 0, maximum: 1e6 })),
  /** Seconds the value must stay over the limit before the rule fires (at most a day). */
  hold_s: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  /** Seconds after a notice during which the rule fires silently (at most a day). */
  cooldown_s: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  /** Told in WeChat during quiet hours too. */
  critical: Type.Optional(Type.Boolean()),
}, { additionalProperties: false })
export type AlertRuleBody = Static<typeof AlertRuleBody>
