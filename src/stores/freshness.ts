// How fresh what the page shows is: when we last heard from the server, whether the live link is still being
// opened ("正在连接…") or was given up on after about 8 s, and whether the user's last refresh failed. Values that
// stopped updating must not look current: pages show "数据更新于 hh:mm" while `stale`.
import { defineStore } from 'pinia'
import { useLiveStore } from './live'

/** Under this, a connecting page shows nothing: most links open well within it. */
export const CONNECT_NOTICE_MS = 1500
/** After this without the live link ever opening, the page says so and offers a retry. */
export const CONNECT_GIVE_UP_MS = 8000

export const useFreshnessStore = defineStore('freshness', {
  state: () => ({
    /** The last moment the shown data was known current (ms). */
    lastHeardAt: Date.now(),
    connecting: false,
    gaveUp: false,
    refreshFailed: false,
  }),
  getters: {
    stale(): boolean {
      return this.refreshFailed || this.gaveUp || useLiveStore().linkDown
    },
  },
  actions: {
    /** A successful answer: what the page shows is current as of now. */
    heard(): void {
      this.lastHeardAt = Date.now()
      this.refreshFailed = false
    },
    /** The live link just went down: values are current as of now, and not after. */
    lost(): void {
      this.lastHeardAt = Date.now()
    },
  },
})
