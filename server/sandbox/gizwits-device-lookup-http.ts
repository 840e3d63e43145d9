// Open API calls around a device that official SDKs make besides the product's own: `device_register` (has the
// device just configured registered?), looking a device up by product key and MAC, and aggregated history
// (`/app/devdata/{did}/agg_data`, seed 003 高级数据接口).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { userFrom } from './gizwits-http'
import type { World } from './world'

type Query = Record<string, string | undefined>

const RANDOM_CODE = /^[0-9a-f]{32}$/
const AGGREGATORS = ['sum', 'avg', 'max', 'min'] as const
const UNITS: Record<string, 'HOURS' | 'DAYS' | 'WEEKS' | 'MONTHS'> = { hours: 'HOURS', hour: 'HOURS', day: 'DAYS', days: 'DAYS', weeks: 'WEEKS', week: 'WEEKS', months: 'MONTHS', month: 'MONTHS' }
/** The buckets are China time (undocumented; Gizwits' consoles show Beijing time). */
const BUCKET_OFFSET_MS = 8 * 3600_000
const MONTH_MS = 31 * 24 * 3600_000

/** Bucket names as Gizwits' Enterprise API documents them for aggregated data: 2015072010 (hour), 20150720 (day), 201529 (ISO week), 201507 (month). */
function bucketOf(atMs: number, unit: 'HOURS' | 'DAYS' | 'WEEKS' | 'MONTHS'): string {
  const local = new Date(atMs + BUCKET_OFFSET_MS)
  const yyyy = String(local.getUTCFullYear())
  const mm = String(local.getUTCMonth() + 1).padStart(2, '0')
  const dd = String(local.getUTCDate()).padStart(2, '0')
  if (unit === 'HOURS') return `${yyyy}${mm}${dd}${String(local.getUTCHours()).padStart(2, '0')}`
  if (unit === 'DAYS') return `${yyyy}${mm}${dd}`
  if (unit === 'MONTHS') return `${yyyy}${mm}`
  // ISO week number (two digits), with the ISO week's year.
  const thursday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()))
  thursday.setUTCDate(thursday.getUTCDate() + 4 - (thursday.getUTCDay() || 7))
  const week = Math.ceil(((thursday.getTime() - Date.UTC(thursday.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7)
  return `${thursday.getUTCFullYear()}${String(week).padStart(2, '0')}`
}

function aggregate(values: number[], aggregator: (typeof AGGREGATORS)[number]): number {
  if (aggregator === 'max') return Math.max(...values)
  if (aggregator === 'min') return Math.min(...values)
  const sum = values.reduce((total, value) => total + value, 0)
  return aggregator === 'sum' ? sum : sum / values.length
}

/** Values come back as strings (seed 003's example), without float noise. */
const asString = (value: number) => String(Math.round(value * 1000) / 1000)

export async function gizwitsDeviceLookupHttp(app: FastifyInstance, options: { world: World; appId: string }): Promise<void> {
  const { world } = options
  const userOf = userFrom(world, options.appId)

  // After Wi-Fi setup apps poll this with one random code per product key they make (device-register.ts); the answer
  // lists the devices that registered from that network, and is empty until one has.
  app.get('/app/device_register', async (request) => {
    userOf(request)
    const codes = ((request.query as Query).random_codes ?? '').split(',').map((code) => code.trim().toLowerCase()).filter(Boolean)
    if (codes.length === 0 || codes.length > 50 || !codes.every((code) => RANDOM_CODE.test(code))) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'random_codes must be 1 to 50 comma-separated 32-hex codes')
    return codes.flatMap((code) => {
      const found = world.devices.registeredFor(code)
      const device = found ? world.devices.get(found.did) : undefined
      return device ? [{ random_code: code, product_key: device.seed.product_key, mac: device.seed.mac, did: device.seed.did, is_online: device.online, registered_at: found!.at }] : []
    })
  })

  // A device by product key and MAC. The passcode is not in the answer: it is what proves possession when binding.
  app.get('/app/devices', async (request) => {
    userOf(request)
    const { product_key: productKey, mac } = request.query as Query
    if (!productKey || !mac) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'product_key and mac are required')
    if (!world.products.has(productKey)) throw new GizwitsFailure(ErrorCode.PRODUCT_KEY_INVALID)
    const device = world.devices.byMac(productKey, mac)
    if (!device) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    return { did: device.seed.did, mac: device.seed.mac, product_key: productKey, is_online: device.online, is_disabled: false, type: 'normal' }
  })

  // Seed 003 documents PUT; its own operation id and apps in the field use GET with the same query: serve both.
  const aggData = async (request: FastifyRequest) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    const device = world.devices.get(did)
    if (!device) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    if (!world.bindings.get(uid, did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    const query = request.query as Query
    const startTs = Number(query.start_ts)
    const now = world.clock.nowMs()
    const endTs = query.end_ts === undefined || query.end_ts === '' ? now : Number(query.end_ts)
    if (!Number.isInteger(startTs) || !Number.isInteger(endTs) || startTs < 0 || endTs < startTs) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'start_ts and end_ts are milliseconds, start_ts first')
    if (endTs - startTs > MONTH_MS) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'the range is at most a month')
    const aggregator = query.aggregator as (typeof AGGREGATORS)[number]
    if (!AGGREGATORS.includes(aggregator)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'aggregator must be sum, avg, max or min')
    const unit = UNITS[(query.unit ?? '').toLowerCase()]
    if (!unit) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'unit must be hours, day, weeks or months')
    const names = (query.attrs ?? '').split(',').map((name) => name.trim()).filter(Boolean)
    if (names.length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'attrs is required')
    for (const name of names) {
      const attr = device.product.attrs.find((candidate) => candidate.name === name)
      if (!attr || attr.data_type !== 'uint8' && attr.data_type !== 'uint16' && attr.data_type !== 'uint32') throw new GizwitsFailure(ErrorCode.ATTR_INVALID, `${name} is not a numeric datapoint`)
    }
    const buckets = new Map<string, Map<string, number[]>>()
    for (const report of world.devices.reportsBetween(did, Math.floor(startTs / 1000), Math.floor(endTs / 1000))) {
      const bucket = bucketOf(report.at * 1000, unit)
      const values = buckets.get(bucket) ?? new Map<string, number[]>()
      buckets.set(bucket, values)
      for (const name of names) {
        const value = report.attrs[name]
        if (typeof value === 'number') values.set(name, [...(values.get(name) ?? []), value])
      }
    }
    return {
      query: { aggregator, end_ts: query.end_ts === undefined || query.end_ts === '' ? null : endTs, start_ts: startTs, attrs: query.attrs, unit },
      data: [...buckets].map(([datatime, values]) => ({
        datatime,
        uid,
        product_key: device.seed.product_key,
        attrs: Object.fromEntries([...values].map(([name, list]) => [name, asString(aggregate(list, aggregator))])),
      })),
    }
  }
  app.get('/app/devdata/:did/agg_data', aggData)
  app.put('/app/devdata/:did/agg_data', aggData)
}
