// Device data and control: datapoint values as the APIs carry them, the latest values, a control request.
import { Type, type Static } from 'typebox'

/** A datapoint value as APIs carry it: bool, enum label, display number, binary (hex string over REST, byte array over WS). */
export const AttrValue = Type.Union([Type.Boolean(), Type.Number(), Type.String(), Type.Array(Type.Integer({ minimum: 0, maximum: 255 }))])
export type AttrValue = Static<typeof AttrValue>

export const Attrs = Type.Record(Type.String(), AttrValue)
export type Attrs = Static<typeof Attrs>

/** `GET /app/devdata/{did}/latest` — note the singular `attr`. */
export const DevdataLatest = Type.Object({
  did: Type.String(),
  updated_at: Type.Number(),
  attr: Attrs,
})
export type DevdataLatest = Static<typeof DevdataLatest>

export const ControlBody = Type.Object(
  {
    attrs: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 64 }), AttrValue, { minProperties: 1 })),
    raw: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { minItems: 1, maxItems: 1024 })),
  },
  { minProperties: 1 },
)
export type ControlBody = Static<typeof ControlBody>

/**
 * `GET|PUT /app/devdata/{did}/agg_data` (seed 003 高级数据接口): one aggregator over hour/day/week/month buckets.
 * Values come back as strings; the bucket key is spelled `datatime` (sic), "YYYYMMDDHH" for hours, in China time.
 */
export const AggData = Type.Object({
  query: Type.Object({ aggregator: Type.String(), end_ts: Type.Union([Type.Number(), Type.Null()]), start_ts: Type.Number(), attrs: Type.String(), unit: Type.String() }),
  data: Type.Array(Type.Object({ datatime: Type.String(), uid: Type.String(), product_key: Type.String(), attrs: Type.Record(Type.String(), Type.String()) })),
})
export type AggData = Static<typeof AggData>
