// Generated values from a route's own JSON schema (the TypeBox schemas the BFF registers), for the fuzz test:
// valid values, values on the edges of each limit, and values that break exactly one rule. A seeded generator makes
// every run the same and a failing case reproducible from its seed.

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export class Random {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]
  }

  chance(p: number): boolean {
    return this.next() < p
  }
}

/** The subset of JSON Schema that TypeBox emits for our routes. */
export interface Schema {
  type?: string
  anyOf?: Schema[]
  const?: unknown
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean
  patternProperties?: Record<string, Schema>
  minProperties?: number
  maxProperties?: number
  items?: Schema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
}

// ---- A generator for the simple regular expressions our schemas use: classes, groups, quantifiers. ----

type Atom =
  | { kind: 'class'; negated: boolean; ranges: Array<[number, number]> }
  | { kind: 'literal'; char: string }
  | { kind: 'any' }
  | { kind: 'group'; items: Piece[] }
interface Piece { atom: Atom; min: number; max: number }

const WHITESPACE: Array<[number, number]> = [[9, 13], [32, 32], [0xa0, 0xa0], [0x3000, 0x3000]]
/** Characters a negated class or `.` may produce: printable ASCII and a little CJK. */
const ALPHABET = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '设', '备', '空', '调']

function parseEscape(pattern: string, at: number): { ranges: Array<[number, number]>; next: number } {
  const c = pattern[at + 1]
  if (c === 'x') return { ranges: [[parseInt(pattern.slice(at + 2, at + 4), 16), parseInt(pattern.slice(at + 2, at + 4), 16)]], next: at + 4 }
  if (c === 's') return { ranges: WHITESPACE, next: at + 2 }
  if (c === 'd') return { ranges: [[48, 57]], next: at + 2 }
  return { ranges: [[c.charCodeAt(0), c.charCodeAt(0)]], next: at + 2 }
}

function parseSequence(pattern: string, start: number, stopAt: string | null): { items: Piece[]; next: number } {
  const items: Piece[] = []
  let at = start
  while (at < pattern.length && pattern[at] !== stopAt) {
    let atom: Atom
    const c = pattern[at]
    if (c === '[') {
      at++
      const negated = pattern[at] === '^'
      if (negated) at++
      const ranges: Array<[number, number]> = []
      while (pattern[at] !== ']') {
        let lo: Array<[number, number]>
        if (pattern[at] === '\\') {
          const escape = parseEscape(pattern, at)
          lo = escape.ranges
          at = escape.next
        } else {
          lo = [[pattern.charCodeAt(at), pattern.charCodeAt(at)]]
          at++
        }
        if (pattern[at] === '-' && pattern[at + 1] !== ']' && lo.length === 1) {
          at++
          let hi: number
          if (pattern[at] === '\\') {
            const escape = parseEscape(pattern, at)
            hi = escape.ranges[0][0]
            at = escape.next
          } else {
            hi = pattern.charCodeAt(at)
            at++
          }
          ranges.push([lo[0][0], hi])
        } else ranges.push(...lo)
      }
      at++
      atom = { kind: 'class', negated, ranges }
    } else if (c === '(') {
      const group = parseSequence(pattern, at + 1, ')')
      atom = { kind: 'group', items: group.items }
      at = group.next + 1
    } else if (c === '\\') {
      const escape = parseEscape(pattern, at)
      atom = escape.ranges.length === 1 && escape.ranges[0][0] === escape.ranges[0][1] ? { kind: 'literal', char: String.fromCharCode(escape.ranges[0][0]) } : { kind: 'class', negated: false, ranges: escape.ranges }
      at = escape.next
    } else if (c === '.') {
      atom = { kind: 'any' }
      at++
    } else {
      atom = { kind: 'literal', char: c }
      at++
    }
    let min = 1
    let max = 1
    const q = pattern[at]
    if (q === '?') [min, max, at] = [0, 1, at + 1]
    else if (q === '*') [min, max, at] = [0, Infinity, at + 1]
    else if (q === '+') [min, max, at] = [1, Infinity, at + 1]
    else if (q === '{') {
      const end = pattern.indexOf('}', at)
      const [a, b] = pattern.slice(at + 1, end).split(',')
      min = Number(a)
      max = b === undefined ? min : b === '' ? Infinity : Number(b)
      at = end + 1
    }
    items.push({ atom, min, max })
  }
  return { items, next: at }
}

export type Edge = 'random' | 'min' | 'max'

function inRanges(code: number, ranges: Array<[number, number]>): boolean {
  return ranges.some(([lo, hi]) => code >= lo && code <= hi)
}

function generateAtom(atom: Atom, random: Random, edge: Edge): string {
  switch (atom.kind) {
    case 'literal': return atom.char
    case 'any': return random.pick(ALPHABET)
    case 'group': return generatePieces(atom.items, random, edge)
    case 'class': {
      if (atom.negated) return random.pick(ALPHABET.filter((char) => !inRanges(char.charCodeAt(0), atom.ranges)))
      const [lo, hi] = random.pick(atom.ranges)
      return String.fromCharCode(random.int(lo, hi))
    }
  }
}

function generatePieces(items: Piece[], random: Random, edge: Edge): string {
  let out = ''
  for (const { atom, min, max } of items) {
    const top = Math.min(max, min + 12)
    const count = edge === 'min' ? min : edge === 'max' && Number.isFinite(max) ? max : random.int(min, top)
    for (let i = 0; i < count; i++) out += generateAtom(atom, random, edge === 'max' ? 'random' : edge)
  }
  return out
}

const parsed = new Map<string, Piece[]>()
/** A string matching `pattern` (anchored with ^…$), at the shortest, longest or a random length. */
export function fromPattern(pattern: string, random: Random, edge: Edge = 'random'): string {
  let items = parsed.get(pattern)
  if (!items) {
    items = parseSequence(pattern.replace(/^\^/, '').replace(/\$$/, ''), 0, null).items
    parsed.set(pattern, items)
  }
  return generatePieces(items, random, edge)
}

/** Characters that break most patterns; the first one that makes `value` fail `pattern` is used. */
const BREAKERS = ['\u0000', ' ', '!', '/', '%', '\n', '中', '.', '"', 'Z', 'g', '-', '@', '\u202e']

export function breakPattern(value: string, pattern: string, random: Random): string | null {
  const regex = new RegExp(pattern)
  const position = value.length === 0 ? 0 : random.int(0, value.length - 1)
  for (const breaker of BREAKERS) {
    const broken = value.length === 0 ? breaker : value.slice(0, position) + breaker + value.slice(position + 1)
    if (!regex.test(broken)) return broken
  }
  return null
}

/** A string of exactly `length` characters that matches the schema's pattern, or null if none is found quickly. */
export function stringOfLength(schema: Schema, length: number, random: Random): string | null {
  const regex = schema.pattern ? new RegExp(schema.pattern) : null
  for (let attempt = 0; attempt < 8; attempt++) {
    const seed = schema.pattern ? fromPattern(schema.pattern, random, 'max') : 'a'
    if (seed.length === 0) continue
    let value = seed
    while (value.length < length) value += seed
    value = value.slice(0, length)
    if (!regex || regex.test(value)) return value
  }
  return null
}

export function isSchemaObject(schema: Schema | undefined): schema is Schema & { type: 'object' } {
  return schema?.type === 'object'
}
