// What a routed page reads from its URL: one query parameter as a plain string, the same way on every page.
import type { RouteLocationNormalizedLoaded } from 'vue-router'

/** One query parameter as a string; repeated or missing parameters read as ''. */
export function queryParam(route: RouteLocationNormalizedLoaded, name: string): string {
  const value = route.query[name]
  return typeof value === 'string' ? value : ''
}
