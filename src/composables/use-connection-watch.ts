// Watches the live link for the connection banner (its one caller, mounted once in App.vue): after
// CONNECT_NOTICE_MS without the link open it marks "connecting", after CONNECT_GIVE_UP_MS it gives up (the banner
// then offers a retry), and it records when values stopped being live.
import { onBeforeUnmount, watch } from 'vue'
import { CONNECT_GIVE_UP_MS, CONNECT_NOTICE_MS, useFreshnessStore } from '@/stores/freshness'
import { useLiveStore } from '@/stores/live'
import { useSessionStore } from '@/stores/session'

export function useConnectionWatch() {
  const live = useLiveStore()
  const session = useSessionStore()
  const freshness = useFreshnessStore()
  let noticeTimer: ReturnType<typeof setTimeout> | undefined
  let giveUpTimer: ReturnType<typeof setTimeout> | undefined

  const clear = () => {
    clearTimeout(noticeTimer)
    clearTimeout(giveUpTimer)
  }

  function wait(): void {
    clear()
    freshness.gaveUp = false
    noticeTimer = setTimeout(() => (freshness.connecting = !live.socketUp), CONNECT_NOTICE_MS)
    giveUpTimer = setTimeout(() => {
      if (live.socketUp) return
      freshness.connecting = false
      freshness.gaveUp = true
    }, CONNECT_GIVE_UP_MS)
  }

  watch(() => session.status === 'ready' && !live.everConnected, (waiting) => (waiting ? wait() : clear()), { immediate: true })
  watch(() => live.socketUp && live.cloudUp, (up, was) => {
    if (up) {
      clear()
      freshness.connecting = false
      freshness.gaveUp = false
      freshness.heard()
    } else if (was) freshness.lost()
  })
  onBeforeUnmount(clear)

  return {
    /** The user's retry: open the link now and wait again. */
    retry(): void {
      live.resync()
      if (!live.socketUp) {
        freshness.connecting = true
        wait()
      }
    },
  }
}
