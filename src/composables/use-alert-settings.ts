// One user's alert settings for one device ("接收提醒", quiet hours), for the 历史 page's settings card: the page
// goes through here, not the API module (server/bff/routes/alerts-api.ts).
import type { AlertSettings, AlertSettingsBody } from '@shared/alerts'
import { fetchAlertSettings, saveAlertSettings } from '@/api/alerts'

export function useAlertSettings(did: () => string) {
  return {
    load: (): Promise<AlertSettings> => fetchAlertSettings(did()),
    save: (body: AlertSettingsBody): Promise<AlertSettings> => saveAlertSettings(did(), body),
  }
}
