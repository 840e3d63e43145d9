// A small JSON Schema checker for the page socket's frames, used on both ends (the BFF's /ws and the SPA's socket),
// so a frame is judged by the same schema and the same code wherever it is read. TypeBox's own checkers would do
// the same job but cost the page's first route 20–30 KB gzip (its Compile, Value.Check and schema modules); this
// is the subset of JSON Schema the frames use, compiled once into closures (patterns built once, no eval, so it
// also runs under the page's Content-Security-Policy). A schema using any other keyword is refused when compiled,
// never silently passed. test/unit/schema-check.test.ts checks it against TypeBox's Value.Check.

/** The JSON Schema keywords this checker understands. */
export interface FrameSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean'
  const?: string | number | boolean
  enum?: ReadonlyArray<string | number | boolean>
  anyOf?: readonly FrameSchema[]
  properties?: Readonly<Record<string, FrameSchema>>
  required?: readonly string[]
  additionalProperties?: boolean | FrameSchema
  minProperties?: number
  maxProperties?: number
  items?: FrameSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  pattern?: string
  minimum?: number
  maximum?: number
}

type Check = (value: unknown) => boolean

const KNOWN = new Set(['type', 'const', 'enum', 'anyOf', 'properties', 'required', 'additionalProperties', 'minProperties', 'maxProperties', 'items', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum'])

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Compiles a schema into a check; throws on a keyword it does not know, so nothing passes unchecked. */
export function compileSchema(schema: FrameSchema): Check {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`schema keyword not supported: ${key}`)
  const checks: Check[] = []
  const { type } = schema
  if (type === 'object') checks.push(isRecord)
  else if (type === 'array') checks.push(Array.isArray)
  else if (type === 'string') checks.push((value) => typeof value === 'string')
  else if (type === 'boolean') checks.push((value) => typeof value === 'boolean')
  else if (type === 'number') checks.push((value) => typeof value === 'number' && Number.isFinite(value))
  else if (type === 'integer') checks.push((value) => typeof value === 'number' && Number.isInteger(value))

  if (schema.const !== undefined) checks.push((value) => value === schema.const)
  if (schema.enum) {
    const allowed = schema.enum
    checks.push((value) => allowed.includes(value as string))
  }
  if (schema.anyOf) {
    const branches = schema.anyOf.map(compileSchema)
    checks.push((value) => branches.some((branch) => branch(value)))
  }

  const { minLength, maxLength, pattern } = schema
  if (minLength !== undefined || maxLength !== undefined || pattern !== undefined) {
    const regex = pattern === undefined ? null : new RegExp(pattern, 'u')
    checks.push((value) => {
      if (typeof value !== 'string') return true
      // In code points, as JSON Schema counts (a string spreads into code points).
      const length = [...value].length
      return (minLength === undefined || length >= minLength) && (maxLength === undefined || length <= maxLength) && (regex === null || regex.test(value))
    })
  }
  const { minimum, maximum } = schema
  if (minimum !== undefined || maximum !== undefined) {
    checks.push((value) => typeof value !== 'number' || ((minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum)))
  }

  if (schema.items || schema.minItems !== undefined || schema.maxItems !== undefined) {
    const item = schema.items ? compileSchema(schema.items) : null
    const { minItems = 0, maxItems = Infinity } = schema
    checks.push((value) => !Array.isArray(value) || (value.length >= minItems && value.length <= maxItems && (item === null || value.every(item))))
  }

  const properties = Object.entries(schema.properties ?? {}).map(([name, property]) => [name, compileSchema(property)] as const)
  const declared = new Set(properties.map(([name]) => name))
  const required = schema.required ?? []
  const extra = schema.additionalProperties
  const extraCheck = extra === undefined || extra === true ? null : extra === false ? () => false : compileSchema(extra)
  if (properties.length > 0 || required.length > 0 || extraCheck || schema.minProperties !== undefined || schema.maxProperties !== undefined) {
    const { minProperties = 0, maxProperties = Infinity } = schema
    checks.push((value) => {
      if (!isRecord(value)) return true
      // Own keys only: a `__proto__` key parsed from JSON is a key like any other, never the prototype.
      const keys = Object.keys(value)
      if (keys.length < minProperties || keys.length > maxProperties) return false
      for (const name of required) if (!Object.hasOwn(value, name)) return false
      for (const [name, check] of properties) if (Object.hasOwn(value, name) && !check(value[name])) return false
      if (extraCheck) for (const key of keys) if (!declared.has(key) && !extraCheck(value[key])) return false
      return true
    })
  }
  return (value) => checks.every((check) => check(value))
}
