import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'

// A stand-in for weixin-js-sdk: records config, and lets each test decide how WeChat answers.
const fake = vi.hoisted(() => {
  const state = {
    configs: [] as Array<Record<string, unknown>>,
    answer: 'ready' as 'ready' | 'error' | 'silent',
    supported: true,
    wifi: 'configWXDeviceWiFi:ok',
    lan: [] as Array<{ deviceId: string }>,
  }
  const listeners: Record<string, (result: unknown) => void> = {}
  const wx = {
    config: (config: Record<string, unknown>) => state.configs.push(config),
    ready: (fn: () => void) => state.answer === 'ready' && queueMicrotask(fn),
    error: (fn: (error: { errMsg: string }) => void) => state.answer === 'error' && queueMicrotask(() => fn({ errMsg: 'config:invalid signature' })),
    checkJsApi: ({ jsApiList, success }: { jsApiList: string[]; success: (r: { checkResult: Record<string, boolean> }) => void }) =>
      success({ checkResult: Object.fromEntries(jsApiList.map((name) => [name, state.supported])) }),
    getNetworkType: ({ success }: { success: (r: { networkType: string }) => void }) => success({ networkType: 'wifi' }),
    scanQRCode: ({ success }: { success: (r: { resultStr: string }) => void }) => success({ resultStr: 'http://www.gizwits.com?product_key=p&did=d&passcode=c' }),
    invoke: (name: string, _args: object, callback: (r: { err_msg: string }) => void) => {
      if (name === 'configWXDeviceWiFi') return callback({ err_msg: state.wifi })
      callback({ err_msg: `${name}:ok` })
      if (name === 'startScanWXDevice') listeners.onScanWXDeviceResult?.({ devices: state.lan })
    },
    on: (name: string, listener: (result: unknown) => void) => (listeners[name] = listener),
  }
  return { state, wx }
})

vi.mock('weixin-js-sdk', () => ({ default: fake.wx }))
vi.mock('@/api/http', () => ({
  http: { get: async (_url: string, options: { params: { url: string } }) => ({ data: { appId: 'wx1', timestamp: 1, nonceStr: 'n', signature: `signed:${options.params.url}` } }) },
}))

const WECHAT_UA = 'Mozilla/5.0 (Linux; Android 13) Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0.50'

async function load() {
  vi.resetModules()
  return import('@/wechat/jssdk')
}

describe('the WeChat adapter', () => {
  beforeEach(() => {
    Object.defineProperty(navigator, 'userAgent', { value: WECHAT_UA, configurable: true })
    fake.state.configs = []
    fake.state.answer = 'ready'
    fake.state.supported = true
  })
  afterEach(() => vi.useRealTimers())

  test('should refuse at once outside WeChat', async () => {
    Object.defineProperty(navigator, 'userAgent', { value: 'Mozilla/5.0 Chrome/120', configurable: true })
    const { wechat } = await load()
    await expect(wechat()).rejects.toMatchObject({ kind: 'not_in_wechat' })
  })

  test('should sign the current page once, and again after the URL changes (Android)', async () => {
    const { wechat } = await load()
    await wechat()
    await wechat()
    expect(fake.state.configs).toHaveLength(1)
    expect(fake.state.configs[0]).toMatchObject({ appId: 'wx1', signature: `signed:${location.href.split('#')[0]}` })
    history.pushState({}, '', '/scan?x=1')
    await wechat()
    expect(fake.state.configs).toHaveLength(2)
    expect(fake.state.configs[1].signature).toBe(`signed:${location.origin}/scan?x=1`)
  })

  test('should turn a rejected signature into a failure the page explains', async () => {
    fake.state.answer = 'error'
    const { wechat } = await load()
    await expect(wechat()).rejects.toMatchObject({ kind: 'signature', errMsg: 'config:invalid signature' })
  })

  test('should give up after a while when WeChat never answers', async () => {
    vi.useFakeTimers()
    fake.state.answer = 'silent'
    const { wechat } = await load()
    const pending = expect(wechat()).rejects.toMatchObject({ kind: 'timeout' })
    await vi.advanceTimersByTimeAsync(9000)
    await pending
  })

  test('should scan only when the client says it can', async () => {
    const { scanQRCode } = await load()
    expect(await scanQRCode()).toContain('did=d')
    fake.state.supported = false
    const again = await load()
    await expect(again.scanQRCode()).rejects.toMatchObject({ kind: 'unsupported' })
  })

  test('should report AirKiss failures and collect LAN devices', async () => {
    const { configureDeviceWiFi, discoverLanDevices, networkType } = await load()
    expect(await networkType()).toBe('wifi')
    await configureDeviceWiFi()
    fake.state.wifi = 'configWXDeviceWiFi:cancel'
    await expect(configureDeviceWiFi()).rejects.toMatchObject({ kind: 'cancelled' })
    fake.state.lan = [{ deviceId: 'accf2350d449' }]
    expect(await discoverLanDevices(10)).toEqual([{ deviceId: 'accf2350d449' }])
  })
})
