// The in-app "<" as a native app's back: the previous page when this visit has one (the system back then leaves
// the same stack), else the page's parent in place of this one. Pushing the parent instead made a loop (back from
// the list returned to the device page) and left a deep link's visitor three backs from leaving WeChat's page.
import type { Router } from 'vue-router'

/** True when the page before this one in the browser's history is one of ours (vue-router records it). */
export function hasInAppHistory(router: Router): boolean {
  return typeof router.options.history.state.back === 'string'
}

export function goBack(router: Router, parent: string): Promise<unknown> {
  if (hasInAppHistory(router)) {
    router.back()
    return Promise.resolve()
  }
  return router.replace(parent)
}
