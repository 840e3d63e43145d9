// The pieces of issue 11 §3–4 that live in the SPA alone: "<" through history or in place, dark mode following
// the phone, and the last visit's first screen kept for one user and refused when it is not what was stored.
import { beforeEach, describe, expect, test } from 'vitest'
import { createRouter, createWebHistory } from 'vue-router'
import { followColorScheme } from '@/color-scheme'
import { goBack } from '@/composables/go-back'
import { clearFirstScreen, readFirstScreen, saveFirstScreenSoon, type FirstScreen } from '@/stores/first-screen-cache'

/** A router on the window's own history (the memory history keeps no back/forward), as on a fresh landing. */
function appRouter() {
  const page = { render: () => null }
  history.replaceState(null, '', '/landing')
  return createRouter({ history: createWebHistory(), routes: [{ path: '/', component: page }, { path: '/landing', component: page }, { path: '/devices/:did', component: page }] })
}

describe('goBack', () => {
  test('should replace the page with its parent when nothing of ours is behind it (a deep link)', async () => {
    const router = appRouter()
    await router.replace('/devices/a')
    await goBack(router, '/')
    expect(router.currentRoute.value.path).toBe('/')
    // Replaced, not pushed: there is still nothing behind.
    expect(router.options.history.state.back).toBeNull()
  })

  test('should go back through history when the user came from a page of ours', async () => {
    const router = appRouter()
    await router.push('/')
    await router.push('/devices/a')
    const arrived = new Promise((resolve) => router.afterEach(resolve))
    await goBack(router, '/')
    await arrived
    expect(router.currentRoute.value.path).toBe('/')
    expect(router.options.history.state.forward).toBe('/devices/a')
  })
})

describe('followColorScheme', () => {
  test('should put Vant\'s dark class on the root while the phone is dark, and follow changes', () => {
    const root = document.createElement('html')
    let listener: ((event: { matches: boolean }) => void) | undefined
    const media = { matches: true, addEventListener: (_: string, fn: (event: { matches: boolean }) => void) => (listener = fn) }
    followColorScheme(root, media as unknown as MediaQueryList)
    expect(root.classList.contains('van-theme-dark')).toBe(true)
    listener!({ matches: false })
    expect(root.classList.contains('van-theme-dark')).toBe(false)
  })
})

describe('the first-screen cache', () => {
  const screen: FirstScreen = { me: { openid: 'o1', uid: 'u1', nickname: null }, list: [], products: {}, attrs: {} }
  beforeEach(() => clearFirstScreen())

  test('should give back what was saved, once the save has run', async () => {
    expect(readFirstScreen()).toBeNull()
    saveFirstScreenSoon(() => ({ ...screen, me: { ...screen.me, uid: 'first' } }))
    saveFirstScreenSoon(() => screen)
    await expect.poll(() => readFirstScreen(), { timeout: 3000 }).toEqual(screen)
  })

  test('should keep the homes layout with the list, and drop a layout that is not one without dropping the list', async () => {
    const homes = [{ id: 1, name: '我的家', role: 'owner' as const, rooms: [{ id: 2, name: '书房' }], devices: [{ did: 'd1', room_id: 2 }] }]
    saveFirstScreenSoon(() => ({ ...screen, homes }))
    await expect.poll(() => readFirstScreen(), { timeout: 3000 }).toEqual({ ...screen, homes })
    for (const broken of [{}, [{ id: 'x', rooms: [], devices: [] }], [{ id: 1, rooms: null, devices: [] }], [null]]) {
      localStorage.setItem('h5.first-screen.v1', JSON.stringify({ ...screen, homes: broken }))
      expect(readFirstScreen(), JSON.stringify(broken)).toEqual(screen)
    }
  })

  test('should refuse what is not a first screen', () => {
    for (const stored of ['not json', '{"me":{}}', JSON.stringify({ ...screen, list: 'x' }), 'null']) {
      localStorage.setItem('h5.first-screen.v1', stored)
      expect(readFirstScreen(), stored).toBeNull()
    }
  })
})
