// The sandbox's control surface for gateways and firmware (its port only): press a sub-device's pairing button,
// look at gateways and their windows, publish firmware to a product's catalogue, make the next upgrade fail.
import type { FastifyInstance } from 'fastify'
import { OtaFailure, type FirmwareType, type OtaFailureReason } from './firmware'
import { GizwitsFailure } from './gizwits-errors'
import type { World } from './world'

const VERSION = /^[0-9A-Fa-f]{8}$/

export async function gatewaySurface(app: FastifyInstance, options: { world: World }): Promise<void> {
  const { world } = options
  const input = (body: unknown): Record<string, unknown> => (typeof body === 'string' ? JSON.parse(body || '{}') : (body as Record<string, unknown> | undefined) ?? {})

  app.get('/sandbox/gateways', async () =>
    [...world.devices.values()].filter((d) => d.product.kind === 'center_control').map((d) => ({
      did: d.seed.did, online: d.online, pairing_left: world.gateways.pairingLeft(d.seed.did), sub_devices: world.gateways.childrenOf(d.seed.did),
    })),
  )

  // The sub-device's pairing button: it joins the gateway whose window is open (`gw_did` picks one when several
  // are), or nothing happens (409), as a real sub-device just blinks. Plain text bodies are accepted (the
  // sandbox's own page posts without a CORS preflight).
  app.post('/sandbox/devices/:did/pair', async (request, reply) => {
    reply.header('access-control-allow-origin', '*')
    const { did } = request.params as { did: string }
    const device = world.devices.get(did)
    if (!device) return reply.status(404).send({ error: 'device_not_found', message: `no sandbox device ${did}` })
    if (device.product.kind !== 'sub_dev') return reply.status(400).send({ error: 'not_sub_device', message: 'only a sub-device has a pairing button' })
    const gwDid = input(request.body).gw_did
    const joined = world.gateways.join(did, typeof gwDid === 'string' ? gwDid : undefined)
    if (!joined) return reply.status(409).send({ error: 'pairing_closed', message: 'no gateway has its pairing window open' })
    return { did, gw_did: joined }
  })

  app.post('/sandbox/firmware', async (request, reply) => {
    const body = input(request.body)
    const product = typeof body.product_key === 'string' ? world.products.get(body.product_key) : undefined
    if (!product) return reply.status(404).send({ error: 'product_not_found', message: 'product_key names no sandbox product; see GET /sandbox/products' })
    if (body.firmware_type !== 'wifi' && body.firmware_type !== 'mcu') return reply.status(400).send({ error: 'bad_firmware_type', message: 'firmware_type must be wifi or mcu' })
    if (typeof body.version !== 'string' || !VERSION.test(body.version)) return reply.status(400).send({ error: 'bad_version', message: 'version must be 8 hex digits, e.g. 04020021' })
    const notes = typeof body.notes === 'string' ? body.notes.slice(0, 500) : ''
    return world.firmware.publish(product.definition.product_key, body.firmware_type as FirmwareType, body.version, notes, body.forced === true)
  })

  app.get('/sandbox/firmware', async () => [...world.products.values()].flatMap((p) => world.firmware.catalogue(p.definition.product_key)))

  app.post('/sandbox/devices/:did/ota-fail', async (request, reply) => {
    const { did } = request.params as { did: string }
    if (!world.devices.has(did)) return reply.status(404).send({ error: 'device_not_found', message: `no sandbox device ${did}` })
    const reason = input(request.body).reason
    if (typeof reason !== 'string' || !(reason in OtaFailure) || reason === 'device_offline') {
      return reply.status(400).send({ error: 'bad_reason', message: 'reason must be download_failed, verify_failed or upgrade_failed (take the device offline for the other)' })
    }
    world.firmware.failNextUpgrade(did, reason as OtaFailureReason)
    return { did, reason }
  })

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof GizwitsFailure) return reply.status(400).send({ error: 'refused', message: error.detail ?? error.message })
    return reply.status(error.statusCode ?? 500).send({ error: 'sandbox_error', message: error.message })
  })
}
