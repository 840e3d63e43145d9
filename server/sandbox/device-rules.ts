// How the sandbox's virtual devices read their product definitions: initial values, value checks, and the two
// wire encodings (WebSocket: true/false and byte arrays; REST: 0/1 and hex strings). Written independently of the
// BFF's rules on purpose, so a disagreement between the two shows up in tests.
import type { AttrItem, Attrs, AttrValue } from '@shared/open-api'

interface Range { low: number; high: number; step: number; digits: number }

function digits(value: number): number {
  const text = String(value)
  return text.includes('.') ? text.split('.')[1].length : 0
}

function rangeOf(attr: AttrItem): Range {
  const { min, max, ratio, addition } = attr.uint_spec ?? { min: 0, max: 0, ratio: 1, addition: 0 }
  const d = Math.max(digits(ratio), digits(addition))
  const fix = (n: number) => Number(n.toFixed(d))
  return { low: fix(min * ratio + addition), high: fix(max * ratio + addition), step: ratio, digits: d }
}

export function byteLength(attr: AttrItem): number {
  return attr.position.unit === 'byte' ? attr.position.len : Math.ceil(attr.position.len / 8)
}

export function initialValue(attr: AttrItem): AttrValue {
  switch (attr.data_type) {
    case 'bool': return false
    case 'enum': return attr.enum?.[0] ?? ''
    case 'binary': return new Array(byteLength(attr)).fill(0)
    default: return rangeOf(attr).low
  }
}

/** Puts a number on the datapoint's grid and inside its range. */
export function quantize(attr: AttrItem, value: number): number {
  const { low, high, step, digits: d } = rangeOf(attr)
  const onGrid = low + Math.round((Math.min(high, Math.max(low, value)) - low) / step) * step
  return Number(onGrid.toFixed(d))
}

/** Why a value cannot be written to this datapoint, or null. `encoding` is how the value arrived. */
export function rejectWrite(attr: AttrItem | undefined, value: unknown, encoding: 'ws' | 'rest'): string | null {
  if (!attr) return 'unknown datapoint'
  if (attr.type !== 'status_writable') return `${attr.name} is not writable`
  return rejectValue(attr, value, encoding)
}

/** Why a value is not a valid reading of this datapoint (used for writes and for hand-made reports). */
export function rejectValue(attr: AttrItem, value: unknown, encoding: 'ws' | 'rest'): string | null {
  switch (attr.data_type) {
    case 'bool':
      return typeof value === 'boolean' ? null : `${attr.name} expects true or false`
    case 'enum':
      return typeof value === 'string' && (attr.enum ?? []).includes(value) ? null : `${attr.name} expects one of ${(attr.enum ?? []).join(', ')}`
    case 'binary': {
      const bytes = byteLength(attr)
      if (encoding === 'rest') {
        return typeof value === 'string' && /^[0-9a-fA-F]*$/.test(value) && value.length === bytes * 2 ? null : `${attr.name} expects ${bytes * 2} hex digits`
      }
      return Array.isArray(value) && value.length === bytes && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)
        ? null
        : `${attr.name} expects ${bytes} bytes`
    }
    default: {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${attr.name} expects a number`
      const { low, high, step } = rangeOf(attr)
      if (value < low || value > high) return `${attr.name} must be within ${low}..${high}`
      const k = (value - low) / step
      if (Math.abs(k - Math.round(k)) > 1e-6) return `${attr.name} must be a multiple of ${step} from ${low}`
      return null
    }
  }
}

/** Turns a value that arrived in `encoding` into the device's own (WebSocket) form. */
export function fromWire(attr: AttrItem, value: AttrValue, encoding: 'ws' | 'rest'): AttrValue {
  if (attr.data_type === 'binary' && encoding === 'rest' && typeof value === 'string') {
    return value.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []
  }
  return value
}

/** REST encoding, as `devdata/latest` shows it: bools 0/1, binary hex strings. */
export function toRest(defs: AttrItem[], attrs: Attrs): Attrs {
  const out: Attrs = {}
  for (const attr of defs) {
    const value = attrs[attr.name]
    if (value === undefined) continue
    if (attr.data_type === 'bool') out[attr.name] = value === true ? 1 : 0
    else if (attr.data_type === 'binary' && Array.isArray(value)) out[attr.name] = value.map((b) => b.toString(16).padStart(2, '0')).join('')
    else out[attr.name] = value
  }
  return out
}
