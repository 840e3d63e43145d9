// The metering plug (计量插座, a Zigbee sub-device): while on, the load draws around a kettle-and-lamp's power with
// noise, the energy counter climbs, the voltage wanders around 220 V, and an overload now and then cuts it off.
// It reaches the cloud only through its gateway (gateways.ts).
import type { Attrs } from '@shared/open-api'
import { defineProduct } from '../product'

const LOAD_W = 860
/** kWh a tick of LOAD_W adds (the demo's 4 s tick, sped up so the counter visibly moves). */
const ENERGY_PER_TICK = 0.01

export default defineProduct({
  cloud: { productSecret: '9f3a5b7c1d4e6f8a0b2c3d4e5f607182', sharing: true },
  kind: 'sub_dev',
  devices: [
    { did: 'Mp1cMfNf5cC1dWi4Gm7BkT', mac: '00158d02c3d4', passcode: 'METERPLUGA', online: false, firmware: { wifi: '00000000', mcu: '01010000' } },
  ],
  startingValues: { Power_Switch: true, Power: 0, Energy: 12.5, Voltage: 221 },
  tick: ({ attrs: a, num, set, fault, jitter }) => {
    const on = a.Power_Switch === true
    set('Power', on ? LOAD_W + jitter(40) : 0)
    if (on) set('Energy', num(a.Energy) + ENERGY_PER_TICK)
    set('Voltage', 220 + jitter(3))
    fault('Fault_Overload')
  },
  applyWrite: (written): Attrs => (written.Power_Switch === false ? { Power: 0 } : {}),
})
