// Fuzz over every BFF route and every `/ws` frame type (issue 9): a few thousand cases generated from the routes' own
// schemas, as the app registers them, sent over real sockets to a BFF in front of the sandbox. For every case:
// no 5xx; every refusal a readable ApiErrorBody in the user's language; a request the BFF refused costs the cloud
// nothing; and nothing the route's schema does not declare ever reaches the cloud, over HTTP or the cloud socket.
// Seeded: a failure prints its seed and case, and `FUZZ_SEED=<seed> npx vitest run test/server/fuzz.test.ts`
// replays it.
import type { RouteOptions } from 'fastify'
import { Type, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { PageWsErrorCode } from '@shared/ws-frames'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { BindingUpdateBody, BindMacBody, DID_PATTERN, SharingCreateBody, UnbindBody, type AttrItem, type BoundDevice } from '@shared/open-api'
import { RuleBody } from '@shared/rules'
import { GizwitsApiError } from '../../server/bff/gizwits/open-api-client'
import { DEFAULT_LIMITS, type LimitGroup, type LimitPolicy } from '../../server/bff/http/rate-limits'
import { CloudConnection } from '../../server/bff/relay/cloud-connection'
import { AC_PRODUCT, FIRST_USER, FrameRecorder, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, UNBOUND_AC_MAC, cmd, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'
import { breakPattern, fromPattern, isSchemaObject, Random, stringOfLength, type Schema } from '../support/schema-fuzz'

const SEED = Number(process.env.FUZZ_SEED ?? 20261125)
/** Cases per route: enough that every field meets every mutation, small enough for a modest run on two cores. */
const CASES_PER_ROUTE = 110
const WS_FRAMES = 700

const random = new Random(SEED)
const routes: RouteOptions[] = []
let backend: Backend
let cookie: string
let secondCookie: string
let logoutCookie: string
let ownDevices: BoundDevice[] = []
const writableAttrs = new Map<string, AttrItem[]>()

// ---- What reaches the cloud ----

interface CloudCall { method: string; path: string; body: unknown; ok: boolean; refusedByCloud: boolean; result?: unknown }
let cloudCalls: CloudCall[] = []
const cloudFrames: Array<Record<string, unknown>> = []

/** Generous limits: the validators are what the fuzz exercises, not the counters (one pass below keeps the defaults). */
const GENEROUS: Record<LimitGroup, LimitPolicy> = Object.fromEntries(
  Object.keys(DEFAULT_LIMITS).map((group) => [group, { user: { max: 1_000_000, windowMs: 60_000 }, ip: { max: 1_000_000, windowMs: 60_000 } }]),
) as Record<LimitGroup, LimitPolicy>

beforeAll(async () => {
  backend = await startBackend({
    onRoute: (route) => void routes.push(route),
    rateLimits: GENEROUS,
    bindAttemptLimits: { windowMs: 60_000, perUser: 1_000_000, perDevice: 1_000_000 },
    // The frame limits would answer most generated frames with 4429 and close the socket: the validators are the subject here.
    relay: { limits: { writes: { perSecond: 100_000, burst: 100_000 }, cloudReads: { perSecond: 100_000, burst: 100_000 }, frames: { perSecond: 100_000, burst: 100_000 }, closeAfterRefused: 100_000 } },
  })
  cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  secondCookie = await loginThroughSandbox(backend.bffUrl, SECOND_USER)
  logoutCookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  ownDevices = ((await (await fetch(`${backend.bffUrl}/api/app/bindings`, { headers: { cookie } })).json()) as { devices: BoundDevice[] }).devices
  for (const device of ownDevices) {
    writableAttrs.set(device.did, (await backend.context.access.product(device.product_key)).attrs.filter((attr) => attr.type === 'status_writable'))
  }
  const client = backend.context.client
  const request = client.request.bind(client)
  client.request = (async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const call: CloudCall = { method, path, body: init.body, ok: false, refusedByCloud: false }
    cloudCalls.push(call)
    try {
      call.result = await request(method, path, init)
      call.ok = true
      return call.result
    } catch (error) {
      call.refusedByCloud = error instanceof GizwitsApiError
      throw error
    }
  }) as typeof client.request
  const send = CloudConnection.prototype.send
  CloudConnection.prototype.send = function (this: CloudConnection, frame) {
    const sent = send.call(this, frame)
    if (sent) cloudFrames.push(frame as unknown as Record<string, unknown>)
    return sent
  }
}, 30_000)
afterAll(async () => {
  await backend?.close()
})

// ---- What the cloud may be sent: its paths, and exactly the fields each body declares ----

const SEG = '[A-Za-z0-9_-]{1,64}'
const SetOwner = Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)]))
const strict = (properties: Record<string, TSchema>) => Type.Object(properties, { additionalProperties: false })
const PageValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 2048 }), Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: 1024 })])

const OptionalDate = Type.Optional(Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' }))
const SCHEDULE = {
  time: Type.String({ pattern: '^\\d{2}:\\d{2}$' }), repeat: Type.String({ maxLength: 27 }), date: OptionalDate, start_date: OptionalDate, end_date: OptionalDate,
  days: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 31 }), { maxItems: 31 })), enabled: Type.Optional(Type.Boolean()), remark: Type.Optional(Type.String({ maxLength: 100 })),
  attrs: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageValue, { minProperties: 1, maxProperties: 64 }),
}

interface Upstream { method: string; path: RegExp; query?: string[]; body?: TSchema; control?: true; didOf?: (path: string, body: unknown) => string }
const UPSTREAM: Upstream[] = [
  { method: 'POST', path: /^\/app\/users$/, body: strict({ phone_id: Type.String({ maxLength: 128 }), lang: Type.String({ maxLength: 16 }) }) },
  { method: 'GET', path: /^\/app\/bindings$/, query: ['limit', 'skip', 'show_disabled', 'show_proto_ver'] },
  { method: 'GET', path: new RegExp(`^/app/devices/${SEG}$`) },
  { method: 'GET', path: /^\/app\/datapoint$/, query: ['product_key'] },
  { method: 'GET', path: new RegExp(`^/app/devdata/${SEG}/latest$`) },
  // The 历史 chart's part older than the vendor's store (issue 13).
  { method: 'GET', path: new RegExp(`^/app/devdata/${SEG}/agg_data$`), query: ['start_ts', 'end_ts', 'attrs', 'aggregator', 'unit'] },
  { method: 'POST', path: new RegExp(`^/app/control/${SEG}$`), body: strict({ attrs: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageValue, { minProperties: 1, maxProperties: 64 }) }), control: true },
  { method: 'POST', path: /^\/app\/bind_mac$/, body: BindMacBody },
  { method: 'POST', path: /^\/app\/bindings$/, body: strict({ devices: Type.Array(strict({ did: Type.String({ pattern: DID_PATTERN }), passcode: Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' }), remark: Type.Optional(Type.String({ maxLength: 100 })), dev_alias: Type.Optional(Type.String({ maxLength: 100 })) }), { minItems: 1, maxItems: 1 }), set_owner: SetOwner }) },
  { method: 'POST', path: /^\/app\/bind_latest$/, body: strict({ qr_content: Type.String({ pattern: '^[\\x21-\\x7e]{1,1024}$' }), set_owner: SetOwner }) },
  { method: 'DELETE', path: /^\/app\/bindings$/, body: UnbindBody },
  { method: 'PUT', path: new RegExp(`^/app/bindings/${SEG}$`), body: BindingUpdateBody },
  { method: 'POST', path: /^\/app\/sharing$/, body: SharingCreateBody },
  { method: 'GET', path: /^\/app\/sharing$/, query: ['sharing_type', 'status', 'did', 'limit', 'skip'] },
  { method: 'DELETE', path: /^\/app\/sharing\/\d{1,10}$/ },
  { method: 'PUT', path: /^\/app\/sharing\/\d{1,10}$/, query: ['status'] },
  { method: 'PUT', path: /^\/app\/sharing\/\d{1,10}\/alias$/, query: ['user_alias'] },
  { method: 'GET', path: /^\/app\/sharing\/code\/[0-9a-zA-Z]{8,64}$/ },
  { method: 'POST', path: /^\/app\/sharing\/code\/[0-9a-zA-Z]{8,64}$/ },
  { method: 'POST', path: new RegExp(`^/app/sharing/${SEG}/transfer$`), query: ['uid'] },
  { method: 'GET', path: new RegExp(`^/app/${SEG}/bindings$`) },
  { method: 'DELETE', path: new RegExp(`^/app/${SEG}/bindings$`), query: ['uid'] },
  { method: 'GET', path: /^\/app\/messages$/, query: ['type', 'limit', 'skip'] },
  { method: 'PUT', path: /^\/app\/messages\/[0-9a-zA-Z]{1,64}$/, query: ['status'] },
  // Groups and scenes (issue 14): a group control's values are judged against the group's product below.
  { method: 'GET', path: /^\/app\/group$/ },
  { method: 'POST', path: /^\/app\/group$/, body: strict({ group_name: Type.String({ minLength: 1, maxLength: 32 }), product_key: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })) }) },
  { method: 'PUT', path: new RegExp(`^/app/group/${SEG}$`), body: strict({ group_name: Type.String({ minLength: 1, maxLength: 32 }) }) },
  { method: 'DELETE', path: new RegExp(`^/app/group/${SEG}$`) },
  { method: 'GET', path: new RegExp(`^/app/group/${SEG}/devices$`) },
  { method: 'POST', path: new RegExp(`^/app/group/${SEG}/devices$`), query: ['show_detail'], body: strict({ dids: Type.Array(Type.String({ pattern: DID_PATTERN }), { minItems: 1, maxItems: 50 }) }) },
  { method: 'DELETE', path: new RegExp(`^/app/group/${SEG}/devices$`), body: strict({ dids: Type.Array(Type.String({ pattern: DID_PATTERN }), { minItems: 1, maxItems: 50 }) }) },
  { method: 'POST', path: new RegExp(`^/app/group/${SEG}/control$`), body: strict({ attrs: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageValue, { minProperties: 1, maxProperties: 64 }) }) },
  { method: 'GET', path: /^\/app\/scene$/ },
  { method: 'POST', path: new RegExp(`^/app/scene(/${SEG})?$`), body: strict({ scene_name: Type.String({ minLength: 1, maxLength: 32 }), remark: Type.String({ maxLength: 200 }), tasks: Type.Array(strict({
    task_type: Type.Union([Type.Literal('delay'), Type.Literal('device'), Type.Literal('group')]), did: Type.Optional(Type.String({ pattern: DID_PATTERN })), group_id: Type.Optional(Type.String({ pattern: SEG })),
    attrs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageValue, { minProperties: 1, maxProperties: 64 })), time: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  }), { minItems: 1, maxItems: 50 }) }) },
  { method: 'DELETE', path: new RegExp(`^/app/scene/${SEG}$`) },
  { method: 'POST', path: new RegExp(`^/app/scene/${SEG}/task$`) },
  { method: 'GET', path: new RegExp(`^/app/scene/${SEG}/task$`) },
  { method: 'GET', path: new RegExp(`^/app/scene/${SEG}/task/history$`), query: ['limit'] },
  // Linkage rules (issue 14): the seed's shape, checked by the BFF before it leaves.
  { method: 'GET', path: /^\/app\/rules\/params$/, query: ['product_key'] },
  { method: 'GET', path: /^\/app\/rules$/, query: ['limit', 'skip'] },
  { method: 'GET', path: /^\/app\/rules\/logs$/, query: ['rule_id', 'limit'] },
  { method: 'POST', path: /^\/app\/rules$/, body: RuleBody },
  { method: 'PUT', path: /^\/app\/rules\/\d{1,10}$/, body: RuleBody },
  { method: 'DELETE', path: /^\/app\/rules\/\d{1,10}$/ },
  // Schedules (issue 14): UTC fields and datapoint values only, each value checked as a control's.
  { method: 'GET', path: new RegExp(`^/app/devices/${SEG}/scheduler$`), query: ['limit', 'skip'] },
  { method: 'POST', path: new RegExp(`^/app/devices/${SEG}/scheduler$`), body: strict(SCHEDULE), control: true, didOf: (path) => decodeURIComponent(path.split('/')[3]!) },
  { method: 'PUT', path: new RegExp(`^/app/devices/${SEG}/scheduler/[0-9a-f]{24}$`), body: strict(SCHEDULE), control: true, didOf: (path) => decodeURIComponent(path.split('/')[3]!) },
  { method: 'DELETE', path: new RegExp(`^/app/devices/${SEG}/scheduler/[0-9a-f]{24}$`) },
  { method: 'GET', path: new RegExp(`^/app/devices/${SEG}/scheduler/[0-9a-f]{24}/logs$`) },
  { method: 'GET', path: /^\/app\/common_scheduler$/, query: ['did', 'limit', 'skip'] },
  { method: 'POST', path: /^\/app\/common_scheduler$/, body: strict({ ...SCHEDULE, did: Type.String({ pattern: DID_PATTERN }) }), control: true, didOf: (_path, body) => (body as { did: string }).did },
  { method: 'PUT', path: /^\/app\/common_scheduler\/[0-9a-f]{24}$/, body: strict({ ...SCHEDULE, did: Type.String({ pattern: DID_PATTERN }) }), control: true, didOf: (_path, body) => (body as { did: string }).did },
  { method: 'DELETE', path: /^\/app\/common_scheduler\/[0-9a-f]{24}$/ },
  // A gateway's pairing window and sub-devices, and firmware (issue 16).
  { method: 'GET', path: new RegExp(`^/app/devices/${SEG}/sub_devices$`) },
  { method: 'POST', path: new RegExp(`^/app/devices/${SEG}/sub_devices$`), body: strict({ timeout: Type.Optional(Type.Integer({ minimum: 10, maximum: 254 })) }) },
  { method: 'DELETE', path: new RegExp(`^/app/devices/${SEG}/sub_devices/${SEG}$`) },
  { method: 'GET', path: new RegExp(`^/app/devices/${SEG}/ota$`) },
  { method: 'POST', path: new RegExp(`^/app/devices/${SEG}/ota$`), body: strict({ firmware_type: Type.Union([Type.Literal('wifi'), Type.Literal('mcu')]) }) },
]

/** Why a value may not be written to a datapoint, judged from the product definition alone (not the BFF's code). */
function attrProblem(did: string, name: string, value: unknown, binaryAs: 'hex' | 'bytes'): string | null {
  const attr = writableAttrs.get(did)?.find((candidate) => candidate.name === name)
  if (!attr) return `${name} is not a writable datapoint of ${did}`
  switch (attr.data_type) {
    case 'bool': return typeof value === 'boolean' ? null : `${name} must be boolean`
    case 'enum': return typeof value === 'string' && attr.enum!.includes(value) ? null : `${name} must be one of ${attr.enum}`
    case 'binary': return binaryAs === 'hex' ? (typeof value === 'string' && /^([0-9a-fA-F]{2})*$/.test(value) ? null : `${name} must be hex`) : (Array.isArray(value) ? null : `${name} must be bytes`)
    default: {
      const spec = attr.uint_spec!
      const [lo, hi] = [spec.min * spec.ratio + spec.addition, spec.max * spec.ratio + spec.addition]
      return typeof value === 'number' && Number.isFinite(value) && value >= Math.min(lo, hi) - 1e-9 && value <= Math.max(lo, hi) + 1e-9 ? null : `${name}=${JSON.stringify(value)} out of range`
    }
  }
}

/** Why a cloud call carries something no route declares, or null. */
function upstreamProblem(call: CloudCall): string | null {
  const [path, query = ''] = call.path.split('?')
  const rule = UPSTREAM.find((candidate) => candidate.method === call.method && candidate.path.test(path))
  if (!rule) return `no route forwards ${call.method} ${path}`
  const params = new URLSearchParams(query)
  for (const [key, value] of params) {
    if (!rule.query?.includes(key)) return `undeclared query field ${key}`
    if (value.length > 256) return `query field ${key} of ${value.length} characters`
  }
  if (!rule.body) return call.body === undefined ? null : `a body on ${call.method} ${path}`
  if (!Value.Check(rule.body, call.body)) return `body does not fit ${call.method} ${path}: ${[...Value.Errors(rule.body, call.body)].map((error) => `${error.instancePath} ${error.message}`).join('; ')}`
  if (rule.control) {
    const did = rule.didOf ? rule.didOf(path, call.body) : decodeURIComponent(path.split('/').pop()!)
    for (const [name, value] of Object.entries((call.body as { attrs: Record<string, unknown> }).attrs)) {
      const problem = attrProblem(did, name, value, 'hex')
      if (problem) return problem
    }
  }
  return null
}

// ---- Cases ----

interface Input { params: Record<string, unknown>; query: Record<string, unknown>; body: unknown }
type Expectation = 'refused' | 'accepted' | 'any'
interface Case {
  id: number
  route: string
  method: string
  url: string
  headers: Record<string, string>
  body?: string
  label: string
  expect: Expectation
  noSession: boolean
  foreignOrigin: boolean
  english: boolean
}

const schemaOf = (route: RouteOptions, part: 'params' | 'querystring' | 'body') => (route.schema as Record<string, Schema> | undefined)?.[part]

/** Known good and known hostile values for fields by name, so valid cases also reach real devices and records. */
function hinted(name: string): unknown[] {
  const own = ownDevices.map((device) => device.did)
  switch (name) {
    case 'did': return [...own, LIVING_ROOM_AC, STUDY_PLANT_OFFLINE, SECOND_USERS_AC]
    case 'product_key': return [AC_PRODUCT, ...ownDevices.map((device) => device.product_key)]
    case 'mac': return [UNBOUND_AC_MAC, '18fe34a1b2c3']
    case 'url': return [`${backend.bffUrl}/`, `${backend.bffUrl}/devices/${LIVING_ROOM_AC}?x=1#y`]
    case 'id': return [1, 2, 3]
    default: return []
  }
}

function conforms(schema: Schema, value: unknown): boolean {
  if (typeof value === 'string') {
    if (schema.type !== 'string') return false
    return (schema.minLength === undefined || value.length >= schema.minLength) && (schema.maxLength === undefined || value.length <= schema.maxLength) && (!schema.pattern || new RegExp(schema.pattern).test(value))
  }
  if (typeof value === 'number') return (schema.type === 'integer' || schema.type === 'number') && (schema.minimum === undefined || value >= schema.minimum) && (schema.maximum === undefined || value <= schema.maximum)
  return false
}

const FREE_TEXT = ['客厅空调', 'Living room', '🐶 house', 'a\u0301', '  spaced  ', 'ＡＢＣ', '\u202eevil', 'line']

function valid(schema: Schema, name: string): unknown {
  const hints = hinted(name).filter((value) => conforms(schema, value))
  if (hints.length > 0 && random.chance(0.7)) return random.pick(hints)
  if (schema.anyOf) return valid(random.pick(schema.anyOf), name)
  if (schema.const !== undefined) return schema.const
  switch (schema.type) {
    case 'string': {
      if (schema.pattern) return fromPattern(schema.pattern, random)
      const text = random.pick(FREE_TEXT)
      return text.slice(0, schema.maxLength ?? text.length).padEnd(schema.minLength ?? 0, 'x')
    }
    case 'integer': return random.int(schema.minimum ?? 0, Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + 100))
    case 'number': return random.int(schema.minimum ?? 0, schema.maximum ?? 100)
    case 'boolean': return random.chance(0.5)
    case 'null': return null
    case 'array': {
      const items = Array.from({ length: random.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) }, () => valid(schema.items!, name))
      if (!schema.uniqueItems) return items
      // uniqueItems: a repeated item is drawn again (a few times: a narrow item schema may have few values).
      const seen = new Set<string>()
      return items.map((item) => {
        for (let attempt = 0; seen.has(JSON.stringify(item)) && attempt < 20; attempt++) item = valid(schema.items!, name)
        seen.add(JSON.stringify(item))
        return item
      }).filter((item, index, all) => all.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === index)
    }
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(key) || random.chance(0.5)) out[key] = valid(property, key)
      }
      const [keyPattern, valueSchema] = Object.entries(schema.patternProperties ?? {})[0] ?? []
      if (keyPattern) for (let i = random.int(schema.minProperties ?? 0, 3); i > 0; i--) out[fromPattern(keyPattern, random)] = valid(valueSchema!, 'value')
      if (Object.keys(out).length < (schema.minProperties ?? 0)) {
        const optional = Object.keys(schema.properties ?? {}).find((key) => !(key in out))
        if (optional) out[optional] = valid(schema.properties![optional], optional)
      }
      return out
    }
    default: return {}
  }
}

/** A datapoint write a device of this user accepts, from its product definition. */
function validAttrs(did: string, binaryAs: 'hex' | 'bytes'): Record<string, unknown> {
  const attrs = writableAttrs.get(did) ?? []
  const out: Record<string, unknown> = {}
  for (let i = random.int(1, Math.min(3, attrs.length)); i > 0; i--) {
    const attr = random.pick(attrs)
    if (attr.data_type === 'bool') out[attr.name] = random.chance(0.5)
    else if (attr.data_type === 'enum') out[attr.name] = random.pick(attr.enum!)
    else if (attr.data_type === 'binary') out[attr.name] = binaryAs === 'hex' ? '00ff' : [0, 255]
    else {
      const spec = attr.uint_spec!
      out[attr.name] = Number((random.int(spec.min, spec.max) * spec.ratio + spec.addition).toFixed(6))
    }
  }
  return out
}

/** Values that break one datapoint rule: unknown name, read-only, wrong type, out of range, hostile keys. */
function badAttrs(did: string): Record<string, unknown> {
  // A did that is not the user's gets the living-room air conditioner's datapoints: refused either way.
  const attrs = writableAttrs.get(did) ?? writableAttrs.get(LIVING_ROOM_AC)!
  const attr = random.pick(attrs)
  const spec = attr.uint_spec
  const options: Array<Record<string, unknown>> = [
    { no_such_datapoint: 1 },
    { room_temp: 20 },
    { [attr.name]: attr.data_type === 'bool' ? 1 : true },
    { [attr.name]: attr.data_type === 'enum' ? 'not-an-option' : 'x' },
    { [attr.name]: spec ? spec.max * spec.ratio + spec.addition + spec.ratio : 'x' },
    { [attr.name]: spec ? spec.min * spec.ratio + spec.addition - spec.ratio : 'x' },
    { [attr.name]: spec ? 1e308 : 'x' },
    { [attr.name]: [1, 2, 3] },
    { [attr.name]: 'x'.repeat(2048) },
    { ...validAttrs(writableAttrs.has(did) ? did : LIVING_ROOM_AC, 'hex'), no_such_datapoint: 'x' },
    { toString: 1 },
    { hasOwnProperty: true },
  ]
  return random.pick(options)
}

const DEEP = 5000
const deep = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)

interface Mutation { label: string; apply: (input: Input) => { input?: Input; raw?: string; contentType?: string | null }; expect: Expectation }

const clone = (input: Input): Input => JSON.parse(JSON.stringify(input)) as Input

/** Every way to break one part of a request, each judged from the schema: refused for sure, or any answer. */
function mutations(route: RouteOptions): Mutation[] {
  const list: Mutation[] = []
  const parts: Array<['params' | 'query' | 'body', Schema | undefined]> = [['params', schemaOf(route, 'params')], ['query', schemaOf(route, 'querystring')], ['body', schemaOf(route, 'body')]]
  for (const [part, schema] of parts) {
    if (!isSchemaObject(schema)) continue
    const strictObject = schema.additionalProperties === false
    const set = (key: string, value: unknown) => (input: Input) => {
      const next = clone(input)
      ;(next[part] as Record<string, unknown>)[key] = value
      return { input: next }
    }
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      const required = (schema.required ?? []).includes(key)
      if (required) list.push({ label: `${part}.${key} missing`, expect: 'refused', apply: (input) => {
        const next = clone(input)
        delete (next[part] as Record<string, unknown>)[key]
        return { input: next }
      } })
      const leaf = property.anyOf ? null : property
      if (leaf?.type === 'string') {
        if (leaf.maxLength !== undefined) {
          const atMax = stringOfLength(leaf, leaf.maxLength, random)
          const overMax = stringOfLength(leaf, leaf.maxLength + 1, random)
          if (atMax !== null) list.push({ label: `${part}.${key} at maxLength ${leaf.maxLength}`, expect: 'accepted', apply: set(key, atMax) })
          if (overMax !== null) list.push({ label: `${part}.${key} over maxLength`, expect: 'refused', apply: set(key, overMax) })
        }
        if (leaf.pattern) {
          const shortest = fromPattern(leaf.pattern, random, 'min')
          const longest = fromPattern(leaf.pattern, random, 'max')
          if (conforms(leaf, shortest)) list.push({ label: `${part}.${key} shortest for its pattern`, expect: 'accepted', apply: set(key, shortest) })
          if (conforms(leaf, longest)) list.push({ label: `${part}.${key} longest for its pattern`, expect: 'accepted', apply: set(key, longest) })
          if (!new RegExp(leaf.pattern).test(longest + longest.slice(-1)) && longest.length > 0) list.push({ label: `${part}.${key} one over its pattern`, expect: 'refused', apply: set(key, longest + longest.slice(-1)) })
          list.push({ label: `${part}.${key} breaks its pattern`, expect: 'refused', apply: (input) => {
            const current = (input[part] as Record<string, unknown>)[key]
            const broken = breakPattern(typeof current === 'string' ? current : shortest, leaf.pattern!, random)
            return broken === null ? { input } : set(key, broken)(input)
          } })
        }
        if (leaf.minLength) list.push({ label: `${part}.${key} under minLength`, expect: 'refused', apply: set(key, 'a'.repeat(leaf.minLength - 1)) })
      }
      if (leaf?.type === 'integer' || leaf?.type === 'number') {
        if (leaf.minimum !== undefined) {
          list.push({ label: `${part}.${key} at minimum`, expect: 'accepted', apply: set(key, leaf.minimum) })
          list.push({ label: `${part}.${key} below minimum`, expect: 'refused', apply: set(key, leaf.minimum - 1) })
        }
        if (leaf.maximum !== undefined) {
          list.push({ label: `${part}.${key} at maximum`, expect: 'accepted', apply: set(key, leaf.maximum) })
          list.push({ label: `${part}.${key} above maximum`, expect: 'refused', apply: set(key, leaf.maximum + 1) })
        }
        if (leaf.type === 'integer') list.push({ label: `${part}.${key} not an integer`, expect: 'refused', apply: set(key, 1.5) })
        list.push({ label: `${part}.${key} huge number`, expect: leaf.maximum !== undefined ? 'refused' : 'any', apply: set(key, 1e308) })
        list.push({ label: `${part}.${key} 2^53+1`, expect: leaf.maximum !== undefined && leaf.maximum < 2 ** 53 ? 'refused' : 'any', apply: set(key, 2 ** 53 + 1) })
      }
      // What survives coercion for sure in a JSON body: objects and two-element arrays are never a scalar.
      if (part === 'body' && property.type !== 'object' && property.type !== 'array' && !property.anyOf) {
        list.push({ label: `${part}.${key} an object`, expect: 'refused', apply: set(key, { x: 1 }) })
        list.push({ label: `${part}.${key} an array of two`, expect: 'refused', apply: set(key, ['a', 'b']) })
        list.push({ label: `${part}.${key} deeply nested`, expect: 'refused', apply: (input) => {
          const next = clone(input)
          const placeholder = '"__DEEP__"'
          ;(next.body as Record<string, unknown>)[key] = '__DEEP__'
          return { raw: JSON.stringify(next.body).replace(placeholder, deep(DEEP)), input: next }
        } })
      }
      for (const odd of [null, true, 0, '', '\u0000', '中文', '🐶', '\ud800', '<script>', "' OR 1=1 --"]) list.push({ label: `${part}.${key} = ${JSON.stringify(odd)}`, expect: 'any', apply: set(key, odd) })
    }
    // Path parameters are the route's own: a URL cannot name one more.
    if (strictObject && part !== 'params') {
      list.push({ label: `${part} unknown field`, expect: 'refused', apply: set('junk', 'x') })
      list.push({ label: `${part} unknown 100 KB field`, expect: 'refused', apply: set('junk', 'x'.repeat(part === 'body' ? 60_000 : 2000)) })
      list.push({ label: `${part} constructor key`, expect: 'refused', apply: set('constructor', part === 'body' ? { prototype: { polluted: 1 } } : 'x') })
    }
    if (part === 'query') {
      // The query parser drops a `__proto__` key rather than refusing it: harmless (nothing is forwarded) but noted.
      list.push({ label: 'query __proto__', expect: 'any', apply: set('__proto__', 'x') })
      for (const key of Object.keys(schema.properties ?? {})) list.push({ label: `query.${key} repeated`, expect: 'any', apply: set(key, ['1', '2']) })
    }
    if (part === 'params') {
      for (const key of Object.keys(schema.properties ?? {})) {
        list.push({ label: `params.${key} with a slash`, expect: 'any', apply: set(key, 'a/b') })
        list.push({ label: `params.${key} dot-dot`, expect: 'any', apply: set(key, '..') })
        list.push({ label: `params.${key} empty`, expect: 'any', apply: set(key, '') })
        list.push({ label: `params.${key} 3 KB`, expect: 'refused', apply: set(key, 'A'.repeat(3000)) })
      }
    }
    if (part === 'body') {
      list.push({ label: 'body __proto__ key', expect: 'refused', apply: (input) => ({ raw: JSON.stringify(input.body).replace(/^\{/, '{"__proto__":{"polluted":1},') }) })
      list.push({ label: 'body constructor.prototype', expect: 'refused', apply: (input) => ({ raw: JSON.stringify(input.body).replace(/^\{/, '{"constructor":{"prototype":{"polluted":1}},') }) })
      list.push({ label: 'body an array', expect: 'refused', apply: (input) => ({ raw: JSON.stringify([input.body]) }) })
      list.push({ label: 'body 5000 deep', expect: 'refused', apply: () => ({ raw: deep(DEEP) }) })
      list.push({ label: 'body 300 KB', expect: 'refused', apply: (input) => ({ raw: JSON.stringify({ ...(input.body as object), junk: 'x'.repeat(300_000) }) }) })
      list.push({ label: 'body null', expect: 'refused', apply: () => ({ raw: 'null' }) })
      list.push({ label: 'body a string', expect: 'refused', apply: () => ({ raw: '"x"' }) })
      list.push({ label: 'body a number', expect: 'refused', apply: () => ({ raw: '1e400' }) })
      list.push({ label: 'body truncated', expect: 'refused', apply: (input) => ({ raw: JSON.stringify(input.body).slice(0, -1) }) })
      list.push({ label: 'body empty, JSON type', expect: 'refused', apply: () => ({ raw: '' }) })
      list.push({ label: 'body empty, no type', expect: 'refused', apply: () => ({ raw: '', contentType: null }) })
      list.push({ label: 'body none at all', expect: 'refused', apply: () => ({ raw: undefined as unknown as string, contentType: null }) })
    }
  }
  if (route.method !== 'GET' && route.method !== 'HEAD') {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'application/octet-stream']) {
      list.push({ label: `content-type ${type}`, expect: route.url === '/wechat/push' ? 'any' : 'refused', apply: (input) => ({ raw: JSON.stringify(input.body ?? {}), contentType: type }) })
    }
    list.push({ label: 'body on a route without one', expect: schemaOf(route, 'body') ? 'any' : 'any', apply: (input) => ({ raw: JSON.stringify({ junk: 'x' }), input }) })
  }
  return list
}

function validInput(route: RouteOptions): Input {
  const params = isSchemaObject(schemaOf(route, 'params')) ? (valid(schemaOf(route, 'params')!, 'params') as Record<string, unknown>) : {}
  const query = isSchemaObject(schemaOf(route, 'querystring')) ? (valid(schemaOf(route, 'querystring')!, 'query') as Record<string, unknown>) : {}
  let body = schemaOf(route, 'body') ? valid(schemaOf(route, 'body')!, 'body') : undefined
  // The control body is a record of datapoints: valid ones come from the device's product definition.
  if (route.url === '/api/app/control/:did') {
    if (random.chance(0.8)) params.did = random.pick(ownDevices).did
    body = { attrs: writableAttrs.has(String(params.did)) && random.chance(0.8) ? validAttrs(String(params.did), 'hex') : (body as { attrs: unknown }).attrs }
  }
  return { params, query, body }
}

/** Percent-encoding that also sends a lone surrogate, as the raw (invalid UTF-8) bytes a hostile client would. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    return [...value].map((char) => (/[\ud800-\udfff]/.test(char) ? '%ED%A0%80' : encodeURIComponent(char))).join('')
  }
}

let nextId = 1
function caseFrom(route: RouteOptions, method: string, label: string, expect: Expectation, input: Input, raw?: string, contentType?: string | null): Case {
  let url = route.url
  for (const [key, value] of Object.entries(input.params)) url = url.replace(`:${key}`, encodeSegment(String(value)))
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(input.query)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item))
  }
  if (search.size > 0 || Object.hasOwn(input.query, '__proto__')) url += `?${search}`
  if (Object.hasOwn(input.query, '__proto__') && !url.includes('__proto__')) url += `${search.size > 0 ? '&' : ''}__proto__=x`
  const noSession = random.chance(0.06)
  const foreignOrigin = random.chance(0.05)
  const english = random.chance(0.15)
  const headers: Record<string, string> = {}
  if (!noSession) headers.cookie = route.url === '/auth/logout' ? logoutCookie : cookie
  if (foreignOrigin) headers.origin = random.pick(['http://evil.example', 'null', `${backend.bffUrl}.evil.example`, 'http://127.0.0.1:1'])
  else if (!random.chance(0.02)) headers.origin = backend.bffUrl
  if (english) headers['accept-language'] = random.pick(['en', 'en-US,en;q=0.9', 'fr;q=0.9, en;q=0.8'])
  const hasBody = method !== 'GET' && method !== 'HEAD'
  let body: string | undefined
  if (hasBody) {
    body = raw !== undefined ? raw : input.body === undefined ? undefined : JSON.stringify(input.body)
    const type = contentType === undefined ? (body === undefined ? undefined : 'application/json') : contentType
    if (type) headers['content-type'] = type
  }
  return { id: nextId++, route: `${method} ${route.url}`, method, url, headers, body, label, expect, noSession, foreignOrigin: foreignOrigin || !headers.origin, english }
}

function casesFor(route: RouteOptions): Case[] {
  const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((method) => method !== 'HEAD')
  if (methods.length === 0) return []
  const method = methods[0]
  const all = mutations(route)
  const cases: Case[] = []
  // Every mutation once, then random ones and valid inputs until the route has its share.
  for (const mutation of all) {
    const base = validInput(route)
    const { input = base, raw, contentType } = mutation.apply(base)
    cases.push(caseFrom(route, method, mutation.label, mutation.expect, input, raw, contentType))
  }
  const hasInput = ['params', 'querystring', 'body'].some((part) => schemaOf(route, part as 'params'))
  const total = hasInput ? CASES_PER_ROUTE : 25
  while (cases.length < total) {
    const base = validInput(route)
    if (all.length > 0 && random.chance(0.5)) {
      const mutation = random.pick(all)
      const { input = base, raw, contentType } = mutation.apply(base)
      cases.push(caseFrom(route, method, mutation.label, mutation.expect, input, raw, contentType))
    } else {
      let input = base
      if (route.url === '/api/app/control/:did' && random.chance(0.4)) input = { ...base, body: { attrs: badAttrs(String(base.params.did)) } }
      cases.push(caseFrom(route, method, input === base ? 'valid' : 'bad datapoint value', input === base ? 'accepted' : 'any', input))
    }
  }
  return cases
}

// ---- Judging an answer ----

const CJK = /[\u3400-\u9fff\uff00-\uffef]/
/** Refusals the BFF makes before anything else runs: none of them may cost the cloud a call. */
const GATE_CODES = new Set(['bad_request', 'not_logged_in', 'origin_refused', 'unsupported_media_type', 'rate_limited', 'not_found', 'bad_url'])
const needsSession = (route: string) => (route.includes(' /api/') && !route.endsWith('/api/wechat/jssdk-config')) || route.endsWith(' /ws')
const changesState = (method: string) => method !== 'GET' && method !== 'HEAD'

function readableInLanguage(message: string, english: boolean): string | null {
  if (message.trim() === '') return 'empty message'
  if (message.length > 1000) return `message of ${message.length} characters`
  if (!english) return CJK.test(message) ? null : `no Chinese in "${message}"`
  // Datapoint names and options are the product's own (Chinese) words, quoted or listed after a colon; what
  // surrounds them must be English.
  const own = message.replace(/“[^”]*”|"[^"]*"/g, '').replace(/: .*/s, '')
  return CJK.test(own) || !/[A-Za-z]{3}/.test(own) ? `not English: "${message}"` : null
}

async function judge(item: Case, response: Response, calls: CloudCall[]): Promise<string[]> {
  const problems: string[] = []
  const text = await response.text()
  const status = response.status
  if (status >= 500) problems.push(`answered ${status}: ${text.slice(0, 300)}`)
  for (const call of calls) {
    const problem = upstreamProblem(call)
    if (problem) problems.push(`forwarded ${call.method} ${call.path.slice(0, 200)}: ${problem}`)
  }
  let errorCode: unknown = null
  if (status >= 400) {
    const route = item.route
    if (route.endsWith(' /wechat/push') && (response.headers.get('content-type') ?? '').startsWith('text/plain')) {
      // WeChat's servers read these, not people: a short plain-text reason.
      if (text.trim() === '' || text.length > 200) problems.push(`push refusal without a reason: "${text.slice(0, 100)}"`)
    } else if (route.includes(' /auth/wechat/') && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
      const title = /<h2>([^<]*)<\/h2><p>([^<]*)<\/p>/.exec(text)
      if (!title) problems.push('login error page without a title and a reason')
      else {
        const problem = readableInLanguage(title[2], item.english)
        if (problem) problems.push(`login error page: ${problem}`)
      }
    } else {
      let parsed: Record<string, unknown> = {}
      try {
        parsed = JSON.parse(text) as Record<string, unknown>
      } catch {
        problems.push(`${status} that is not JSON: "${text.slice(0, 200)}"`)
      }
      errorCode = parsed.error_code
      const shaped = (typeof parsed.error_code === 'string' || typeof parsed.error_code === 'number') && typeof parsed.error_message === 'string'
        && (typeof parsed.detail_message === 'string' || parsed.detail_message === null) && typeof parsed.message === 'string'
      if (!shaped) problems.push(`${status} not in the ApiErrorBody shape: ${text.slice(0, 200)}`)
      else {
        const problem = readableInLanguage(parsed.message as string, item.english)
        if (problem) problems.push(`${status} ${String(errorCode)}: ${problem}`)
      }
    }
  }
  const gated = typeof errorCode === 'string' && GATE_CODES.has(errorCode)
  if (gated && calls.length > 0) problems.push(`refused with ${String(errorCode)} after ${calls.length} cloud call(s): ${calls.map((call) => `${call.method} ${call.path}`).join(', ')}`)
  if (status >= 400 && !gated) {
    // Refused by the route's own checks: the only calls allowed are look-ups, and mutations the cloud itself refused.
    for (const call of calls) {
      const lookup = call.method === 'GET' || call.path === '/app/users'
      const cloudSaidNo = call.refusedByCloud || (call.path === '/app/bindings' && call.method === 'POST' && ((call.result as { failed?: string[] } | undefined)?.failed?.length ?? 0) > 0)
      if (!lookup && !cloudSaidNo) problems.push(`answered ${status} but ${call.method} ${call.path} went through`)
    }
  }
  const stateChange = changesState(item.method) && !item.route.endsWith(' /wechat/push')
  // The router's own refusals (no such path, a malformed one) come before the Origin check, and do nothing either.
  if (item.foreignOrigin && stateChange && !(status === 403 && errorCode === 'origin_refused') && !(status >= 400 && gated)) problems.push(`a ${item.headers.origin ?? 'missing'} Origin was not refused (${status})`)
  const passedGates = !(item.foreignOrigin && stateChange)
  if (passedGates && item.expect === 'refused' && !(status >= 400 && status < 500)) problems.push(`a ${item.label} case was not refused (${status})`)
  if (passedGates && item.expect === 'refused' && calls.length > 0) problems.push(`a ${item.label} case reached the cloud`)
  if (passedGates && item.expect === 'accepted' && (status === 413 || status === 415 || (status === 400 && errorCode === 'bad_request'))) problems.push(`a valid case was refused by the validators: ${text.slice(0, 300)}`)
  if (passedGates && item.noSession && needsSession(item.route) && item.expect === 'accepted' && status !== 401) problems.push(`no session, answered ${status}`)
  return problems
}

const describeCase = (item: Case) =>
  `seed ${SEED} case ${item.id} [${item.label}] ${item.method} ${item.url.slice(0, 300)}${item.url.length > 300 ? `… (${item.url.length} chars)` : ''}\n  headers ${JSON.stringify({ ...item.headers, cookie: item.headers.cookie ? '<session>' : undefined })}\n  body ${item.body === undefined ? '(none)' : `${item.body.slice(0, 300)}${item.body.length > 300 ? `… (${item.body.length} chars)` : ''}`}`

// ---- /ws: every frame type a page may send, and garbage ----

interface FrameCase { label: string; raw: string | Buffer; answer: 'pong' | 'invalid' | 'write' | 'subscribe' | 'none'; reqSn?: number; valid?: boolean }

function frameCases(subscribed: string, offline: string): FrameCase[] {
  let sn = 1000
  const write = (label: string, data: unknown, valid = false, extra: Record<string, unknown> = {}): FrameCase => {
    const reqSn = sn++
    return { label, raw: JSON.stringify({ cmd: 'c2s_write', req_sn: reqSn, data, ...extra }), answer: 'write', reqSn, valid }
  }
  const did = () => random.pick([subscribed, subscribed, offline, SECOND_USERS_AC, fromPattern(DID_PATTERN, random), 'x'.repeat(64)])
  const makers: Array<() => FrameCase> = [
    () => ({ label: 'ping', raw: '{"cmd":"ping"}', answer: 'pong' }),
    () => ({ label: 'ping with junk', raw: JSON.stringify({ cmd: 'ping', data: { junk: 'x'.repeat(random.int(0, 4000)) }, req_sn: 'x' }), answer: 'pong' }),
    () => ({ label: 'subscribe', raw: JSON.stringify({ cmd: 'subscribe_req', data: Array.from({ length: random.int(0, 4) }, () => ({ did: did() })) }), answer: 'subscribe' }),
    () => ({ label: 'subscribe 201 dids', raw: JSON.stringify({ cmd: 'subscribe_req', data: Array.from({ length: 201 }, () => ({ did: subscribed })) }), answer: 'invalid' }),
    () => ({ label: 'subscribe not an array', raw: JSON.stringify({ cmd: 'subscribe_req', data: random.pick([{ did: subscribed }, null, 'x', 1]) }), answer: 'invalid' }),
    () => ({ label: 'subscribe bad items', raw: JSON.stringify({ cmd: 'subscribe_req', data: [random.pick([null, 1, {}, { did: 1 }, { did: [subscribed] }])] }), answer: 'invalid' }),
    () => ({ label: 'read subscribed', raw: JSON.stringify({ cmd: 'c2s_read', data: { did: subscribed } }), answer: 'none' }),
    () => ({ label: 'read not subscribed', raw: JSON.stringify({ cmd: 'c2s_read', data: { did: random.pick([SECOND_USERS_AC, fromPattern(DID_PATTERN, random)]) } }), answer: 'invalid' }),
    () => ({ label: 'read bad data', raw: JSON.stringify({ cmd: 'c2s_read', data: random.pick([{}, { did: '' }, { did: 'x'.repeat(65) }, { did: 1 }, null, []]) }), answer: 'invalid' }),
    () => write('write valid', { did: subscribed, attrs: validAttrs(subscribed, 'bytes') }, true),
    () => write('write bad value', { did: subscribed, attrs: badAttrs(subscribed) }),
    () => write('write another user\'s device', { did: SECOND_USERS_AC, attrs: { switch: true } }),
    () => write('write offline device', { did: offline, attrs: validAttrs(offline, 'bytes') }),
    () => write('write unknown did', { did: fromPattern(DID_PATTERN, random), attrs: { switch: true } }),
    () => write('write hostile keys', { did: subscribed, attrs: JSON.parse(random.pick(['{"__proto__":{"switch":true}}', '{"constructor":{"prototype":{"x":1}}}', '{"switch":true,"__proto__":null}'])) as unknown }),
    () => {
      const item = write('write 5000 deep', { did: subscribed, attrs: { switch: '__DEEP__' } })
      return { ...item, raw: String(item.raw).replace('"__DEEP__"', deep(DEEP)) }
    },
    () => ({ label: 'write attrs not an object', raw: JSON.stringify({ cmd: 'c2s_write', req_sn: sn++, data: { did: subscribed, attrs: random.pick([null, [], 'x', 1, [{ switch: true }]]) } }), answer: 'invalid' }),
    () => ({ label: 'write req_sn not an integer', raw: JSON.stringify({ cmd: 'c2s_write', req_sn: random.pick([1.5, 'x', null, {}]), data: { did: subscribed, attrs: { switch: true } } }), answer: 'invalid' }),
    () => ({ label: 'write no did', raw: JSON.stringify({ cmd: 'c2s_write', req_sn: sn++, data: { attrs: { switch: true } } }), answer: 'invalid' }),
    () => ({ label: 'login_req', raw: JSON.stringify({ cmd: 'login_req', data: { appid: 'x', uid: 'x', token: 'x', p0_type: 'attrs_v4', heartbeat_interval: 60 } }), answer: 'invalid' }),
    () => ({ label: 'c2s_raw', raw: JSON.stringify({ cmd: 'c2s_raw', data: { did: subscribed, raw: [1, 2, 3] } }), answer: 'invalid' }),
    () => ({ label: 'c2s_ack', raw: JSON.stringify({ cmd: 'c2s_ack', res_sn: 1, did: subscribed }), answer: 'invalid' }),
    () => ({ label: 'unknown cmd', raw: JSON.stringify({ cmd: random.pick(['PING', 'pong', 's2c_noti', '', 1, null, ['ping'], { cmd: 'ping' }]) }), answer: 'invalid' }),
    () => ({ label: 'garbage', raw: random.pick(['', 'not json', 'null', '[]', '1', '"ping"', '{"cmd":"ping"', '{"__proto__":{"cmd":"ping"}}', '\u0000', deep(DEEP), '[{"cmd":"ping"}]']), answer: 'invalid' }),
    () => ({ label: 'binary frame', raw: Buffer.from(Array.from({ length: random.int(1, 64) }, () => random.int(0, 255))), answer: 'invalid' }),
  ]
  return Array.from({ length: WS_FRAMES }, (_, i) => makers[i < makers.length ? i : random.int(0, makers.length - 1)]())
}

describe('fuzz: /ws frames', () => {
  // Found by this fuzz: the page socket took `attrs: {}`, and the hub sent that write to the cloud and answered
  // ok, where the REST route refuses it (minProperties 1).
  test('should refuse a write with no datapoint, and send the cloud nothing', async () => {
    const page = await FrameRecorder.open(`${backend.bffUrl.replace('http', 'ws')}/ws`, { cookie, origin: backend.bffUrl })
    page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
    await page.next(cmd('subscribe_res'))
    let answer: { data: { ok: boolean } } = { data: { ok: false } }
    for (let attempt = 0; attempt < 50 && !answer.data.ok; attempt++) {
      page.send({ cmd: 'c2s_write', req_sn: 1, data: { did: LIVING_ROOM_AC, attrs: { switch: true } } })
      answer = await page.next((frame) => frame.cmd === 's2c_write_res' && frame.res_sn === 1)
      if (!answer.data.ok) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const before = cloudFrames.length
    page.send({ cmd: 'c2s_write', req_sn: 2, data: { did: LIVING_ROOM_AC, attrs: {} } })
    const refused = await page.next<{ data: { error_code: number; msg: string } }>(cmd('s2c_invalid_msg'))
    // A ping answered after it: the refused write was handled (not just slow) when we look at the cloud.
    page.send({ cmd: 'ping' })
    await page.next(cmd('pong'))
    page.close()
    expect(refused.data).toEqual({ error_code: PageWsErrorCode.BAD_FRAME, msg: '无法识别的消息' })
    expect(cloudFrames.slice(before).filter((frame) => frame.cmd === 'c2s_write')).toEqual([])
  })

  test('should answer every frame readably, forward only valid writes to own devices, and keep serving everyone', async () => {
    const wsUrl = `${backend.bffUrl.replace('http', 'ws')}/ws`
    // Another user's page, before and after: the fuzz must not disturb it.
    const bystander = await FrameRecorder.open(`${wsUrl}?lang=en`, { cookie: secondCookie, origin: backend.bffUrl })
    bystander.send({ cmd: 'subscribe_req', data: [{ did: SECOND_USERS_AC }] })
    await bystander.next(cmd('subscribe_res'))
    const owned = ownDevices.map((device) => device.did)
    const online = ownDevices.find((device) => device.is_online && device.did === LIVING_ROOM_AC) ?? ownDevices.find((device) => device.is_online)!
    const offline = ownDevices.find((device) => !device.is_online)?.did ?? STUDY_PLANT_OFFLINE

    const failures: string[] = []
    let count = 0
    const started = Date.now()
    for (const lang of ['zh-CN', 'en']) {
      const english = lang === 'en'
      const page = await FrameRecorder.open(`${wsUrl}?lang=${lang}`, { cookie, origin: backend.bffUrl })
      page.send({ cmd: 'subscribe_req', data: [{ did: online.did }, { did: offline }] })
      await page.next(cmd('subscribe_res'))
      // The cloud socket logs in in the background: wait until a valid write goes through before judging any.
      for (let attempt = 0; attempt < 50; attempt++) {
        page.send({ cmd: 'c2s_write', req_sn: 1, data: { did: online.did, attrs: validAttrs(online.did, 'bytes') } })
        if ((await page.next<{ data: { ok: boolean } }>((frame) => frame.cmd === 's2c_write_res' && frame.res_sn === 1)).data.ok) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      for (const item of frameCases(online.did, offline)) {
        const upstreamBefore = cloudFrames.filter((frame) => frame.cmd === 'c2s_write').length
        const framesBefore = cloudFrames.length
        page.socket.send(item.raw)
        const problems: string[] = []
        const readable = (msg: unknown) => (typeof msg === 'string' ? readableInLanguage(msg, english) : 'no msg')
        try {
          if (item.answer === 'pong') await page.next(cmd('pong'))
          else if (item.answer === 'invalid') {
            const frame = await page.next<{ data: { error_code: number; msg: string } }>(cmd('s2c_invalid_msg'))
            const problem = readable(frame.data.msg)
            if (problem) problems.push(`s2c_invalid_msg: ${problem}`)
          } else if (item.answer === 'write') {
            const frame = await page.next<{ data: { ok: boolean; msg?: string } }>((candidate) => candidate.cmd === 's2c_write_res' && candidate.res_sn === item.reqSn)
            if (!frame.data.ok) {
              const problem = readable(frame.data.msg)
              if (problem) problems.push(`s2c_write_res ok:false: ${problem}`)
            }
            if (frame.data.ok && !item.valid) problems.push('an invalid write was answered ok')
          } else if (item.answer === 'subscribe') {
            const frame = await page.next<{ data: { failed: Array<{ msg: string }> } }>(cmd('subscribe_res'))
            for (const failed of frame.data.failed) {
              const problem = readable(failed.msg)
              if (problem) problems.push(`subscribe_res failed item: ${problem}`)
            }
          } else {
            page.send({ cmd: 'ping' })
            await page.next(cmd('pong'))
          }
        } catch (error) {
          problems.push((error as Error).message.slice(0, 300))
        }
        const writes = cloudFrames.filter((frame) => frame.cmd === 'c2s_write')
        if (!item.valid && writes.length !== upstreamBefore) problems.push(`an invalid frame made ${writes.length - upstreamBefore} cloud write(s)`)
        for (const frame of cloudFrames.slice(framesBefore)) {
          const data = frame.data as { did?: string; attrs?: Record<string, unknown> } | Array<{ did: string }>
          const dids = Array.isArray(data) ? data.map((entry) => entry.did) : data?.did === undefined ? [] : [data.did]
          for (const target of dids) if (!owned.includes(target)) problems.push(`${String(frame.cmd)} for ${target}, not this user's device, reached the cloud`)
          if (frame.cmd === 'c2s_write' && !Array.isArray(data)) {
            for (const [name, value] of Object.entries(data.attrs ?? {})) {
              const problem = attrProblem(data.did!, name, value, 'bytes')
              if (problem) problems.push(`cloud write carried ${problem}`)
            }
          }
          if (!['c2s_write', 'c2s_read', 'subscribe_req', 'ping'].includes(String(frame.cmd))) problems.push(`${String(frame.cmd)} reached the cloud`)
        }
        count++
        if (problems.length > 0) failures.push(`seed ${SEED} ${lang} frame [${item.label}] ${String(item.raw).slice(0, 300)}\n  -> ${problems.join('\n  -> ')}`)
      }
      page.close()
    }
    // A frame over the 64 KB cap closes that socket only.
    const big = await FrameRecorder.open(`${wsUrl}`, { cookie, origin: backend.bffUrl })
    const closed = new Promise<number>((resolve) => big.socket.once('close', (code) => resolve(code)))
    big.socket.send(JSON.stringify({ cmd: 'ping', junk: 'x'.repeat(70 * 1024) }))
    expect(await closed).toBe(1009)
    console.info(`fuzz seed ${SEED}: ${count + 1} /ws frames in ${Date.now() - started} ms, ${cloudFrames.filter((frame) => frame.cmd === 'c2s_write').length} writes forwarded`)
    expect(failures.slice(0, 20).join('\n\n')).toBe('')
    // Valid writes went through, so "only valid writes are forwarded" was tested, not vacuous.
    expect(cloudFrames.filter((frame) => frame.cmd === 'c2s_write').length).toBeGreaterThan(50)

    // Everyone is still served: the BFF answers, the other user's page still works and saw nothing of this one.
    expect((await fetch(`${backend.bffUrl}/healthz`)).status).toBe(200)
    bystander.send({ cmd: 'ping' })
    await bystander.next(cmd('pong'))
    bystander.send({ cmd: 'c2s_write', req_sn: 7, data: { did: SECOND_USERS_AC, attrs: { switch: true } } })
    expect(await bystander.next(cmd('s2c_write_res'))).toMatchObject({ res_sn: 7, data: { ok: true } })
    expect(bystander.frames.some((frame) => owned.some((did) => JSON.stringify(frame).includes(did)))).toBe(false)
    bystander.close()
    // Sockets without a session or from another origin never open.
    for (const headers of [{ origin: backend.bffUrl }, { cookie, origin: 'http://evil.example' }, { cookie }]) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(wsUrl, { headers })
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
        socket.once('open', () => resolve(101))
        socket.once('error', () => resolve(0))
      })
      expect(status === 401 || status === 403).toBe(true)
    }
  }, 120_000)
})

// ---- HTTP: run after /ws, since valid cases unbind and transfer the user's devices ----

describe('fuzz: every route, every /ws frame type', () => {
  test('should answer every generated request with no 5xx, a readable refusal, and nothing unknown forwarded', async () => {
    const order = (route: RouteOptions) => (/transfer|DELETE/.test(`${String(route.method)} ${route.url}`) ? 1 : 0)
    const fuzzed = routes.filter((route) => route.url !== '/ws').sort((a, b) => order(a) - order(b))
    expect(fuzzed.length).toBeGreaterThan(25)
    const failures: string[] = []
    const seenKinds = new Set<string>()
    const statuses = new Map<string, Map<number, number>>()
    let count = 0
    let forwarded = 0
    const started = Date.now()
    for (const route of fuzzed) {
      for (const item of casesFor(route)) {
        cloudCalls = []
        let response: Response
        try {
          response = await fetch(`${backend.bffUrl}${item.url}`, { method: item.method, headers: item.headers, body: item.body, redirect: 'manual' })
        } catch (error) {
          failures.push(`${describeCase(item)}\n  -> no answer: ${(error as Error).message}`)
          continue
        }
        const calls = cloudCalls
        const problems = await judge(item, response, calls)
        count++
        forwarded += calls.length
        const byStatus = statuses.get(item.route) ?? new Map<number, number>()
        byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1)
        statuses.set(item.route, byStatus)
        // One line per kind of failure: the first case of each is the one to replay.
        const kind = `${item.route} ${item.label} ${problems[0]?.replace(/[0-9a-f]{8,}|\d+/g, '#').slice(0, 50)}`
        if (problems.length > 0 && !seenKinds.has(kind)) {
          seenKinds.add(kind)
          failures.push(`${describeCase(item)}\n  -> ${problems.join('\n  -> ')}`)
        }
      }
    }
    // The figures for the report: how many cases, how long, how each route answered.
    console.info(`fuzz seed ${SEED}: ${count} HTTP cases over ${fuzzed.length} routes in ${Date.now() - started} ms, ${forwarded} cloud calls`)
    if (process.env.FUZZ_VERBOSE) for (const [route, byStatus] of statuses) console.info(`  ${route}: ${[...byStatus].sort().map(([status, n]) => `${status}×${n}`).join(' ')}`)
    expect(failures.slice(0, 40).join('\n\n')).toBe('')
    expect(count).toBeGreaterThan(2500)
    // The fuzz reached the cloud with valid requests, so "nothing unknown forwarded" was tested, not vacuous.
    expect(forwarded).toBeGreaterThan(200)
    expect([...statuses.values()].filter((byStatus) => [...byStatus.keys()].some((status) => status < 300)).length).toBeGreaterThan(15)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect((await fetch(`${backend.bffUrl}/healthz`)).status).toBe(200)
  }, 120_000)
})


// ---- One pass with the default limits: past them, every answer is a readable 429 that costs the cloud nothing ----

describe('fuzz: default rate limits', () => {
  test('should answer a flood past the limits with readable 429s and no cloud calls', async () => {
    const limited = await startBackend()
    try {
      const user = await loginThroughSandbox(limited.bffUrl, FIRST_USER)
      const calls: string[] = []
      const client = limited.context.client
      const request = client.request.bind(client)
      client.request = ((method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, init?: { token?: string; body?: unknown; headers?: Record<string, string> }) => {
        calls.push(`${method} ${path}`)
        return request(method, path, init)
      }) as typeof client.request
      const flood = [
        ...Array.from({ length: DEFAULT_LIMITS.control.user!.max + 5 }, (_, i) => ({ method: 'POST', path: `/api/app/control/${LIVING_ROOM_AC}`, body: JSON.stringify({ attrs: { set_temp: 16 + (i % 10) } }) })),
        ...Array.from({ length: DEFAULT_LIMITS.bind.user!.max + 5 }, () => ({ method: 'POST', path: '/api/app/bind_latest', body: JSON.stringify({ qr_content: fromPattern('^[\\x21-\\x7e]{1,64}$', random) }) })),
      ]
      let limitedCount = 0
      for (const [index, item] of flood.entries()) {
        const english = index % 2 === 1
        const headers = { ...limited.page(user), 'content-type': 'application/json', ...(english ? { 'accept-language': 'en' } : {}) }
        const before = calls.length
        const response = await fetch(`${limited.bffUrl}${item.path}`, { method: item.method, headers, body: item.body })
        expect(response.status, `seed ${SEED} ${item.method} ${item.path}`).toBeLessThan(500)
        if (response.status !== 429) continue
        limitedCount++
        const answer = (await response.json()) as { error_code: unknown; message: string }
        expect(Number(response.headers.get('retry-after')), `${item.path} ${JSON.stringify(answer)}`).toBeGreaterThan(0)
        expect(readableInLanguage(answer.message, english), `${item.path}: ${answer.message}`).toBeNull()
        expect(calls.slice(before)).toEqual([])
      }
      expect(limitedCount).toBeGreaterThanOrEqual(10)
    } finally {
      await limited.close()
    }
  }, 60_000)
})
