// Who is logged in. No session → the BFF's silent WeChat login; anything else → the boot error screen.
// The first screen does not wait for the answer: the last visit's list (stores/first-screen-cache.ts) is painted
// at once, and the list is asked for beside "who am I", not after it.
import { defineStore } from 'pinia'
import type { Me } from '@shared/api'
import { ApiError } from '@/api/http'
import { fetchMe, goToLogin } from '@/api/me'
import { useDevicesStore } from './devices'
import { clearFirstScreen, readFirstScreen, saveFirstScreenSoon, type FirstScreen } from './first-screen-cache'
import { useHomesStore } from './homes'
import { useLiveStore } from './live'

export const useSessionStore = defineStore('session', {
  state: () => ({
    me: null as Me | null,
    status: 'booting' as 'booting' | 'ready' | 'redirecting' | 'error',
    error: null as ApiError | null,
    /** Product keys whose definitions came from the cache, to be asked for again once the screen is up. */
    cachedProducts: [] as string[],
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
      const devices = useDevicesStore()
      const live = useLiveStore()
      const first = this.me === null && this.status === 'booting'
      if (first) this.paintLastVisit()
      else this.status = 'booting'
      // The list and the live socket are what the first screen needs: both start now, in parallel with /api/me
      // (a 401 there wins anyway, and the socket is refused without a session just the same).
      if (devices.status !== 'ready') void devices.load()
      live.connect()
      try {
        const me = await fetchMe()
        if (this.me && this.me.openid !== me.openid) this.forgetLastVisit()
        this.me = me
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
      if (first) {
        const save = () => saveFirstScreenSoon(() => this.lastVisit())
        devices.$subscribe(save)
        live.$subscribe(save)
        useHomesStore().$subscribe(save)
      }
    },
    /** The cached screen into the stores, shown as ready while /api/me confirms who this is. */
    paintLastVisit(): void {
      const cached = readFirstScreen()
      if (!cached) return
      const devices = useDevicesStore()
      const live = useLiveStore()
      devices.list = cached.list
      devices.products = cached.products
      for (const device of cached.list) live.applyLatest(device.did, cached.attrs[device.did] ?? {})
      // Shown as it was; still 'idle', so the list's load asks the BFF again.
      if (cached.homes) useHomesStore().homes = cached.homes
      this.cachedProducts = Object.keys(cached.products)
      this.me = cached.me
      this.status = 'ready'
    },
    /** Another user on this phone: nothing of the previous one stays on screen or in storage. */
    forgetLastVisit(): void {
      clearFirstScreen()
      const devices = useDevicesStore()
      const live = useLiveStore()
      devices.list = []
      devices.products = {}
      live.devices = {}
      useHomesStore().homes = []
      this.cachedProducts = []
      void devices.load()
    },
    lastVisit(): FirstScreen | null {
      const devices = useDevicesStore()
      const live = useLiveStore()
      if (!this.me || devices.status !== 'ready') return null
      const attrs = Object.fromEntries(devices.list.map((device) => [device.did, live.devices[device.did]?.attrs ?? {}]))
      const homes = useHomesStore()
      return { me: this.me, list: devices.list, products: devices.products, attrs, ...(homes.homes.length > 0 ? { homes: homes.homes } : {}) }
    },
  },
})
