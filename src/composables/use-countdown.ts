// A live countdown to an expiry (ms since epoch), ticking each second while the component is mounted.
import { computed, onBeforeUnmount, onMounted, ref } from 'vue'

export function useCountdown(expiresAt: () => number | null) {
  const now = ref(Date.now())
  let ticker: ReturnType<typeof setInterval> | undefined
  onMounted(() => (ticker = setInterval(() => (now.value = Date.now()), 1000)))
  onBeforeUnmount(() => clearInterval(ticker))
  const secondsLeft = computed(() => {
    const end = expiresAt()
    return end === null ? 0 : Math.max(0, Math.round((end - now.value) / 1000))
  })
  const text = computed(() => `${String(Math.floor(secondsLeft.value / 60)).padStart(2, '0')}:${String(secondsLeft.value % 60).padStart(2, '0')}`)
  return { now, secondsLeft, text }
}
