// A user's alerts (issue 13): the list the message centre shows, the unread count, and the one the banner shows
// now. New ones arrive on the page socket as `s2c_alert` (cloud → worker → BFF → page socket → here); the list is
// fetched when the message centre opens. Loaded lazily: the live store imports it on the first alert frame.
import { defineStore } from 'pinia'
import type { AlertItem } from '@shared/alerts'
import type { PageServerFrame } from '@shared/ws-frames'
import { fetchAlerts, markAlertsRead } from '@/api/alerts'
import type { ApiError } from '@/api/http'

type AlertFrame = Extract<PageServerFrame, { cmd: 's2c_alert' }>['data']

export const useAlertsStore = defineStore('alerts', {
  state: () => ({
    list: [] as AlertItem[],
    unread: 0,
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    error: null as ApiError | null,
    /** No more older ones to page in. */
    end: false,
    /** What the banner shows (the newest alert since the page opened), until dismissed. */
    banner: null as AlertFrame | null,
  }),
  actions: {
    async load(): Promise<void> {
      if (this.status !== 'ready') this.status = 'loading'
      try {
        const { items, unread } = await fetchAlerts({ limit: 20 })
        this.list = items
        this.unread = unread
        this.end = items.length < 20
        this.status = 'ready'
      } catch (error) {
        this.error = error as ApiError
        if (this.status !== 'ready') this.status = 'error'
      }
    },
    async more(): Promise<void> {
      const oldest = this.list[this.list.length - 1]
      if (!oldest || this.end) return
      const { items } = await fetchAlerts({ limit: 20, before: oldest.id })
      this.list = [...this.list, ...items]
      this.end = items.length < 20
    },
    /** A new alert from the page socket: banner now, and at the top of the list if it is loaded. */
    arrive(alert: AlertFrame): void {
      this.banner = alert
      if (this.list.some((item) => item.id === alert.id)) return
      this.list = [{ ...alert, read: false, channel: 'waiting' }, ...this.list]
      this.unread += 1
    },
    dismiss(): void {
      this.banner = null
    },
    async read(ids: number[] | 'all'): Promise<void> {
      this.unread = await markAlertsRead(ids === 'all' ? { all: true } : { ids })
      this.list = this.list.map((item) => (ids === 'all' || ids.includes(item.id) ? { ...item, read: true } : item))
    },
  },
})
