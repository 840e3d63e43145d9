// The Gizwits Open API paths the product uses, with seed 003's shapes, headers and errors.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Attrs, AttrValue, BoundDevice } from '@shared/open-api'
import { fromWire, rejectWrite, toRest } from './device-rules'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { deviceForQrContent } from './qr-service'
import type { DeviceSimulator } from './simulator'
import type { BindingRow } from './store/database'
import type { World } from './world'

export interface GizwitsHttpOptions {
  world: World
  simulator: DeviceSimulator
  appId: string
  /** Where bindings say the app WebSocket is. */
  endpoint: () => { host: string; wsPort: number }
}

const SIGNATURE_SKEW_S = 300

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

export function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'body must be a JSON object')
  return body as Record<string, unknown>
}

export function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${key} must be a string`)
  return value
}

/** The uid behind a request's user token, after checking its appid; time-limited guests are swept first. */
export function userFrom(world: World, appId: string): (request: FastifyRequest) => string {
  return (request) => {
    if (header(request, 'X-Gizwits-Application-Id') !== appId) throw new GizwitsFailure(ErrorCode.APPID_INVALID)
    const result = world.accounts.checkToken(header(request, 'X-Gizwits-User-token'))
    if (result === 'invalid') throw new GizwitsFailure(ErrorCode.TOKEN_INVALID)
    if (result === 'expired') throw new GizwitsFailure(ErrorCode.TOKEN_EXPIRED)
    world.bindings.sweepExpiredGuests()
    return result.uid
  }
}

export async function gizwitsHttp(app: FastifyInstance, options: GizwitsHttpOptions): Promise<void> {
  const { world, simulator } = options

  const checkApp = (request: FastifyRequest) => {
    if (header(request, 'X-Gizwits-Application-Id') !== options.appId) throw new GizwitsFailure(ErrorCode.APPID_INVALID)
  }

  const userOf = userFrom(world, options.appId)

  const boundDevice = (uid: string, did: string): { binding: BindingRow } => {
    if (!world.devices.has(did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    const binding = world.bindings.get(uid, did)
    if (!binding) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    return { binding }
  }

  const deviceJson = (binding: BindingRow): BoundDevice => {
    const device = world.devices.get(binding.did)!
    const { host, wsPort } = options.endpoint()
    return {
      product_key: device.seed.product_key,
      did: device.seed.did,
      mac: device.seed.mac,
      is_online: device.online,
      passcode: device.seed.passcode,
      host,
      port: 1883,
      port_s: 8883,
      ws_port: wsPort,
      // The sandbox speaks no TLS; this is the cloud's usual wss port, reported for shape only.
      wss_port: 8880,
      remark: binding.remark,
      is_disabled: false,
      type: device.product.kind,
      ...(device.product.kind === 'sub_dev' ? { gw_did: world.gateways.gatewayOfDevice(device.seed.did) ?? null } : {}),
      dev_alias: binding.dev_alias,
      dev_label: JSON.parse(binding.dev_label) as string[],
      role: binding.role,
      product_name: device.product.definition.name,
      proto_ver: '04',
      wifi_soft_version: world.firmware.versionsOf(device.seed.did).wifi,
      mcu_soft_version: world.firmware.versionsOf(device.seed.did).mcu,
      is_sandbox: true,
    }
  }

  app.get('/app/bindings', async (request) => {
    const uid = userOf(request)
    const query = request.query as Record<string, string | undefined>
    const limit = query.limit === undefined ? 20 : Number(query.limit)
    const skip = query.skip === undefined ? 0 : Number(query.skip)
    if (!Number.isInteger(limit) || limit < 1 || !Number.isInteger(skip) || skip < 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'limit and skip must be whole numbers')
    return { devices: world.bindings.ofUser(uid).slice(skip, skip + limit).map(deviceJson) }
  })

  app.post('/app/bind_mac', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    const productKey = optionalString(body, 'product_key')
    const mac = optionalString(body, 'mac')
    if (!productKey || !mac) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'product_key and mac are required')
    const product = world.products.get(productKey)
    if (!product) throw new GizwitsFailure(ErrorCode.PRODUCT_KEY_INVALID)
    const timestamp = header(request, 'X-Gizwits-Timestamp') ?? ''
    if (!/^\d+$/.test(timestamp) || Math.abs(world.clock.nowS() - Number(timestamp)) > SIGNATURE_SKEW_S) throw new GizwitsFailure(ErrorCode.TIMESTAMP_INVALID)
    const expected = createHash('md5').update(product.secret + timestamp).digest('hex')
    const given = Buffer.from(header(request, 'X-Gizwits-Signature') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) throw new GizwitsFailure(ErrorCode.SIGNATURE_INVALID)
    const device = world.devices.byMac(productKey, mac)
    if (!device) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    const binding = world.bindings.bindByUser(uid, device.seed.did, { setOwner: body.set_owner === 1, dev_alias: optionalString(body, 'dev_alias'), remark: optionalString(body, 'remark') })
    return reply.status(201).send(deviceJson(binding))
  })

  app.post('/app/bind_latest', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    const content = optionalString(body, 'qr_content')
    if (!content) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'qr_content is required')
    const did = deviceForQrContent(world, content)
    if (!did) throw new GizwitsFailure(ErrorCode.BAD_QRCODE_CONTENT)
    world.bindings.bindByUser(uid, did, { setOwner: body.set_owner === 1 })
    return reply.status(201).send({})
  })

  // Binding by did + passcode (the Gizwits app QR form): all or nothing on a wrong passcode.
  app.post('/app/bindings', async (request, reply) => {
    const uid = userOf(request)
    const body = objectBody(request)
    if (!Array.isArray(body.devices) || body.devices.length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'devices must be a non-empty array')
    const items = body.devices as Array<Record<string, unknown>>
    for (const item of items) {
      const device = typeof item?.did === 'string' ? world.devices.get(item.did) : undefined
      if (!device || item.passcode !== device.seed.passcode) throw new GizwitsFailure(ErrorCode.DID_PASSCODE_INVALID)
    }
    const success = items.map((item) => {
      world.bindings.bindByUser(uid, item.did as string, { setOwner: body.set_owner === 1, dev_alias: optionalString(item, 'dev_alias'), remark: optionalString(item, 'remark') })
      return item.did as string
    })
    return reply.status(201).send({ success, failed: [] })
  })

  app.delete('/app/bindings', async (request) => {
    const uid = userOf(request)
    const body = objectBody(request)
    if (!Array.isArray(body.devices)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'devices must be an array')
    const success: string[] = []
    const failed: string[] = []
    for (const item of body.devices as Array<{ did?: unknown }>) {
      const did = typeof item?.did === 'string' ? item.did : ''
      ;(did && world.bindings.unbindByUser(uid, did) ? success : failed).push(did)
    }
    return { success, failed }
  })

  app.put('/app/bindings/:did', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    boundDevice(uid, did)
    const body = objectBody(request)
    const remark = optionalString(body, 'remark')
    const devAlias = optionalString(body, 'dev_alias')
    const devLabel = body.dev_label
    if (devLabel !== undefined && !(Array.isArray(devLabel) && devLabel.every((label) => typeof label === 'string'))) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'dev_label must be an array of strings')
    if (remark === undefined && devAlias === undefined && devLabel === undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give remark, dev_alias or dev_label')
    const updated = world.bindings.update(uid, did, { remark, dev_alias: devAlias, dev_label: devLabel as string[] | undefined })
    return { did, remark: updated.remark, dev_alias: updated.dev_alias, dev_label: JSON.parse(updated.dev_label) as string[] }
  })

  app.get('/app/devices/:did', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    return deviceJson(boundDevice(uid, did).binding)
  })

  app.get('/app/datapoint', async (request) => {
    checkApp(request)
    const productKey = (request.query as Record<string, string | undefined>).product_key
    const product = productKey ? world.products.get(productKey) : undefined
    if (!product) throw new GizwitsFailure(ErrorCode.PRODUCT_KEY_INVALID)
    return product.definition
  })

  app.get('/app/devdata/:did/latest', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    boundDevice(uid, did)
    const device = world.devices.get(did)!
    const recent = world.clock.nowS() - device.updatedAt < 24 * 3600
    return { did, updated_at: recent ? device.updatedAt : 0, attr: recent ? toRest(device.product.attrs, device.attrs) : {} }
  })

  app.post('/app/control/:did', async (request) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    boundDevice(uid, did)
    const body = objectBody(request)
    const device = world.devices.get(did)!
    const attrs = body.attrs
    if (attrs === undefined && body.raw === undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give attrs or raw')
    if (attrs !== undefined && (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs) || Object.keys(attrs).length === 0)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'attrs must be an object')
    const values: Attrs = {}
    for (const [name, value] of Object.entries((attrs ?? {}) as Record<string, AttrValue>)) {
      const attr = world.devices.attrDef(did, name)
      const problem = rejectWrite(attr, value, 'rest')
      if (problem) throw new GizwitsFailure(ErrorCode.ATTR_INVALID, problem)
      values[name] = fromWire(attr!, value, 'rest')
    }
    if (!device.online) throw new GizwitsFailure(ErrorCode.DEVICE_OFFLINE)
    if (Object.keys(values).length > 0) simulator.write(did, values, { source: 'client', uid, appid: options.appId })
    return {}
  })

  app.get('/status', async () => ({ status: { version: '2.15.1-sandbox' } }))
}
