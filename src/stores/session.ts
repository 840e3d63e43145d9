// Who is logged in. No session → the BFF's silent WeChat login; anything else → the boot error screen.
import { defineStore } from 'pinia'
import type { Me } from '@shared/api'
import { ApiError } from '@/api/http'
import { fetchMe, goToLogin } from '@/api/me'

export const useSessionStore = defineStore('session', {
  state: () => ({
    me: null as Me | null,
    status: 'booting' as 'booting' | 'ready' | 'redirecting' | 'error',
    error: null as ApiError | null,
  }),
  actions: {
    /**
     * Asks WeChat for the user's nickname (snsapi_userinfo), coming back to `next`. Only ever on a tap: asked on
     * landing, WeChat would show its consent sheet or snapshot page before the app.
     */
    askNickname(next = `${location.pathname}${location.search}`): void {
      this.status = 'redirecting'
      goToLogin(next, { userinfo: true })
    },
    async boot(): Promise<void> {
      this.status = 'booting'
      try {
        this.me = await fetchMe()
        this.status = 'ready'
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          this.status = 'redirecting'
          goToLogin()
          return
        }
        this.error = error instanceof ApiError ? error : new ApiError(0, null)
        this.status = 'error'
      }
    },
  },
})
