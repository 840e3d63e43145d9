// One device's history and its alert limits, for the history page: what the vendor's worker has kept, read through
// the BFF (server/bff/routes/history-api.ts), and the owner's limit saved back. Pages go through here, not the API.
import type { AlertRuleBody, AlertRuleView, HistoryResponse } from '@shared/history'
import { fetchHistory, saveAlertRule } from '@/api/history'

export function useDeviceHistory(did: () => string) {
  return {
    /** The buckets of one datapoint over the last `hours`, with the limits set on it. */
    load: (attr: string, hours: number): Promise<HistoryResponse> => fetchHistory(did(), attr, hours),
    /** Sets (or replaces) the limit on one numeric datapoint; the owner's only. */
    saveLimit: (rule: AlertRuleBody): Promise<AlertRuleView> => saveAlertRule(did(), rule),
  }
}
