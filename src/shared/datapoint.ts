// Datapoint rules shared by the page (controls) and the BFF (checking a control before it leaves).
// Numbers: display y = ratio·x + addition, where x is the device's transmission value in uint_spec.min…max.
import type { AttrItem, AttrValue, ProductDefinition } from './open-api'

export type DatapointKind = 'switch' | 'enum' | 'number' | 'readonly' | 'alarm' | 'binary'
export type DatapointGroup = 'controls' | 'sensors' | 'alerts' | 'diagnostics'

export interface NumberSpec {
  min: number
  max: number
  step: number
  decimals: number
}

/** All datapoints of a product, in definition order. */
export function productAttrs(product: ProductDefinition): AttrItem[] {
  return product.entities.flatMap((entity) => entity.attrs)
}

export function isWritable(attr: AttrItem): boolean {
  return attr.type === 'status_writable'
}

export function datapointKind(attr: AttrItem): DatapointKind {
  if (attr.type === 'alert' || attr.type === 'fault') return 'alarm'
  if (attr.data_type === 'binary') return 'binary'
  if (!isWritable(attr)) return 'readonly'
  if (attr.data_type === 'bool') return 'switch'
  if (attr.data_type === 'enum') return 'enum'
  return 'number'
}

export function datapointGroup(attr: AttrItem): DatapointGroup {
  if (attr.type === 'alert' || attr.type === 'fault') return 'alerts'
  if (attr.data_type === 'binary') return 'diagnostics'
  return isWritable(attr) ? 'controls' : 'sensors'
}

/** Decimal places needed to show multiples of `ratio` exactly (0.1 → 1, 0.25 → 2, 5 → 0). */
export function decimalsOf(ratio: number): number {
  for (let decimals = 0; decimals <= 6; decimals++) {
    const scaled = ratio * 10 ** decimals
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9) return decimals
  }
  return 6
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals
  return Math.round(value * factor) / factor
}

/** Display range and step of a numeric datapoint. */
export function numberSpec(attr: AttrItem): NumberSpec {
  const spec = attr.uint_spec ?? { min: 0, max: 0, ratio: 1, addition: 0 }
  const decimals = Math.max(decimalsOf(spec.ratio), decimalsOf(spec.addition))
  const a = round(spec.ratio * spec.min + spec.addition, decimals)
  const b = round(spec.ratio * spec.max + spec.addition, decimals)
  return { min: Math.min(a, b), max: Math.max(a, b), step: Math.abs(spec.ratio), decimals }
}

/** Transmission value x → display value y. */
export function toDisplay(attr: AttrItem, x: number): number {
  const spec = attr.uint_spec ?? { min: 0, max: 0, ratio: 1, addition: 0 }
  return round(spec.ratio * x + spec.addition, numberSpec(attr).decimals)
}

/** Display value y → transmission value x (clamped, whole). */
export function toTransmission(attr: AttrItem, y: number): number {
  const spec = attr.uint_spec ?? { min: 0, max: 0, ratio: 1, addition: 0 }
  const x = Math.round((y - spec.addition) / spec.ratio)
  return Math.min(spec.max, Math.max(spec.min, x))
}

/** Clamps a display value into range and snaps it to the nearest step from the minimum. */
export function snapNumber(attr: AttrItem, y: number): number {
  const { min, max, step, decimals } = numberSpec(attr)
  if (!Number.isFinite(y)) return min
  const clamped = Math.min(max, Math.max(min, y))
  const snapped = step > 0 ? min + Math.round((clamped - min) / step) * step : clamped
  return round(Math.min(max, snapped), decimals)
}

/** Shows a display number with exactly its datapoint's decimals. */
export function formatNumber(attr: AttrItem, y: number): string {
  return y.toFixed(numberSpec(attr).decimals)
}

/** Byte length of a binary datapoint. */
export function binaryLength(attr: AttrItem): number {
  return attr.position.unit === 'byte' ? attr.position.len : Math.ceil(attr.position.len / 8)
}

/** Binary values arrive as byte arrays (WebSocket) or hex strings (REST); both show as hex. */
export function binaryToHex(value: AttrValue | undefined): string {
  if (Array.isArray(value)) return value.map((byte) => byte.toString(16).padStart(2, '0')).join('')
  if (typeof value === 'string') return value.toLowerCase()
  return ''
}

/** Alert and fault points arrive as true/false over WebSocket and as 0/1 over REST. */
export function isActive(value: AttrValue | undefined): boolean {
  return value === true || value === 1 || value === '1' || value === 'true'
}

export type WriteProblem =
  | { reason: 'unknown'; name: string }
  | { reason: 'not_writable'; name: string }
  | { reason: 'type'; name: string; expected: 'bool' | 'enum' | 'number' | 'binary' }
  | { reason: 'enum'; name: string; allowed: string[] }
  | { reason: 'range'; name: string; min: number; max: number }
  | { reason: 'step'; name: string; step: number; min: number }
  | { reason: 'binary_length'; name: string; bytes: number }

/**
 * Checks one value a user wants to write, in display units, against the product definition.
 * `binaryAs` says how binary values travel: byte arrays on WebSocket, hex strings on REST.
 */
export function checkWrite(
  attrs: AttrItem[],
  name: string,
  value: AttrValue,
  binaryAs: 'bytes' | 'hex' = 'bytes',
): WriteProblem | null {
  const attr = attrs.find((candidate) => candidate.name === name)
  if (!attr) return { reason: 'unknown', name }
  if (!isWritable(attr)) return { reason: 'not_writable', name }
  switch (attr.data_type) {
    case 'bool':
      return typeof value === 'boolean' ? null : { reason: 'type', name, expected: 'bool' }
    case 'enum': {
      const allowed = attr.enum ?? []
      if (typeof value !== 'string') return { reason: 'type', name, expected: 'enum' }
      return allowed.includes(value) ? null : { reason: 'enum', name, allowed }
    }
    case 'binary': {
      const bytes = binaryLength(attr)
      if (binaryAs === 'bytes') {
        if (!Array.isArray(value)) return { reason: 'type', name, expected: 'binary' }
        return value.length === bytes ? null : { reason: 'binary_length', name, bytes }
      }
      if (typeof value !== 'string' || !/^[0-9a-fA-F]*$/.test(value)) return { reason: 'type', name, expected: 'binary' }
      return value.length === bytes * 2 ? null : { reason: 'binary_length', name, bytes }
    }
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return { reason: 'type', name, expected: 'number' }
      const { min, max, step, decimals } = numberSpec(attr)
      if (value < min || value > max) return { reason: 'range', name, min, max }
      const steps = (value - min) / step
      const tolerance = 10 ** -(decimals + 3)
      if (Math.abs(steps - Math.round(steps)) * step > tolerance) return { reason: 'step', name, step, min }
      return null
    }
  }
}

/** Checks every attr of a write; returns the first problem or null. */
export function checkWriteAll(attrs: AttrItem[], values: Record<string, AttrValue>, binaryAs: 'bytes' | 'hex' = 'bytes'): WriteProblem | null {
  for (const [name, value] of Object.entries(values)) {
    const problem = checkWrite(attrs, name, value, binaryAs)
    if (problem) return problem
  }
  return null
}

/** Whether a reported value confirms a written one (numbers within half a step, binary by hex). */
export function sameValue(attr: AttrItem | undefined, reported: AttrValue | undefined, wanted: AttrValue): boolean {
  if (reported === undefined) return false
  if (typeof wanted === 'number' && typeof reported === 'number') {
    const step = attr?.uint_spec ? Math.abs(attr.uint_spec.ratio) : 0
    return Math.abs(reported - wanted) <= Math.max(step / 2, 1e-9)
  }
  if (typeof wanted === 'boolean') return isActive(reported) === wanted
  if (Array.isArray(wanted) || Array.isArray(reported)) return binaryToHex(reported) === binaryToHex(wanted)
  return reported === wanted
}
