// History and alert rules of one device (server/bff/routes/history-api.ts), kept by the vendor's worker.
import type { AlertRuleBody, AlertRuleView, HistoryResponse } from '@shared/history'
import { http } from './http'

export async function fetchHistory(did: string, attr: string, hours: number): Promise<HistoryResponse> {
  return (await http.get<HistoryResponse>(`/api/devices/${encodeURIComponent(did)}/history`, { params: { attr, hours } })).data
}

export async function saveAlertRule(did: string, rule: AlertRuleBody): Promise<AlertRuleView> {
  return (await http.put<AlertRuleView>(`/api/devices/${encodeURIComponent(did)}/alert-rules`, rule)).data
}
