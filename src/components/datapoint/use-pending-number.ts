// Numbers never drop a tap. Each tap moves a target the control shows at once; the value is sent once, when the
// user pauses, so five quick taps on + go up by five with one command whose lifecycle the row then shows. The
// control stays enabled while that command is in flight: a further tap starts a new target from the one shown.
import { computed, onBeforeUnmount, ref, type Ref } from 'vue'
import { snapNumber } from '@shared/datapoint'
import type { AttrItem } from '@shared/open-api'

/** How long the user must pause before the target is sent. */
export const PAUSE_MS = 700

export function usePendingNumber(attr: Ref<AttrItem>, shown: Ref<number>, send: (value: number) => void) {
  const target = ref<number | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  const value = computed(() => target.value ?? shown.value)

  function flush(): void {
    clearTimeout(timer)
    timer = undefined
    const next = target.value
    target.value = null
    if (next !== null && next !== shown.value) send(next)
  }

  /** Moves the target to `next` (snapped into range) and waits for a pause. */
  function aim(next: number): void {
    target.value = snapNumber(attr.value, next)
    clearTimeout(timer)
    timer = setTimeout(flush, PAUSE_MS)
  }

  // Leaving the page sends what the user last chose rather than losing it.
  onBeforeUnmount(flush)
  return { value, aim, flush, pending: computed(() => target.value !== null) }
}
