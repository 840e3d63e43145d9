// What the BFF says to users, in zh-CN (default) and English. Keys are stable; parameters are {name}.
import type { Locale } from '@shared/api'

const zhCN = {
  not_logged_in: '请先登录',
  session_expired: '登录已过期，请重新进入',
  device_not_found: '找不到这台设备，或者它不在你的设备列表里',
  product_not_allowed: '不支持这个产品',
  attr_unknown: '设备没有“{name}”这个数据点',
  attr_not_writable: '“{name}”是只读的，不能设置',
  attr_type_bool: '“{name}”只能是开或关',
  attr_type_enum: '“{name}”只能从选项中选择',
  attr_type_number: '“{name}”必须是数字',
  attr_type_binary: '“{name}”必须是十六进制数据',
  attr_enum: '“{name}”只能是：{allowed}',
  attr_range: '“{name}”必须在 {min} 到 {max} 之间',
  attr_step: '“{name}”必须是 {min} 起每 {step} 一档',
  attr_binary_length: '“{name}”必须是 {bytes} 字节',
  bad_request: '请求有误：{detail}',
  device_offline: '设备离线，暂时无法控制',
  cloud_unavailable: '暂时连不上设备云，请稍后再试',
  cloud_rejected: '设备云拒绝了这个操作（{code}）',
  send_failed: '命令发送失败，请重试',
  throttled: '操作太频繁，请稍后再试',
  server_error: '服务器出了点问题，请稍后再试',
  oauth_state: '登录已失效，请重新进入',
  oauth_code: '微信登录凭证已失效，请重新进入',
  oauth_failed: '微信登录失败，请重新进入',
  try_again: '重新进入',
  login_failed_title: '登录失败',
  bad_frame: '无法识别的消息',
  not_bound: '你没有绑定这台设备',
  url_not_ours: '只能为本应用的页面签名',
  wechat_unavailable: '暂时连不上微信，请稍后再试',
} as const

export type MessageKey = keyof typeof zhCN

const en: Record<MessageKey, string> = {
  not_logged_in: 'Please log in first',
  session_expired: 'Your login has expired, please open the app again',
  device_not_found: 'This device does not exist or is not in your device list',
  product_not_allowed: 'This product is not supported',
  attr_unknown: 'The device has no datapoint "{name}"',
  attr_not_writable: '"{name}" is read-only',
  attr_type_bool: '"{name}" can only be on or off',
  attr_type_enum: '"{name}" must be one of its options',
  attr_type_number: '"{name}" must be a number',
  attr_type_binary: '"{name}" must be hex data',
  attr_enum: '"{name}" must be one of: {allowed}',
  attr_range: '"{name}" must be between {min} and {max}',
  attr_step: '"{name}" must go in steps of {step} from {min}',
  attr_binary_length: '"{name}" must be {bytes} bytes',
  bad_request: 'Bad request: {detail}',
  device_offline: 'The device is offline and cannot be controlled right now',
  cloud_unavailable: 'The device cloud cannot be reached, please try again later',
  cloud_rejected: 'The device cloud refused this ({code})',
  send_failed: 'The command could not be sent, please try again',
  throttled: 'Too many requests, please wait a moment',
  server_error: 'Something went wrong on our side, please try again later',
  oauth_state: 'This login link has expired, please open the app again',
  oauth_code: 'The WeChat login code has expired, please open the app again',
  oauth_failed: 'WeChat login failed, please open the app again',
  try_again: 'Open again',
  login_failed_title: 'Login failed',
  bad_frame: 'Unrecognised message',
  not_bound: 'You have not bound this device',
  url_not_ours: 'Only pages of this app can be signed',
  wechat_unavailable: 'WeChat cannot be reached right now, please try again later',
}

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en }

/** zh-CN unless the request prefers English (Accept-Language, first matching tag wins). */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0].trim().toLowerCase()
    if (tag.startsWith('zh')) return 'zh-CN'
    if (tag.startsWith('en')) return 'en'
  }
  return 'zh-CN'
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogs[locale][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`))
}
