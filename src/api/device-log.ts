// A device's log of commands, reports and alerts (server/bff/routes/device-log-api.ts), a page at a time.
import type { DeviceLogResponse } from '@shared/device-log'
import { http } from './http'

export async function fetchDeviceLog(did: string, before?: number, limit = 20): Promise<DeviceLogResponse> {
  return (await http.get<DeviceLogResponse>(`/api/devices/${encodeURIComponent(did)}/log`, { params: { limit, ...(before ? { before } : {}) } })).data
}
