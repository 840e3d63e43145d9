import type { Me } from '@shared/api'
import { http } from './http'

export async function fetchMe(): Promise<Me> {
  return (await http.get<Me>('/api/me')).data
}

/** Leaves the SPA for the BFF's silent WeChat login, coming back to where the user was. */
export function goToLogin(next = `${location.pathname}${location.search}`): void {
  location.assign(`/auth/wechat/login?next=${encodeURIComponent(next)}`)
}
