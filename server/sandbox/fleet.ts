// A fleet of generated virtual devices beside the demo's own shelf, for measuring one sandbox process at a vendor's
// scale (bench/sandbox-scale.ts; `SANDBOX_FLEET=10000 npm run sandbox`). Each fleet device is a copy of one of the
// products (taken in turn), bound to nobody, and reports its whole status about once per `reportEveryS` seconds
// whether or not anyone watches — as real devices do toward the cloud, where SNoti carries every report to the
// vendor's worker. Its values move by its product's own behaviour (products/*/index.ts), like the demo devices'.
import type { DeviceSimulator } from './simulator'
import type { World } from './world'

export interface FleetOptions {
  devices: number
  /** Each device's report interval, on average (60 s unless told otherwise: a sensor reporting once a minute). */
  reportEveryS?: number
}

/** did of the fleet's n-th device: 22 characters, like Gizwits' own, and never one of the demo devices'. */
export const fleetDid = (index: number): string => `Fleet${String(index).padStart(17, '0')}`

/** Adds the devices, and reports a slice of them every second so each reports once per interval. */
export function startFleet(world: World, simulator: DeviceSimulator, options: FleetOptions): { dids: string[]; stop: () => void } {
  const products = [...world.products.values()]
  const dids: string[] = []
  for (let index = 0; index < options.devices; index++) {
    const did = fleetDid(index)
    world.devices.addDevice({ did, mac: (0xf0000000000 + index).toString(16).padStart(12, '0'), passcode: `FLEET${String(index % 100000).padStart(5, '0')}`, online: true }, products[index % products.length])
    dids.push(did)
  }
  const everyS = Math.max(1, options.reportEveryS ?? 60)
  let second = 0
  const timer = setInterval(() => {
    // Devices whose index falls on this second of the interval: an even load, every device once per interval.
    const slot = second++ % everyS
    for (let index = slot; index < dids.length; index += everyS) {
      const device = world.devices.get(dids[index])
      if (device?.online) world.devices.report(device.seed.did, simulator.drift(device))
    }
  }, 1000)
  timer.unref()
  return { dids, stop: () => clearInterval(timer) }
}
