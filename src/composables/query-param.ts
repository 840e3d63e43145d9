import type { RouteLocationNormalizedLoaded } from 'vue-router'

/** One query parameter as a string; repeated or missing parameters read as ''. */
export function queryParam(route: RouteLocationNormalizedLoaded, name: string): string {
  const value = route.query[name]
  return typeof value === 'string' ? value : ''
}
