// The last known first screen, kept in localStorage: who was signed in, their devices, the product definitions
// their cards are drawn from, and the last values seen. A menu tap paints it at once (cards marked not live yet,
// values dimmed) while the page asks the BFF again and the socket's snapshot makes each card live; without it the
// user looked at a blank page for the length of me → bindings → datapoint → socket.
// It belongs to one user: a different user signing in on the same phone drops it (session.ts).
// The homes layout (rooms and who sits where) rides along, so the list is grouped from the first paint rather
// than flat until /api/homes answers and then regrouped under the user's thumb.
import type { Me } from '@shared/api'
import type { HomeView } from '@shared/homes'
import type { Attrs, BoundDevice, ProductDefinition } from '@shared/open-api'

const KEY = 'h5.first-screen.v1'
/** Saves are gathered: the live values change often, and the cache only needs the last of them. */
const SAVE_AFTER_MS = 1000

export interface FirstScreen {
  me: Me
  list: BoundDevice[]
  products: Record<string, ProductDefinition>
  attrs: Record<string, Attrs>
  /** Absent in a cache saved before homes existed, or before /api/homes first answered. */
  homes?: HomeView[]
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    // Storage can be refused (private mode, a WebView's settings): then there is simply nothing cached.
    return null
  }
}

export function readFirstScreen(): FirstScreen | null {
  try {
    const parsed = JSON.parse(storage()?.getItem(KEY) ?? 'null') as Partial<FirstScreen> | null
    if (!parsed?.me?.openid || !Array.isArray(parsed.list) || typeof parsed.products !== 'object' || typeof parsed.attrs !== 'object') return null
    // A layout that is not one is dropped, not the list: the list then shows flat until the homes answer.
    const homesOk = Array.isArray(parsed.homes) && parsed.homes.every((home) => Number.isInteger(home?.id) && Array.isArray(home.rooms) && Array.isArray(home.devices))
    if (!homesOk) delete parsed.homes
    return parsed as FirstScreen
  } catch {
    return null
  }
}

let pending: ReturnType<typeof setTimeout> | undefined
let latest: (() => FirstScreen | null) | null = null

/** Saves what `snapshot` returns a moment from now (once, however often it is called meanwhile). */
export function saveFirstScreenSoon(snapshot: () => FirstScreen | null): void {
  latest = snapshot
  pending ??= setTimeout(() => {
    pending = undefined
    const value = latest?.()
    try {
      if (value) storage()?.setItem(KEY, JSON.stringify(value))
    } catch {
      // Full or refused: the next visit starts from the network, as it did before this cache existed.
    }
  }, SAVE_AFTER_MS)
}

export function clearFirstScreen(): void {
  clearTimeout(pending)
  pending = undefined
  try {
    storage()?.removeItem(KEY)
  } catch {
    // Nothing to clear.
  }
}
