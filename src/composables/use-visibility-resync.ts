// WeChat backgrounds H5 pages all the time; coming back must show the truth, not what was on screen before.
import { onBeforeUnmount, onMounted } from 'vue'

export function useVisibilityResync(resync: () => void): void {
  const onChange = () => {
    if (document.visibilityState === 'visible') resync()
  }
  onMounted(() => document.addEventListener('visibilitychange', onChange))
  onBeforeUnmount(() => document.removeEventListener('visibilitychange', onChange))
}
