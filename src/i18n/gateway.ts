// Strings of the gateway panel (sub-devices, pairing) and the firmware panel, zh-CN first, merged into the
// catalogues by those lazy panels (they travel in their chunks; the first route does not grow, bench/bundle).
import { i18n } from '@/i18n'

export const gatewayMessages = {
  'zh-CN': {
    subDevices: '子设备',
    none: '还没有子设备',
    add: '添加子设备',
    pairingOpen: '网关正在等待子设备接入，请按住子设备上的配对键',
    pairingLeft: '剩余 {time}',
    pairingClosed: '配对已结束',
    stop: '结束配对',
    joined: '发现新设备：{name}',
    nameIt: '给它起个名字',
    namePlaceholder: '例如：大门门磁',
    roomHook: '房间',
    save: '保存',
    saved: '已保存',
    remove: '移除',
    removeConfirm: '从网关移除“{name}”？移除后所有人都看不到它，需要重新配对才能再用',
    removed: '已移除',
    offline: '离线',
    ownerOnly: '只有网关的主人可以添加或移除子设备',
    firmware: '固件',
    wifiVersion: 'Wi-Fi 模组',
    mcuVersion: '设备主控（MCU）',
    newVersion: '新版本 {version}',
    forced: '重要更新',
    notes: '更新内容',
    update: '升级',
    updateConfirm: '升级到 {version}？升级中设备会重启，约需一分钟，期间无法控制',
    upToDate: '已是最新版本',
    guestNote: '只有设备主人可以升级固件',
    state: { downloading: '正在下载 {progress}%', installing: '正在安装', rebooting: '正在重启', done: '升级完成，当前版本 {version}', failed: '升级失败：{reason}' },
    reason: { download_failed: '固件下载失败', verify_failed: '固件校验失败', upgrade_failed: '设备安装失败', device_offline: '设备在升级中离线了，固件没有更换' },
    retry: '重试',
    forcedStarted: '这是厂家标为重要的更新，已自动开始',
  },
  en: {
    subDevices: 'Sub-devices',
    none: 'No sub-devices yet',
    add: 'Add sub-device',
    pairingOpen: 'The gateway is waiting: press and hold the pairing button on the sub-device',
    pairingLeft: '{time} left',
    pairingClosed: 'Pairing has ended',
    stop: 'Stop pairing',
    joined: 'New device found: {name}',
    nameIt: 'Give it a name',
    namePlaceholder: 'e.g. Front door sensor',
    roomHook: 'Room',
    save: 'Save',
    saved: 'Saved',
    remove: 'Remove',
    removeConfirm: 'Remove "{name}" from the gateway? Nobody will see it any more; it must be paired again to be used',
    removed: 'Removed',
    offline: 'Offline',
    ownerOnly: 'Only the gateway\'s owner can add or remove sub-devices',
    firmware: 'Firmware',
    wifiVersion: 'Wi-Fi module',
    mcuVersion: 'Device controller (MCU)',
    newVersion: 'New version {version}',
    forced: 'Important update',
    notes: 'What\'s new',
    update: 'Update',
    updateConfirm: 'Update to {version}? The device restarts during the update (about a minute) and cannot be controlled meanwhile',
    upToDate: 'Up to date',
    guestNote: 'Only the device\'s owner can update its firmware',
    state: { downloading: 'Downloading {progress}%', installing: 'Installing', rebooting: 'Restarting', done: 'Updated: now on {version}', failed: 'Update failed: {reason}' },
    reason: { download_failed: 'the firmware could not be downloaded', verify_failed: 'the firmware failed its check', upgrade_failed: 'the device could not install it', device_offline: 'the device went offline during the update; its firmware was not changed' },
    retry: 'Retry',
    forcedStarted: 'The maker marked this update as important; it started by itself',
  },
}

let merged = false

export function useGatewayMessages(): void {
  if (merged) return
  merged = true
  for (const [locale, messages] of Object.entries(gatewayMessages)) i18n.global.mergeLocaleMessage(locale, { gateway: messages })
}
