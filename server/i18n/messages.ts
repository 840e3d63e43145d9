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
  command_not_sent: '没能及时发给设备，设备没有变化，请重试',
  ws_rate_limited: '操作太频繁，这次没有发出，请稍后再试',
  url_not_ours: '只能为本应用的页面签名',
  wechat_unavailable: '暂时连不上微信，请稍后再试',
  passcode_invalid: '二维码里的设备验证码不对，请确认扫的是这台设备上的二维码',
  qr_not_device: '设备云认不出这个二维码，它不是本产品的设备二维码',
  owner_exists: '这台设备已经有主人了。请让主人在设备页点“分享”，把设备分享给你',
  not_owner: '只有设备主人可以这样做',
  only_owner_can_share: '只有设备主人可以分享设备',
  share_to_self: '不能把设备分享给自己',
  guest_not_found: '找不到这个用户，请确认对方在“我的”页看到的用户 ID',
  guest_already_bound: '对方已经有这台设备了',
  sharing_not_found: '找不到这个分享邀请，它可能已被取消',
  sharing_waiting: '已经邀请过对方，正在等对方接受',
  sharing_expired: '分享邀请已过期，请让主人重新分享',
  sharing_closed: '这个分享邀请已经处理过了',
  sharing_cancelled: '这个分享已经取消了',
  owner_unbound: '主人已经解绑了这台设备，分享已失效',
  cannot_remove_self: '不能移除你自己',
  not_guest: '这是你自己分享出去的二维码，请让家人用他们的微信扫',
  not_receiver: '这条消息不是发给你的',
  message_not_found: '找不到这条消息',
  qr_share_not_revocable: '二维码分享无法收回（机智云的规定）。要让对方不能再用这台设备，请在“访客”里移除他',
  sharing_off: '这个产品没有开启设备分享',
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
  command_not_sent: 'Could not reach the device in time; nothing changed, please try again',
  ws_rate_limited: 'Too many actions at once; this one was not sent, please try again shortly',
  url_not_ours: 'Only pages of this app can be signed',
  wechat_unavailable: 'WeChat cannot be reached right now, please try again later',
  passcode_invalid: 'The device code in this QR is wrong; make sure you scanned the code on this device',
  qr_not_device: 'The device cloud does not recognise this QR code: it is not a device code of this product',
  owner_exists: 'This device already has an owner. Ask the owner to tap "Share" on the device page and share it with you',
  not_owner: 'Only the owner of the device can do this',
  only_owner_can_share: 'Only the owner of the device can share it',
  share_to_self: 'You cannot share a device with yourself',
  guest_not_found: 'No such user; check the user ID they see under "Me"',
  guest_already_bound: 'They already have this device',
  sharing_not_found: 'This invitation does not exist; it may have been cancelled',
  sharing_waiting: 'You already invited them; waiting for them to accept',
  sharing_expired: 'This invitation has expired; ask the owner to share again',
  sharing_closed: 'This invitation has already been answered',
  sharing_cancelled: 'This share has been cancelled',
  owner_unbound: 'The owner has unbound this device, so the share no longer works',
  cannot_remove_self: 'You cannot remove yourself',
  not_guest: 'This is your own share code; let your family scan it with their WeChat',
  not_receiver: 'This message is not yours',
  message_not_found: 'No such message',
  qr_share_not_revocable: 'A QR share cannot be taken back (a Gizwits rule). To stop them using the device, remove them under "Guests"',
  sharing_off: 'Sharing is not turned on for this product',
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
