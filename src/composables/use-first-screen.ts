// Work the first screen does not need waits until the screen is up: until a card is live, the list turned out
// empty or failed, or the visit did not start on the list — and never longer than FIRST_SCREEN_MAX_MS. On a slow
// line, messages, the command store's chunks, the device page's code and fresher product definitions otherwise
// share the bandwidth with the one thing the user is waiting for.
import { watch } from 'vue'
import { useDevicesStore } from '@/stores/devices'
import { useLiveStore } from '@/stores/live'

export const FIRST_SCREEN_MAX_MS = 4000

export function useAfterFirstScreen(task: () => void): void {
  const devices = useDevicesStore()
  const live = useLiveStore()
  let done = false
  const run = () => {
    if (done) return
    done = true
    stop()
    clearTimeout(timer)
    // After the frame that shows it: the screen is painted before anything else is asked for.
    requestAnimationFrame(() => setTimeout(task, 0))
  }
  const shown = () =>
    location.pathname !== '/' ||
    devices.status === 'error' ||
    (devices.status === 'ready' && devices.list.length === 0) ||
    Object.values(live.devices).some((device) => device.reported)
  const stop = watch(shown, (yes) => yes && run())
  const timer = setTimeout(run, FIRST_SCREEN_MAX_MS)
}
