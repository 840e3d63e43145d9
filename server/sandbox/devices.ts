// The virtual devices: each product folder's devices with their values, online state and report history. A
// report or an online change is announced as an event, so the REST API, the app WebSocket and the control
// surface always agree. The devices know nothing of who asked for a change or over which socket.
import { EventEmitter } from 'node:events'
import type { AttrItem, Attrs } from '@shared/open-api'
import type { SandboxClock } from './clock'
import { initialValue } from './device-rules'
import type { DeviceSeed, SandboxProduct } from './products/product'
import type { DeviceStore } from './store/devices'

/** Reports are kept for a month, the longest range `agg_data` answers (the Enterprise API's one-month limit). */
const REPORT_HISTORY_S = 31 * 24 * 3600
/** How long after joining a network a device is listed by device_register (undocumented; apps poll for a minute or two). */
const REGISTRATION_WINDOW_S = 10 * 60

export interface DeviceState {
  seed: DeviceSeed & { product_key: string }
  product: SandboxProduct
  attrs: Attrs
  online: boolean
  updatedAt: number
}

interface DeviceEvents {
  /** The device reported all its values; `answers` is the write (`DeviceSimulator.write`) the report applies, if any. */
  report: [did: string, attrs: Attrs, answers?: number]
  online: [did: string, online: boolean]
}

export class Devices extends EventEmitter<DeviceEvents> {
  private readonly states = new Map<string, DeviceState>()
  private readonly registrations = new Map<string, { did: string; at: number }>()

  constructor(private readonly store: DeviceStore, products: Map<string, SandboxProduct>, private readonly clock: SandboxClock) {
    super()
    this.setMaxListeners(0)
    const saved = store.states()
    for (const product of products.values()) {
      for (const seed of product.module.devices) {
        const row = saved.get(seed.did)
        const attrs: Attrs = Object.fromEntries(product.attrs.map((attr) => [attr.name, initialValue(attr)]))
        Object.assign(attrs, row ? row.attrs : product.module.startingValues)
        this.states.set(seed.did, {
          seed: { ...seed, product_key: product.definition.product_key }, product, attrs, online: row ? row.online : seed.online, updatedAt: row?.updatedAt ?? clock.nowS(),
        })
        if (!row) this.persist(seed.did)
      }
    }
  }

  /**
   * A device beyond the products' own shelf (fleet.ts: thousands of generated devices for a scale benchmark): the
   * product's starting values, online, kept in the store like the others.
   */
  addDevice(seed: DeviceSeed, product: SandboxProduct): void {
    if (this.states.has(seed.did)) return
    const attrs: Attrs = Object.fromEntries(product.attrs.map((attr) => [attr.name, initialValue(attr)]))
    Object.assign(attrs, product.module.startingValues)
    this.states.set(seed.did, { seed: { ...seed, product_key: product.definition.product_key }, product, attrs, online: seed.online, updatedAt: this.clock.nowS() })
    this.persist(seed.did)
  }

  get(did: string): DeviceState | undefined {
    return this.states.get(did)
  }

  has(did: string): boolean {
    return this.states.has(did)
  }

  values(): IterableIterator<DeviceState> {
    return this.states.values()
  }

  keys(): IterableIterator<string> {
    return this.states.keys()
  }

  byMac(productKey: string, mac: string): DeviceState | undefined {
    return [...this.states.values()].find((d) => d.seed.product_key === productKey && d.seed.mac === mac.toLowerCase())
  }

  attrDef(did: string, name: string): AttrItem | undefined {
    return this.states.get(did)?.product.attrs.find((attr) => attr.name === name)
  }

  private persist(did: string): void {
    const device = this.states.get(did)!
    this.store.saveState({ did, attrs: device.attrs, online: device.online, updatedAt: device.updatedAt })
  }

  /** The device reports (all its datapoints, as fixed-length Gizwits devices do). */
  report(did: string, changes: Attrs, answers?: number): void {
    const device = this.states.get(did)
    if (!device) return
    Object.assign(device.attrs, changes)
    device.updatedAt = this.clock.nowS()
    this.persist(did)
    this.keepReport(did, device.attrs)
    this.emit('report', did, { ...device.attrs }, answers)
  }

  private keepReport(did: string, attrs: Attrs): void {
    const now = this.clock.nowS()
    this.store.addReport(did, now, attrs)
    if (Math.random() < 0.01) this.store.forgetReportsBefore(now - REPORT_HISTORY_S)
  }

  reportsBetween(did: string, fromS: number, toS: number): Array<{ at: number; attrs: Attrs }> {
    return this.store.reportsBetween(did, fromS, toS)
  }

  setOnline(did: string, online: boolean): void {
    const device = this.states.get(did)
    if (!device || device.online === online) return
    device.online = online
    this.persist(did)
    this.emit('online', did, online)
  }

  // ---- Wi-Fi registration (AirKiss, then GET /app/device_register) ----

  /**
   * A device joined a Wi-Fi network and registered with the cloud: it is found by the random code its app derives
   * from the same SSID and password (device-register.ts). Only the code is kept, never the password.
   */
  registerOnWifi(did: string, randomCode: string): void {
    this.registrations.set(randomCode, { did, at: this.clock.nowS() })
  }

  registeredFor(randomCode: string): { did: string; at: number } | undefined {
    const found = this.registrations.get(randomCode)
    if (found && this.clock.nowS() - found.at > REGISTRATION_WINDOW_S) this.registrations.delete(randomCode)
    return this.registrations.get(randomCode)
  }
}
