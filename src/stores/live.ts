// Live device state from the page socket: online flags and datapoint values, plus the two connection states
// users must tell apart — our own link down (socketUp) and the BFF's link to the cloud down (cloudUp). After every
// (re)open it subscribes again and asks what became of the commands still open (see stores/commands.ts).
import { defineStore } from 'pinia'
import { isActive } from '@shared/datapoint'
import type { Attrs } from '@shared/open-api'
import { MAX_COMMAND_STATUS_IDS, type PageServerFrame } from '@shared/ws-frames'
import { currentLocale, i18n } from '@/i18n'
import { PageSocket, pageSocketUrl } from '@/live/page-socket'
import { useCommandsStore } from './commands'
import { useDevicesStore } from './devices'
import { useMessagesStore } from './messages'

export interface LiveDevice {
  /** null until the first word from the cloud. */
  online: boolean | null
  attrs: Attrs
  /** True once any value arrived (REST latest or a live report). */
  known: boolean
}

let socket: PageSocket | null = null
const subscribed = new Set<string>()
let nextReqSn = 1

export const useLiveStore = defineStore('live', {
  state: () => ({
    socketUp: false,
    /** Whether the socket has ever opened: before that, "down" is just "connecting". */
    everConnected: false,
    cloudUp: true,
    devices: {} as Record<string, LiveDevice>,
  }),
  getters: {
    device: (state) => (did: string): LiveDevice => state.devices[did] ?? { online: null, attrs: {}, known: false },
    linkDown: (state) => (state.everConnected && !state.socketUp) || !state.cloudUp,
  },
  actions: {
    connect(WebSocketImpl?: typeof WebSocket): void {
      if (socket) return
      useCommandsStore().restore()
      socket = new PageSocket({
        url: pageSocketUrl(currentLocale()),
        WebSocketImpl,
        onOpen: () => {
          this.socketUp = true
          this.everConnected = true
          // A new socket knows nothing: subscribe again to get the snapshot.
          if (subscribed.size > 0) socket?.send({ cmd: 'subscribe_req', data: [...subscribed].map((did) => ({ did })) })
          // A command whose answer was lost with the old socket (or the old BFF): ask what became of it.
          const ids = useCommandsStore().openIds
          if (ids.length > 0) socket?.send({ cmd: 'c2s_command_status', data: { ids: ids.slice(-MAX_COMMAND_STATUS_IDS) } })
        },
        onClose: () => {
          this.socketUp = false
        },
        onFrame: (frame) => this.onFrame(frame),
      })
      socket.start()
    },
    disconnect(): void {
      socket?.stop()
      socket = null
      subscribed.clear()
      this.socketUp = false
    },
    subscribe(dids: string[]): void {
      const fresh = dids.filter((did) => !subscribed.has(did))
      for (const did of fresh) subscribed.add(did)
      if (fresh.length > 0) socket?.send({ cmd: 'subscribe_req', data: fresh.map((did) => ({ did })) })
    },
    /** Subscribes again to everything (fresh snapshot), e.g. when the page returns to the foreground. */
    resync(): void {
      if (!socket) return
      if (!socket.isOpen) return socket.reconnectNow()
      if (subscribed.size > 0) socket.send({ cmd: 'subscribe_req', data: [...subscribed].map((did) => ({ did })) })
    },
    write(did: string, attrs: Attrs, id?: string): number | null {
      if (!this.socketUp || !socket) return null
      const reqSn = nextReqSn++
      return socket.send({ cmd: 'c2s_write', req_sn: reqSn, ...(id ? { id } : {}), data: { did, attrs } }) ? reqSn : null
    },
    /** Values from REST `latest`; live reports that already arrived are newer and win. */
    applyLatest(did: string, attrs: Attrs): void {
      const device = this.ensure(did)
      device.attrs = { ...attrs, ...device.attrs }
      if (Object.keys(attrs).length > 0) device.known = true
    },
    setOnline(did: string, online: boolean): void {
      const device = this.ensure(did)
      if (device.online === null) device.online = online
    },
    ensure(did: string): LiveDevice {
      if (!this.devices[did]) this.devices[did] = { online: null, attrs: {}, known: false }
      return this.devices[did]
    },
    onFrame(frame: PageServerFrame): void {
      const commands = useCommandsStore()
      switch (frame.cmd) {
        case 's2c_noti': {
          const device = this.ensure(frame.data.did)
          device.attrs = { ...device.attrs, ...frame.data.attrs }
          device.known = true
          device.online = true
          const devices = useDevicesStore()
          commands.onReport(frame.data.did, frame.data.attrs, (name) => devices.attrOf(frame.data.did, name))
          return
        }
        case 's2c_online_status':
          this.ensure(frame.data.did).online = frame.data.online
          return
        case 's2c_write_res':
          commands.onWriteResult(frame.res_sn, frame.data.ok, frame.data.msg, frame.data.id, frame.data.state)
          return
        case 's2c_command_status':
          commands.onStatus(frame.data.commands, i18n.global.t('command.notSent'))
          return
        case 's2c_cloud_status':
          this.cloudUp = frame.data.connected
          return
        case 's2c_binding_changed':
          void useDevicesStore().load()
          void useMessagesStore().load()
          return
        default:
          return
      }
    },
  },
})

/** Active alarm and fault names of a device, for banners and list summaries. */
export function activeAlarms(attrs: Attrs, names: string[]): string[] {
  return names.filter((name) => isActive(attrs[name]))
}
