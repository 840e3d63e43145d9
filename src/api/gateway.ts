// A gateway's pairing window and sub-devices, and firmware updates, relayed by the BFF under /api/app
// (src/shared/open-api/gateway.ts for the shapes).
import type { DeviceOta, FirmwareType, OtaStarted, PairingOpened, SubDeviceList } from '@shared/open-api/gateway'
import { http } from './http'

const did$ = encodeURIComponent

export async function fetchSubDevices(gwDid: string): Promise<SubDeviceList> {
  return (await http.get<SubDeviceList>(`/api/app/devices/${did$(gwDid)}/sub_devices`)).data
}

export async function openPairing(gwDid: string, timeout: number): Promise<PairingOpened> {
  return (await http.post<PairingOpened>(`/api/app/devices/${did$(gwDid)}/sub_devices`, { timeout })).data
}

export async function removeSubDevice(gwDid: string, subDid: string): Promise<void> {
  await http.delete(`/api/app/devices/${did$(gwDid)}/sub_devices/${did$(subDid)}`)
}

export async function fetchOta(did: string): Promise<DeviceOta> {
  return (await http.get<DeviceOta>(`/api/app/devices/${did$(did)}/ota`)).data
}

export async function startOta(did: string, firmwareType: FirmwareType): Promise<OtaStarted> {
  return (await http.post<OtaStarted>(`/api/app/devices/${did$(did)}/ota`, { firmware_type: firmwareType })).data
}
