// Gateways with sub-devices and firmware updates, under /api/app with the sandbox's shapes (src/shared/open-api/
// gateway.ts). Who may see a sub-device is decided where every device check is, gizwits/device-access.ts (it
// follows its gateway); here only what needs the owner is checked: opening the pairing window, removing a
// sub-device and starting a firmware upgrade. Guests see the versions and are refused the rest (403), by us,
// before anything reaches the cloud.
import { Type } from 'typebox'
import { DID_PATTERN, EmptyObject, type BoundDevice } from '@shared/open-api'
import { DeviceOta, OtaStartBody, OtaStarted, PairingBody, PairingOpened, SubDeviceList } from '@shared/open-api/gateway'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { GizwitsApiError } from '../gizwits/open-api-client'
import { Did, errorResponses as errors, type RouteScope } from './route-schemas'

const SubDid = Type.Object({ did: Type.String({ pattern: DID_PATTERN }), sub: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false })

export const GatewayErrorCode = {
  NOT_A_GATEWAY: 'not_a_gateway',
  GATEWAY_OWNER_ONLY: 'gateway_owner_only',
  OTA_OWNER_ONLY: 'ota_owner_only',
  OTA_BUSY: 'ota_busy',
} as const

/** The owner, or with sharing off the special user: the roles that may change what a device is. */
const manages = (device: BoundDevice) => device.role === 'owner' || device.role === 'special'

export async function gatewayRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts, bindingChanges, client } = context

  const gatewayOf = async (openid: string, did: string, { manage }: { manage: boolean }) => {
    const device = await access.boundDevice(openid, did)
    if (device.type !== 'center_control') throw new ApiError(400, GatewayErrorCode.NOT_A_GATEWAY, 'not_a_gateway')
    if (manage && !manages(device)) throw new ApiError(403, GatewayErrorCode.GATEWAY_OWNER_ONLY, 'gateway_owner_only')
    return device
  }

  app.get('/api/app/devices/:did/sub_devices', { schema: { params: Did, response: { 200: SubDeviceList, ...errors } } }, async (request) => {
    const { openid } = request
    await gatewayOf(openid, request.params.did, { manage: false })
    return accounts.withToken(openid, (token) => client.subDevices(token, request.params.did))
  })

  app.post('/api/app/devices/:did/sub_devices', { schema: { params: Did, body: PairingBody, response: { 200: PairingOpened, ...errors } } }, async (request) => {
    const { openid } = request
    await gatewayOf(openid, request.params.did, { manage: true })
    return accounts.withToken(openid, (token) => client.openPairing(token, request.params.did, request.body))
  })

  app.delete('/api/app/devices/:did/sub_devices/:sub', { schema: { params: SubDid, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = request
    const { did, sub } = request.params
    await gatewayOf(openid, did, { manage: true })
    await accounts.withToken(openid, (token) => client.removeSubDevice(token, did, sub))
    // Everyone bound to the gateway lost the sub-device.
    access.forgetDevice(sub)
    bindingChanges.userChanged(openid)
    return {}
  })

  app.get('/api/app/devices/:did/ota', { schema: { params: Did, response: { 200: DeviceOta, ...errors } } }, async (request) => {
    const { openid } = request
    const device = await access.boundDevice(openid, request.params.did)
    const info = await accounts.withToken(openid, (token) => client.checkFirmware(token, request.params.did))
    return { ...info, may_upgrade: manages(device) }
  })

  app.post('/api/app/devices/:did/ota', { schema: { params: Did, body: OtaStartBody, response: { 200: OtaStarted, ...errors } } }, async (request) => {
    const { openid } = request
    const device = await access.boundDevice(openid, request.params.did)
    if (!manages(device)) throw new ApiError(403, GatewayErrorCode.OTA_OWNER_ONLY, 'ota_owner_only')
    try {
      return await accounts.withToken(openid, (token) => client.upgradeFirmware(token, request.params.did, request.body))
    } catch (error) {
      // The cloud answers 8354 "device busy" as a form error with the code in its detail.
      if (error instanceof GizwitsApiError && /8354/.test(error.body.detail_message ?? '')) throw new ApiError(409, GatewayErrorCode.OTA_BUSY, 'ota_busy')
      throw error
    }
  })
}
