// A user's alerts and alert settings (server/bff/routes/alerts-api.ts), written by the vendor's worker.
import type { AlertSettings, AlertSettingsBody, AlertsResponse } from '@shared/alerts'
import { http } from './http'

export async function fetchAlerts(query: { limit?: number; before?: number; did?: string } = {}): Promise<AlertsResponse> {
  return (await http.get<AlertsResponse>('/api/alerts', { params: query })).data
}

export async function markAlertsRead(body: { ids?: number[]; all?: boolean }): Promise<number> {
  return (await http.post<{ unread: number }>('/api/alerts/read', body)).data.unread
}

export async function fetchAlertSettings(did: string): Promise<AlertSettings> {
  return (await http.get<AlertSettings>(`/api/devices/${encodeURIComponent(did)}/alert-settings`)).data
}

export async function saveAlertSettings(did: string, body: AlertSettingsBody): Promise<AlertSettings> {
  return (await http.put<AlertSettings>(`/api/devices/${encodeURIComponent(did)}/alert-settings`, body)).data
}
