// Issue 11 §1 and §5 in the page's own code: share links in both forms, what WeChat's menu is told on each kind
// of page, failures in plain words (never "HTTP 502"), and the connection banner's "connecting → give up → retry".
import { AxiosError, type InternalAxiosRequestConfig } from 'axios'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { nextTick } from 'vue'
import { ApiError, http, problemOf } from '@/api/http'
import ConnectionBanner from '@/components/device/ConnectionBanner.vue'
import { setLocale } from '@/i18n'
import { CONNECT_GIVE_UP_MS, CONNECT_NOTICE_MS } from '@/stores/freshness'
import { useLiveStore } from '@/stores/live'
import { useSessionStore } from '@/stores/session'
import { readQrContent, routeFor, shareCodeOf, shareLink } from '@/wechat/qr-content'
import { mountWithApp } from './mount'

// WeChat's menu calls, recorded by a stand-in for the JS-SDK adapter.
const wx = vi.hoisted(() => {
  const calls: Array<[string, unknown]> = []
  const api = (name: string) => (options: { success: () => void } & Record<string, unknown>) => {
    const { success, fail: _fail, ...args } = options
    calls.push([name, args])
    success()
  }
  return { calls, inWeChat: true, fake: { hideMenuItems: api('hideMenuItems'), showMenuItems: api('showMenuItems'), updateAppMessageShareData: api('updateAppMessageShareData') } }
})
vi.mock('@/wechat/jssdk', () => ({
  wechat: () => (wx.inWeChat ? Promise.resolve(wx.fake) : Promise.reject(new Error('not_in_wechat'))),
}))

const CODE = '60a6cacabe4046f4aa25ac1f79d81a4f'

describe('share links', () => {
  test('should put the cloud\'s code in a link to our accept page, whichever form it came in', () => {
    expect(shareLink(`type=share&code=${CODE}`, 'https://iot.example.com')).toBe(`https://iot.example.com/share?code=${CODE}`)
    expect(shareLink(CODE, 'https://iot.example.com')).toBe(`https://iot.example.com/share?code=${CODE}`)
  })

  test('should read our link and Gizwits\' text alike, in the scanner and on the accept page', () => {
    expect(readQrContent(`https://iot.example.com/share?code=${CODE}`)).toEqual({ kind: 'share', code: CODE })
    expect(readQrContent(`type=share&code=${CODE}`)).toEqual({ kind: 'share', code: CODE })
    expect(routeFor(readQrContent(`https://iot.example.com/share?code=${CODE}`)!)).toEqual({ path: '/share', query: { code: CODE } })
    expect(readQrContent('https://iot.example.com/share?code=<script>').kind).toBe('unknown')
    expect(shareCodeOf(CODE)).toBe(CODE)
    expect(shareCodeOf(`type=share&code=${CODE}`)).toBe(CODE)
    expect(shareCodeOf('not a code!')).toBeNull()
  })
})

describe('WeChat\'s share menu', () => {
  beforeEach(async () => {
    const menu = await import('@/wechat/share-menu')
    menu.resetShareMenu()
    wx.calls.length = 0
    wx.inWeChat = true
  })

  const card = { title: 'T', desc: 'D', link: 'https://iot.example.com/share?code=x', imgUrl: 'https://iot.example.com/share-icon.png' }

  test('should hide the share items on a private page once, and give the list the app back', async () => {
    const { hideShare, shareApp } = await import('@/wechat/share-menu')
    await shareApp(card)
    expect(wx.calls).toEqual([]) // on landing WeChat already shares the list as it should
    await hideShare()
    await hideShare()
    expect(wx.calls.map(([name]) => name)).toEqual(['hideMenuItems'])
    expect((wx.calls[0][1] as { menuList: string[] }).menuList).toContain('menuItem:share:appMessage')
    await shareApp(card)
    expect(wx.calls.slice(1).map(([name]) => name)).toEqual(['updateAppMessageShareData', 'showMenuItems'])
  })

  test('should offer a card for "send to friend" only, and fail outside WeChat so the page can say so', async () => {
    const { offerCard } = await import('@/wechat/share-menu')
    await offerCard(card)
    expect(wx.calls).toEqual([
      ['hideMenuItems', expect.anything()],
      ['updateAppMessageShareData', card],
      ['showMenuItems', { menuList: ['menuItem:share:appMessage'] }],
    ])
    wx.inWeChat = false
    await expect(offerCard(card)).rejects.toThrow()
  })
})

describe('failures in plain words', () => {
  const failWith = async (error: (config: InternalAxiosRequestConfig) => AxiosError): Promise<ApiError> => {
    try {
      await http.get('/x', { adapter: (config) => Promise.reject(error(config)) })
    } catch (caught) {
      expect(caught).toBeInstanceOf(ApiError)
      return caught as ApiError
    }
    throw new Error('the request did not fail')
  }
  const response = (config: InternalAxiosRequestConfig, status: number, data: unknown) => ({ status, statusText: '', headers: {}, config, data })

  afterEach(() => setLocale('zh-CN'))

  test('should explain a gateway\'s 502 page, a timeout and no network, in Chinese and in English', async () => {
    setLocale('zh-CN')
    const gateway = await failWith((config) => new AxiosError('bad', AxiosError.ERR_BAD_RESPONSE, config, null, response(config, 502, '<html>502 Bad Gateway</html>')))
    expect(gateway.message).toBe('服务暂时不可用，我们正在恢复。请稍后重试。')
    expect(gateway.message).not.toMatch(/HTTP|502/)
    const timeout = await failWith((config) => new AxiosError('timeout of 8000ms exceeded', AxiosError.ECONNABORTED, config))
    expect(timeout.message).toContain('服务器太久没有响应')
    expect(timeout.isNetwork).toBe(true)
    setLocale('en')
    const offline = await failWith((config) => new AxiosError('Network Error', AxiosError.ERR_NETWORK, config))
    expect(offline.message).toBe('You seem to be offline. Check your phone’s connection, then try again.')
  })

  test('should keep the BFF\'s own message when it gives one', async () => {
    const refused = await failWith((config) => new AxiosError('x', AxiosError.ERR_BAD_REQUEST, config, null, response(config, 403, { error_code: 'not_owner', error_message: 'x', message: '只有主人可以这样做' })))
    expect(refused.message).toBe('只有主人可以这样做')
  })

  test('should sort statuses into what a person can act on', () => {
    expect([0, 429, 401, 500, 502, 503, 504, 404].map((status) => problemOf(status))).toEqual(['offline', 'busy', 'session', 'server', 'unavailable', 'unavailable', 'unavailable', 'failed'])
    expect(problemOf(0, true)).toBe('timeout')
  })
})

describe('the connection banner', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  test('should say nothing at first, "正在连接…" after a moment, then give up with a retry, and vanish once the link opens', async () => {
    const wrapper = mountWithApp(ConnectionBanner)
    const session = useSessionStore()
    const live = useLiveStore()
    const resync = vi.spyOn(live, 'resync').mockImplementation(() => {})
    session.status = 'ready'
    await nextTick()
    expect(wrapper.find('[data-banner]').exists()).toBe(false)

    vi.advanceTimersByTime(CONNECT_NOTICE_MS)
    await nextTick()
    expect(wrapper.find('[data-banner="connecting"]').text()).toContain('正在连接…')

    vi.advanceTimersByTime(CONNECT_GIVE_UP_MS - CONNECT_NOTICE_MS)
    await nextTick()
    expect(wrapper.find('[data-banner="connect-failed"]').text()).toContain('连不上服务器')

    await wrapper.find('[data-banner-retry]').trigger('click')
    expect(resync).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-banner="connecting"]').exists()).toBe(true)

    live.opened()
    await nextTick()
    expect(wrapper.find('[data-banner]').exists()).toBe(false)
    vi.advanceTimersByTime(CONNECT_GIVE_UP_MS)
    await nextTick()
    expect(wrapper.find('[data-banner]').exists()).toBe(false)
  })
})
