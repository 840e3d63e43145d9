import type { Me } from '@shared/api'
import { http } from './http'

export async function fetchMe(): Promise<Me> {
  return (await http.get<Me>('/api/me')).data
}

/**
 * Leaves the SPA for the BFF's silent WeChat login, coming back to where the user was. In place of this page, not
 * after it: the login's own hops are redirects, so the user comes back to one history entry, and one back leaves.
 */
export function goToLogin(next = `${location.pathname}${location.search}`): void {
  location.replace(`/auth/wechat/login?next=${encodeURIComponent(next)}`)
}
