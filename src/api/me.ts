import type { Me } from '@shared/api'
import { http } from './http'

export async function fetchMe(): Promise<Me> {
  return (await http.get<Me>('/api/me')).data
}

/**
 * Leaves the SPA for the BFF's WeChat login, coming back to where the user was. Silent (snsapi_base) unless
 * `userinfo`: that asks WeChat for the nickname too, which only a user's tap may do. In place of this page, not
 * after it: the login's own hops are redirects, so the user comes back to one history entry, and one back leaves.
 */
export function goToLogin(next = `${location.pathname}${location.search}`, { userinfo = false } = {}): void {
  location.replace(`/auth/wechat/login?next=${encodeURIComponent(next)}${userinfo ? '&scope=userinfo' : ''}`)
}
