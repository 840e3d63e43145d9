// Weeks of history for the demo devices, written at the sandbox's first start so a new user sees real-looking
// charts at once (issue 13): each online device of the shelf is run through its own product's behaviour model
// (products/*/index.ts — the same `tick` the live simulator uses, told the hour of the day) every ten minutes from
// four weeks ago to now, with its owner's habits (the air conditioner on in the evenings) applied as writes. The
// rows go where live reports go (device_reports), so agg_data answers them exactly as it answers live data; from
// then on the devices record what they report.
import type { Attrs, AttrValue } from '@shared/open-api'
import { quantize } from './device-rules'
import type { Devices } from './devices'
import type { Tick } from './products/product'
import { chinaHour } from './simulator'
import type { DeviceStore } from './store/devices'

export const HISTORY_DAYS = 28
export const HISTORY_STEP_S = 600

/** Writes the generated history of every online demo device that has none yet; returns how many reports. */
export function seedHistory(devices: Devices, store: DeviceStore, nowS: number): number {
  let written = 0
  for (const device of devices.values()) {
    const module = device.product.module
    if (!device.online || !module.tick || store.hasReports(device.seed.did)) continue
    // Start from the shelf values and let the model settle into its cycle over the first steps.
    const attrs: Attrs = { ...module.startingValues, ...device.attrs }
    const rows: Array<{ at: number; attrs: Attrs }> = []
    for (let at = nowS - HISTORY_DAYS * 86_400; at < nowS; at += HISTORY_STEP_S) {
      const hour = chinaHour(at)
      const habit = module.habits?.(hour, attrs) ?? {}
      if (Object.keys(habit).length) Object.assign(attrs, habit, module.applyWrite?.(habit, attrs))
      const next: Attrs = {}
      const tick: Tick = {
        attrs,
        next,
        num: (value: AttrValue | undefined) => (typeof value === 'number' ? value : 0),
        set: (name, value) => {
          const attr = device.product.attrs.find((candidate) => candidate.name === name)
          if (attr) next[name] = quantize(attr, value)
        },
        flag: (name, on) => {
          if ((attrs[name] === true) !== on) next[name] = on
        },
        jitter: (size) => (Math.random() - 0.5) * 2 * size,
        // Faults are the live simulator's surprise; the past has none.
        fault: () => {},
        hour,
      }
      module.tick(tick)
      Object.assign(attrs, next)
      rows.push({ at, attrs: { ...attrs } })
    }
    store.addReports(device.seed.did, rows)
    written += rows.length
  }
  return written
}
