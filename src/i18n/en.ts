import type zhCN from './zh-CN'

type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> }

const en: Messages<typeof zhCN> = {
  app: { title: 'My devices', language: '中文' },
  boot: {
    loading: 'Opening…',
    failed: 'Could not load',
    failedHint: 'The network seems to be down. Check it and try again.',
    retry: 'Retry',
  },
  list: {
    empty: 'No devices yet',
    emptyHint: 'Scan the QR code on a device, or tap "Add device" in the account menu, and it will show up here.',
    pullToRefresh: 'Pull to refresh',
    loosing: 'Release to refresh',
    refreshing: 'Refreshing…',
    loadFailed: 'Could not load your devices',
    alarms: '{n} alarms',
  },
  device: {
    online: 'Online',
    offline: 'Offline',
    unknown: 'Connecting',
    on: 'On',
    off: 'Off',
    yes: 'Yes',
    no: 'No',
    noValue: '—',
    offlineReason: 'The device is offline and cannot be controlled right now',
    groups: { controls: 'Controls', sensors: 'Status', alerts: 'Alarms and faults', diagnostics: 'Diagnostics' },
    role: { special: 'Owner', owner: 'Owner', guest: 'Guest', normal: 'Member' },
    notFound: 'Device not found',
    notFoundHint: 'It may have been unbound, or it is not in your device list.',
    back: 'Back to my devices',
    loadFailed: 'Could not load this device',
    alert: 'Alarm',
    fault: 'Fault',
    noAlarms: 'All clear',
    choose: 'Choose',
    cancel: 'Cancel',
  },
  command: {
    sending: 'Sending',
    sent: 'Waiting for the device',
    confirmed: 'Confirmed',
    failed: 'Not applied',
    timeout: 'The device did not respond; the old value is back',
    rejected: 'Failed: {msg}',
  },
  scan: {
    title: 'Scan',
    entry: 'Scan',
    scanning: 'Scanning…',
    again: 'Scan',
    result: 'Result',
    device: 'This is the QR code of device {did}.',
    share: 'This is a device sharing invitation.',
    unknown: 'This is not a device QR code: {text}',
    typeInstead: 'Cannot scan? Type what is printed under the code',
    typePlaceholder: 'e.g. http://www.gizwits.com?product_key=…',
    confirm: 'OK',
  },
  wechat: {
    openTitle: 'Open this in WeChat',
    openHint: 'Scanning and Wi-Fi setup need WeChat. Scan this code with WeChat to go on there.',
    failure: {
      not_in_wechat: 'Please open this page in WeChat',
      signature: 'WeChat could not verify this page; close it and open it again from the account menu',
      permission: 'WeChat did not allow this; open the page again from the account menu',
      unsupported: 'Your WeChat cannot do this; update WeChat, or type the code below',
      timeout: 'WeChat did not respond, please try again',
      cancelled: 'Cancelled',
      failed: 'That did not work, please try again',
    },
  },
  connection: {
    appDown: 'Connection lost, reconnecting…',
    cloudDown: 'Device cloud unreachable, recovering…',
  },
}

export default en
