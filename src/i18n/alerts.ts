// Strings of the alerts banner, the alerts list and the alert settings, zh-CN first, merged into the catalogues by
// the lazy pieces that use them (they travel in those chunks; the first route does not grow, bench/bundle).
import { i18n } from '@/i18n'

export const alertsMessages = {
  'zh-CN': {
    heading: '设备提醒',
    recovered: '已恢复',
    markAll: '全部已读',
    more: '更多',
    failed: '提醒没有加载出来：{reason}',
    channel: { wechat: '已发到微信', app: '仅在应用内', waiting: '等待发送' },
    open: '查看设备',
    close: '关闭',
    settingsTitle: '提醒设置',
    receive: '接收提醒',
    receiveHint: '关闭后，这台设备的提醒不再发给你（其他人不受影响）',
    quiet: '免打扰时段',
    quietHint: '这段时间里只有“紧急”提醒会发到微信，其余只留在应用里',
    quietSaved: '已保存',
    op: { below: '低于', above: '高于', outside: '超出范围', equal: '等于' },
    on: '开',
    off: '关',
    to: '到',
    hold: '持续（秒）',
    cooldown: '两次提醒至少间隔（分钟）',
    critical: '紧急（免打扰时段也发微信）',
    rangeInvalid: '范围的上限要大于下限',
  },
  en: {
    heading: 'Device alerts',
    recovered: 'Recovered',
    markAll: 'Mark all read',
    more: 'More',
    failed: 'Alerts did not load: {reason}',
    channel: { wechat: 'Sent to WeChat', app: 'In the app only', waiting: 'Waiting to send' },
    open: 'Open device',
    close: 'Close',
    settingsTitle: 'Alert settings',
    receive: 'Receive alerts',
    receiveHint: 'When off, this device\'s alerts are no longer sent to you (others still get them)',
    quiet: 'Quiet hours',
    quietHint: 'During these hours only critical alerts go to WeChat; the rest stay in the app',
    quietSaved: 'Saved',
    op: { below: 'below', above: 'above', outside: 'outside', equal: 'equal to' },
    on: 'on',
    off: 'off',
    to: 'to',
    hold: 'Lasting (seconds)',
    cooldown: 'At least (minutes) between alerts',
    critical: 'Critical (WeChat even in quiet hours)',
    rangeInvalid: 'The top of the range must be above its bottom',
  },
}

let merged = false
/** Adds these strings to the catalogues once, from whichever lazy piece loads first. */
export function useAlertsMessages(): void {
  if (merged) return
  merged = true
  for (const [locale, messages] of Object.entries(alertsMessages)) i18n.global.mergeLocaleMessage(locale, { alerts: messages })
}
