// How virtual devices behave over time: a write is applied and reported back after a short delay, like a real
// MCU; in 'live' mode each device's product ticks (sensors drift, automations run, alarms and faults fire and
// clear: products/*/index.ts), and a flaky device drops offline now and then.
import { EventEmitter } from 'node:events'
import type { Attrs, AttrValue } from '@shared/open-api'
import { quantize } from './device-rules'
import type { Bindings } from './bindings'
import type { Devices, DeviceState } from './devices'
import type { Tick } from './products/product'
import type { RawLog, WriteOrigin } from './raw-log'

export type Behaviour = 'live' | 'still'

/** The hour of the day in China (UTC+8, no daylight saving), fractional: the demo devices' daily cycles. */
export const chinaHour = (atS: number): number => (((atS / 3600 + 8) % 24) + 24) % 24

/** How often a device ticks in 'live' mode, unless the sandbox is told otherwise (tests tick faster). */
const TICK_MS = 4000
const FLAKY_EVERY_TICKS = 45
const FLAKY_OFFLINE_TICKS = 5
/** A fault fires on this share of ticks, and clears itself after FAULT_TICKS. */
const FAULT_CHANCE = 0.004
const FAULT_TICKS = 8

export class DeviceSimulator {
  private timer: NodeJS.Timeout | undefined
  private pending = new Set<NodeJS.Timeout>()
  private ticks = 0
  private faultTicks = new Map<string, number>()
  private writes = 0
  /**
   * Every control a device is sent, with who sent it and how, as the cloud announces it (SNoti's `app2dev_kv`):
   * the ones it applies and the ones sent while it was offline, which never arrive.
   */
  readonly controls = new EventEmitter<{ control: [did: string, attrs: Attrs, origin: WriteOrigin] }>()

  constructor(
    private readonly devices: Devices,
    private readonly bindings: Bindings,
    private readonly behaviour: Behaviour,
    private readonly reportDelayMs: () => number,
    private readonly tickMs = TICK_MS,
    /** Where each control is logged as the cloud's raw_data app2dev, with who sent it. */
    private readonly rawLog?: RawLog,
  ) {}

  start(): void {
    if (this.behaviour === 'live') this.timer = setInterval(() => this.tick(), this.tickMs)
  }

  stop(): void {
    clearInterval(this.timer)
    for (const timeout of this.pending) clearTimeout(timeout)
    this.pending.clear()
  }

  /**
   * The device receives a control; it applies it and reports its whole status after the delay, unless it went
   * offline meanwhile. Returns the write's number, which the report that applies it carries as `answers`.
   */
  write(did: string, attrs: Attrs, origin: WriteOrigin = { source: 'd3' }): number {
    const write = ++this.writes
    this.rawLog?.app2dev(did, attrs, origin)
    this.controls.emit('control', did, attrs, origin)
    const timeout = setTimeout(() => {
      this.pending.delete(timeout)
      const device = this.devices.get(did)
      if (!device?.online) return
      this.devices.report(did, { ...attrs, ...device.product.module.applyWrite?.(attrs, device.attrs) }, write)
    }, this.reportDelayMs())
    this.pending.add(timeout)
    return write
  }

  /**
   * A control the cloud sent to a device it knew was offline (a schedule's or a rule's: they are not held back,
   * they fail): logged and announced like any control, never applied.
   */
  undelivered(did: string, attrs: Attrs, origin: WriteOrigin): void {
    this.rawLog?.app2dev(did, attrs, origin)
    this.controls.emit('control', did, attrs, origin)
  }

  private tick(): void {
    this.ticks++
    for (const device of this.devices.values()) {
      if (device.seed.flaky) this.flap(device)
      if (!device.online || !this.bindings.usersBoundTo(device.seed.did).length) continue
      const changes = this.drift(device)
      if (Object.keys(changes).length > 0) this.devices.report(device.seed.did, changes)
    }
  }

  private flap(device: DeviceState): void {
    const phase = this.ticks % FLAKY_EVERY_TICKS
    if (phase === 0) this.devices.setOnline(device.seed.did, false)
    if (phase === FLAKY_OFFLINE_TICKS) this.devices.setOnline(device.seed.did, true)
  }

  /** What the device's product does by itself this tick (also fleet.ts's generated devices, at their own pace). */
  drift(device: DeviceState): Attrs {
    const a = device.attrs
    const next: Attrs = {}
    const tick: Tick = {
      attrs: a,
      next,
      num: (value: AttrValue | undefined) => (typeof value === 'number' ? value : 0),
      set: (name, value) => {
        const attr = device.product.attrs.find((candidate) => candidate.name === name)
        if (!attr) return
        const snapped = quantize(attr, value)
        if (snapped !== a[name]) next[name] = snapped
      },
      flag: (name, on) => {
        if ((a[name] === true) !== on) next[name] = on
      },
      jitter: (size) => (Math.random() - 0.5) * 2 * size,
      fault: (name) => this.randomFault(device, name, next),
      hour: chinaHour(Date.now() / 1000),
    }
    device.product.module.tick?.(tick)
    return next
  }

  /** A rare fault that clears itself a few ticks later. */
  private randomFault(device: DeviceState, name: string, next: Attrs): void {
    const key = `${device.seed.did}:${name}`
    const left = this.faultTicks.get(key)
    if (left !== undefined) {
      if (left <= 1) {
        this.faultTicks.delete(key)
        next[name] = false
      } else this.faultTicks.set(key, left - 1)
    } else if (Math.random() < FAULT_CHANCE) {
      this.faultTicks.set(key, FAULT_TICKS)
      next[name] = true
    }
  }
}
