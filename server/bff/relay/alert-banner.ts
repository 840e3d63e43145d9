// New alerts to the pages open right now (a banner within a second, issue 13). The vendor's worker writes notices
// into app.db — in production from its own process — so the BFF learns of them by reading the table, not from an
// in-process event: a cheap indexed read of rows after the last id seen, every few hundred milliseconds. Only
// notices written after the BFF started are announced; older ones are in the alerts list. On PostgreSQL with several
// workers an id can commit after a higher one; such a notice misses the banner (not the list, nor WeChat).
import type { HistoryStore } from '../store/history-store'
import type { UserHub } from './user-hub'

export const ALERT_BANNER_POLL_MS = 300
const BATCH = 200

export function startAlertBanner(store: HistoryStore, hub: Pick<UserHub, 'tellUser'>, pollMs = ALERT_BANNER_POLL_MS, log: (message: string) => void = () => {}): () => void {
  // Until the first read answers, nothing is announced (older notices are in the alerts list).
  let lastId: number | null = null
  let reading = false
  const poll = async () => {
    if (reading) return
    reading = true
    try {
      if (lastId === null) lastId = await store.lastNoticeId()
      else {
        for (const notice of await store.noticesAfter(lastId, BATCH)) {
          lastId = notice.id
          hub.tellUser(notice.openid, {
            cmd: 's2c_alert',
            data: { id: notice.id, did: notice.did, device_name: notice.device_name, title: notice.title, detail: notice.detail, edge: notice.edge, created_at: notice.created_at },
          })
        }
      }
    } catch (error) {
      // A busy, damaged or unreachable store: the banner waits for the next round; the alerts list still has everything.
      log(`alert banner: ${(error as Error).message}`)
    } finally {
      reading = false
    }
  }
  void poll()
  const timer = setInterval(() => void poll(), pollMs)
  timer.unref()
  return () => clearInterval(timer)
}
