// The one adapter around weixin-js-sdk: signs with the BFF, waits for wx.ready with a timeout (outside WeChat the
// callbacks never fire), checks each API before using it, and turns WeChat's errMsg into kinds the UI explains.
import { http } from '@/api/http'
import { isInWeChat, urlToSign } from './environment'

export type WeChatFailure = 'not_in_wechat' | 'signature' | 'permission' | 'unsupported' | 'timeout' | 'cancelled' | 'failed'

export class WeChatError extends Error {
  constructor(readonly kind: WeChatFailure, readonly errMsg = '') {
    super(`${kind}${errMsg ? `: ${errMsg}` : ''}`)
  }
}

const JS_API_LIST = ['checkJsApi', 'scanQRCode', 'getNetworkType', 'closeWindow', 'configWXDeviceWiFi', 'openWXDeviceLib', 'startScanWXDevice', 'stopScanWXDevice', 'onScanWXDeviceResult', 'closeWXDeviceLib', 'updateAppMessageShareData', 'hideMenuItems', 'showMenuItems'] as const
const READY_TIMEOUT_MS = 8000

interface JssdkConfig { appId: string; timestamp: number; nonceStr: string; signature: string }
type Wx = typeof import('weixin-js-sdk').default

let configured: { url: string; ready: Promise<Wx> } | null = null

export function kindOf(errMsg: string): WeChatFailure {
  if (/invalid signature|invalid url domain/i.test(errMsg)) return 'signature'
  if (/permission denied|offline verifying|access denied/i.test(errMsg)) return 'permission'
  if (/function not exist|function_not_exist/i.test(errMsg)) return 'unsupported'
  if (/cancel/i.test(errMsg)) return 'cancelled'
  return 'failed'
}

/** wx, configured for the current page. Android checks the current URL, so a new route signs again. */
export function wechat(): Promise<Wx> {
  if (!isInWeChat()) return Promise.reject(new WeChatError('not_in_wechat'))
  const url = urlToSign()
  if (configured?.url === url) return configured.ready
  const ready = (async () => {
    const [{ default: wx }, { data }] = await Promise.all([
      import('weixin-js-sdk'),
      http.get<JssdkConfig>('/api/wechat/jssdk-config', { params: { url } }),
    ])
    return new Promise<Wx>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WeChatError('timeout')), READY_TIMEOUT_MS)
      wx.config({ debug: false, ...data, jsApiList: [...JS_API_LIST] } as Parameters<Wx['config']>[0])
      wx.ready(() => {
        clearTimeout(timer)
        resolve(wx)
      })
      wx.error((error) => {
        clearTimeout(timer)
        const kind = kindOf(error.errMsg)
        // WeChat may have replaced the ticket the BFF signed with: have it fetch a new one for the next attempt.
        if (kind === 'signature') void http.get('/api/wechat/jssdk-config', { params: { url, refresh: 1 } }).catch(() => undefined)
        reject(new WeChatError(kind, error.errMsg))
      })
    })
  })()
  configured = { url, ready }
  ready.catch(() => {
    if (configured?.ready === ready) configured = null
  })
  return ready
}

async function supports(wx: Wx, api: (typeof JS_API_LIST)[number]): Promise<boolean> {
  return new Promise((resolve) => {
    wx.checkJsApi({
      jsApiList: [api],
      success: (result: { checkResult: Record<string, boolean> }) => resolve(Boolean(result.checkResult?.[api])),
      fail: () => resolve(false),
    } as Parameters<Wx['checkJsApi']>[0])
  })
}

/** WeChat's scanner; resolves with the text of the code. */
export async function scanQRCode(): Promise<string> {
  const wx = await wechat()
  if (!(await supports(wx, 'scanQRCode'))) throw new WeChatError('unsupported', 'scanQRCode')
  return new Promise((resolve, reject) => {
    wx.scanQRCode({
      needResult: 1,
      scanType: ['qrCode'],
      success: (result) => resolve(result.resultStr),
      cancel: () => reject(new WeChatError('cancelled')),
      fail: (error: { errMsg: string }) => reject(new WeChatError(kindOf(error.errMsg), error.errMsg)),
    } as Parameters<Wx['scanQRCode']>[0])
  })
}

/** 'wifi', '4g', … — AirKiss needs the phone on the Wi-Fi the device should join. */
export async function networkType(): Promise<string> {
  const wx = await wechat()
  return new Promise((resolve, reject) => {
    wx.getNetworkType({
      success: (result: { networkType: string }) => resolve(result.networkType),
      fail: (error: { errMsg: string }) => reject(new WeChatError(kindOf(error.errMsg), error.errMsg)),
    } as Parameters<Wx['getNetworkType']>[0])
  })
}

export async function closeWindow(): Promise<void> {
  ;(await wechat()).closeWindow()
}

interface BridgeCalls {
  invoke: (name: string, args: object, callback: (result: { err_msg?: string; errMsg?: string }) => void) => void
  on: (name: string, listener: (result: { devices?: LanDevice[] }) => void) => void
}

/** One answer to WeChat's LAN discovery; our devices' payload is read by lan-announcement.ts. */
export interface LanDevice { deviceId: string; base64Data?: string }

const messageOf = (result: { err_msg?: string; errMsg?: string }) => result.errMsg ?? result.err_msg ?? ''

/** Whether AirKiss can run here: inside WeChat, with the page signed and configWXDeviceWiFi in this client. */
export async function canConfigureWiFi(): Promise<boolean> {
  try {
    return await supports(await wechat(), 'configWXDeviceWiFi')
  } catch {
    return false
  }
}

/** WeChat's AirKiss sheet: the user gives the Wi-Fi the device in pairing mode should join. */
export async function configureDeviceWiFi(): Promise<void> {
  const wx = await wechat()
  if (!(await supports(wx, 'configWXDeviceWiFi'))) throw new WeChatError('unsupported', 'configWXDeviceWiFi')
  const bridge = wx as unknown as BridgeCalls
  return new Promise((resolve, reject) => {
    bridge.invoke('configWXDeviceWiFi', {}, (result) => {
      const message = messageOf(result)
      if (/:ok$/.test(message)) resolve()
      else reject(new WeChatError(kindOf(message), message))
    })
  })
}

/** Devices answering on the phone's Wi-Fi (WeChat's LAN discovery), collected for `windowMs`. */
export async function discoverLanDevices(windowMs = 5000): Promise<LanDevice[]> {
  const wx = await wechat()
  const bridge = wx as unknown as BridgeCalls
  const found = new Map<string, LanDevice>()
  bridge.on('onScanWXDeviceResult', (result) => {
    for (const device of result.devices ?? []) found.set(device.deviceId, device)
  })
  await new Promise<void>((resolve, reject) =>
    bridge.invoke('openWXDeviceLib', { connType: 'lan' }, (result) => (/:ok$/.test(messageOf(result)) ? resolve() : reject(new WeChatError(kindOf(messageOf(result)), messageOf(result))))),
  )
  bridge.invoke('startScanWXDevice', { connType: 'lan' }, () => {})
  await new Promise((resolve) => setTimeout(resolve, windowMs))
  bridge.invoke('stopScanWXDevice', { connType: 'lan' }, () => {})
  return [...found.values()]
}
