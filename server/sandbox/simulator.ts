// How virtual devices behave: a write is applied and reported back after a short delay, like a real MCU; in
// 'live' mode sensors drift, automations run, alarms and faults fire and clear, and a flaky device drops offline.
import type { Attrs, AttrValue } from '@shared/open-api'
import { quantize } from './device-rules'
import type { DeviceState, World } from './world'

export type Behaviour = 'live' | 'still'

const TICK_MS = 4000
const FLAKY_EVERY_TICKS = 45
const FLAKY_OFFLINE_TICKS = 5

export class DeviceSimulator {
  private timer: NodeJS.Timeout | undefined
  private pending = new Set<NodeJS.Timeout>()
  private ticks = 0
  private faultTicks = new Map<string, number>()

  constructor(
    private readonly world: World,
    private readonly behaviour: Behaviour,
    private readonly reportDelayMs: () => number,
  ) {}

  start(): void {
    if (this.behaviour === 'live') this.timer = setInterval(() => this.tick(), TICK_MS)
  }

  stop(): void {
    clearInterval(this.timer)
    for (const timeout of this.pending) clearTimeout(timeout)
    this.pending.clear()
  }

  /** The device receives a control; it applies it and reports its whole status after the delay. */
  write(did: string, attrs: Attrs, reply?: { uid: string; connectionId: number; sn: number }): void {
    const timeout = setTimeout(() => {
      this.pending.delete(timeout)
      const device = this.world.devices.get(did)
      if (!device?.online) return
      this.world.report(did, { ...attrs, ...this.consequences(device, attrs) }, reply)
    }, this.reportDelayMs())
    this.pending.add(timeout)
  }

  private consequences(device: DeviceState, written: Attrs): Attrs {
    if (device.product.definition.name === '智能浇花器' && written.pump === true) return { fault_pump: false }
    return {}
  }

  private tick(): void {
    this.ticks++
    for (const device of this.world.devices.values()) {
      if (device.seed.flaky) this.flap(device)
      if (!device.online || !this.world.usersBoundTo(device.seed.did).length) continue
      const changes = this.drift(device)
      if (Object.keys(changes).length > 0) this.world.report(device.seed.did, changes)
    }
  }

  private flap(device: DeviceState): void {
    const phase = this.ticks % FLAKY_EVERY_TICKS
    if (phase === 0) this.world.setOnline(device.seed.did, false)
    if (phase === FLAKY_OFFLINE_TICKS) this.world.setOnline(device.seed.did, true)
  }

  private drift(device: DeviceState): Attrs {
    const a = device.attrs
    const next: Attrs = {}
    const set = (name: string, value: number) => {
      const attr = device.product.attrs.find((candidate) => candidate.name === name)
      if (!attr) return
      const snapped = quantize(attr, value)
      if (snapped !== a[name]) next[name] = snapped
    }
    const flag = (name: string, on: boolean) => {
      if ((a[name] === true) !== on) next[name] = on
    }
    const num = (value: AttrValue | undefined) => (typeof value === 'number' ? value : 0)
    const jitter = (size: number) => (Math.random() - 0.5) * 2 * size

    switch (device.product.definition.name) {
      case '空调': {
        const target = a.switch === true && a.mode !== '送风' ? num(a.set_temp) : 28
        const room = num(a.room_temp)
        set('room_temp', room + Math.sign(target - room) * Math.min(Math.abs(target - room), 0.3) + jitter(0.1))
        this.randomFault(device, 'fault_roomtemp', next)
        break
      }
      case '智能浇花器': {
        let soil = num(a.soil_humidity) - (Math.random() < 0.5 ? 1 : 0)
        const dry = soil < num(a.water_threshold)
        if (a.auto_water === true && dry && a.pump !== true) next.pump = true
        if (a.pump === true || next.pump === true) soil += 6
        if (soil >= 70 && a.pump === true) next.pump = false
        set('soil_humidity', soil)
        set('temperature', num(a.temperature) + jitter(0.3))
        set('light', num(a.light) + jitter(400))
        flag('alert_dry', num(next.soil_humidity ?? a.soil_humidity) < num(a.water_threshold))
        flag('alert_hot', num(next.temperature ?? a.temperature) > num(a.temp_threshold))
        this.randomFault(device, 'fault_pump', next)
        break
      }
      case '宠物屋': {
        set('Temperature', num(a.Temperature) + Math.round(jitter(1)))
        set('Humidity', num(a.Humidity) + Math.round(jitter(2)))
        if (Math.random() < 0.2) next.Infrared = !(a.Infrared === true)
        flag('Alert_1', num(next.Temperature ?? a.Temperature) > 35)
        flag('Alert_2', num(next.Humidity ?? a.Humidity) > 85)
        this.randomFault(device, 'Fault_Motor', next)
        break
      }
    }
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
    } else if (Math.random() < 0.004) {
      this.faultTicks.set(key, 8)
      next[name] = true
    }
  }
}
