// A product's datapoints (its definition): what each value is, how it is encoded, what the page may write.
import { Type, type Static } from 'typebox'

export const DataType = Type.Union([
  Type.Literal('bool'),
  Type.Literal('enum'),
  Type.Literal('uint8'),
  Type.Literal('uint16'),
  Type.Literal('uint32'),
  Type.Literal('binary'),
])
export type DataType = Static<typeof DataType>

export const AttrType = Type.Union([
  Type.Literal('status_writable'),
  Type.Literal('status_readonly'),
  Type.Literal('alert'),
  Type.Literal('fault'),
])
export type AttrType = Static<typeof AttrType>

/** `uint_spec.min/max` are the transmission range x; the display value is y = ratio·x + addition. */
export const UintSpec = Type.Object({
  min: Type.Number(),
  max: Type.Number(),
  ratio: Type.Number(),
  addition: Type.Number(),
})
export type UintSpec = Static<typeof UintSpec>

export const AttrItem = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  display_name: Type.String(),
  desc: Type.String(),
  data_type: DataType,
  type: AttrType,
  position: Type.Object({
    byte_offset: Type.Integer(),
    bit_offset: Type.Integer(),
    len: Type.Integer(),
    unit: Type.Union([Type.Literal('bit'), Type.Literal('byte')]),
  }),
  uint_spec: Type.Optional(UintSpec),
  enum: Type.Optional(Type.Array(Type.String())),
  /** Not in Gizwits' schema: a display unit some definitions carry in `desc`; ours carry it here when known. */
  unit: Type.Optional(Type.String()),
})
export type AttrItem = Static<typeof AttrItem>

export const ProductDefinition = Type.Object({
  name: Type.String(),
  product_key: Type.String(),
  protocolType: Type.String(),
  packetVersion: Type.String(),
  entities: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      display_name: Type.String(),
      attrs: Type.Array(AttrItem),
    }),
  ),
  ui: Type.Optional(Type.Unknown()),
})
export type ProductDefinition = Static<typeof ProductDefinition>
