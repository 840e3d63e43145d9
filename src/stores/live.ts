// Live device state from the page socket: online flags and datapoint values, plus the two connection states
// users must tell apart — our own link down (socketUp) and the BFF's link to the cloud down (cloudUp). After every
// (re)open it subscribes again. It owns the socket and knows nothing of commands: stores/commands.ts sends through
// `send` and listens to `opened` and `onFrame` (Pinia's $onAction), so the two stores never call each other back.
import { defineStore } from 'pinia'
import type { Attrs } from '@shared/open-api'
import type { PageClientFrame, PageServerFrame } from '@shared/ws-frames'
import { currentLocale } from '@/i18n'
import { PageSocket, pageSocketUrl } from '@/live/page-socket'
import { useDevicesStore } from './devices'
import { useMessagesStore } from './messages'

export interface LiveDevice {
  /** null until the first word from the cloud. */
  online: boolean | null
  attrs: Attrs
  /** True once any value arrived (REST latest or a live report). */
  known: boolean
  /**
   * True once this page's socket has spoken for the device (its snapshot on subscribe, or any report since):
   * until then what a card shows may be the last visit's (stores/first-screen-cache.ts).
   */
  reported?: boolean
}

let socket: PageSocket | null = null
const subscribed = new Set<string>()

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
      socket = new PageSocket({
        url: pageSocketUrl(currentLocale()),
        WebSocketImpl,
        onOpen: () => this.opened(),
        onClose: () => {
          this.socketUp = false
        },
        onFrame: (frame) => this.onFrame(frame),
      })
      socket.start()
    },
    /** Each (re)open: a new socket knows nothing, so subscribe again to get the snapshot. */
    opened(): void {
      this.socketUp = true
      this.everConnected = true
      if (subscribed.size > 0) socket?.send({ cmd: 'subscribe_req', data: [...subscribed].map((did) => ({ did })) })
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
    /** Puts a frame on the socket; false when it is not open (nothing was sent). */
    send(frame: PageClientFrame): boolean {
      return this.socketUp && socket !== null && socket.send(frame)
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
    /** Every frame from the BFF; the command frames (`s2c_write_res`, `s2c_command_status`) are the commands store's. */
    onFrame(frame: PageServerFrame): void {
      switch (frame.cmd) {
        case 's2c_noti': {
          const device = this.ensure(frame.data.did)
          device.attrs = { ...device.attrs, ...frame.data.attrs }
          device.known = true
          device.online = true
          device.reported = true
          return
        }
        case 's2c_online_status': {
          const device = this.ensure(frame.data.did)
          device.online = frame.data.online
          // Online, its values are what makes it live (they follow in the snapshot or the cloud's answer).
          if (!frame.data.online) device.reported = true
          return
        }
        case 's2c_cloud_status':
          this.cloudUp = frame.data.connected
          return
        case 's2c_binding_changed':
          void useDevicesStore().load()
          void useMessagesStore().load()
          return
        // A new alert → the alerts store (lazy, so the first route does not carry it) → the banner.
        case 's2c_alert': {
          const alert = frame.data
          void import('@/stores/alerts').then(({ useAlertsStore }) => useAlertsStore().arrive(alert))
          return
        }
        default:
          return
      }
    },
  },
})
