// Strings of the room picker (a new sub-device's room in the gateway panel, "房间：客厅 ›" on every device page),
// zh-CN first, merged into the catalogues by those lazy pieces so the first route does not carry them.
import { i18n } from '@/i18n'

export const roomPickerMessages = {
  'zh-CN': {
    room: '房间',
    choose: '放到哪个房间',
    none: '未分配',
    moved: '已放到{room}',
    ownerOnly: '只有家的主人可以更换房间',
    close: '关闭',
  },
  en: {
    room: 'Room',
    choose: 'Put it in',
    none: 'Unassigned',
    moved: 'Now in {room}',
    ownerOnly: 'Only the home\'s owner can change rooms',
    close: 'Close',
  },
}

let merged = false

export function useRoomPickerMessages(): void {
  if (merged) return
  merged = true
  for (const [locale, messages] of Object.entries(roomPickerMessages)) i18n.global.mergeLocaleMessage(locale, { roomPicker: messages })
}
