// Open API calls for gateways and firmware. Gizwits' apps do both through GizWifiSDK — central control over the
// device channel (SDK04 0x0093: 0x5A list, 0x56 add, 0x58 delete) and OTA through GizDeviceOTA (check, upgrade,
// status) — and publish no REST paths for them, so these paths are ours (README, "Invented"); the answers carry
// the SDK's fields: sub-devices as the bindings list shows devices, firmware as `{current, latest}` per type.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { userFrom } from './gizwits-http'
import type { FirmwareType } from './firmware'
import { PAIRING_DEFAULT_S } from './gateways'
import type { World } from './world'

const FIRMWARE_TYPES: readonly FirmwareType[] = ['wifi', 'mcu']

export async function gizwitsGatewayHttp(app: FastifyInstance, options: { world: World; appId: string }): Promise<void> {
  const { world } = options
  const userOf = userFrom(world, options.appId)

  /** The caller's binding of the device; `manage` asks for the owner (or the special user, with sharing off). */
  const bound = (request: FastifyRequest, manage: boolean) => {
    const uid = userOf(request)
    const { did } = request.params as { did: string }
    if (!world.devices.has(did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    const binding = world.bindings.get(uid, did)
    if (!binding) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND)
    if (manage && binding.role !== 'owner' && binding.role !== 'special') throw new GizwitsFailure(ErrorCode.NOT_OWNER)
    return { uid, did }
  }
  const gateway = (did: string) => {
    if (!world.gateways.isGateway(did)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'not a central-control device (8028)')
  }
  const subDeviceJson = (did: string) => {
    const device = world.devices.get(did)!
    return { did, mac: device.seed.mac, product_key: device.seed.product_key, product_name: device.product.definition.name, is_online: device.online, type: 'sub_dev' as const, gw_did: world.gateways.gatewayOfDevice(did)! }
  }
  const body = (request: FastifyRequest): Record<string, unknown> => {
    const value = request.body
    if (value === undefined || value === null) return {}
    if (typeof value !== 'object' || Array.isArray(value)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'body must be a JSON object')
    return value as Record<string, unknown>
  }

  // 0x5A: the gateway's sub-devices, and its pairing window.
  app.get('/app/devices/:did/sub_devices', async (request) => {
    const { did } = bound(request, false)
    gateway(did)
    return { pairing_left: world.gateways.pairingLeft(did), sub_devices: world.gateways.childrenOf(did).map(subDeviceJson) }
  })

  // 0x56: open the pairing window for `timeout` seconds.
  app.post('/app/devices/:did/sub_devices', async (request) => {
    const { did } = bound(request, true)
    gateway(did)
    const timeout = body(request).timeout ?? PAIRING_DEFAULT_S
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'timeout must be whole seconds')
    world.gateways.openPairing(did, timeout)
    return { pairing_left: world.gateways.pairingLeft(did) }
  })

  // 0x58: the gateway forgets a sub-device.
  app.delete('/app/devices/:did/sub_devices/:sub', async (request) => {
    const { did } = bound(request, true)
    gateway(did)
    world.gateways.remove(did, (request.params as { sub: string }).sub)
    return {}
  })

  // GizDeviceOTA checkDeviceUpdate, and the last upgrade's status.
  app.get('/app/devices/:did/ota', async (request) => {
    const { did } = bound(request, false)
    return { ...world.firmware.check(did), upgrade: world.firmware.status(did) }
  })

  // GizDeviceOTA upgradeDevice.
  app.post('/app/devices/:did/ota', async (request) => {
    const { did } = bound(request, true)
    const type = body(request).firmware_type
    if (!FIRMWARE_TYPES.includes(type as FirmwareType)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'firmware_type must be wifi or mcu')
    return { upgrade: world.firmware.upgrade(did, type as FirmwareType, 'user') }
  })
}
