// The door/window sensor (门窗传感器, a Zigbee sub-device): it opens and closes now and then, its battery drains a
// little with every change, and while armed an opening raises the intrusion alarm. It reaches the cloud only
// through a gateway it has joined (gateways.ts), so it is offline whenever that gateway is.
import type { Attrs } from '@shared/open-api'
import { defineProduct } from '../product'

/** How often per tick the door changes (someone walks through). */
const DOOR_MOVES = 0.15
/** Battery used per tick, and per opening (the radio wakes up). */
const IDLE_DRAIN = 0.02
const OPEN_DRAIN = 0.3
const LOW_BATTERY = 15

export default defineProduct({
  cloud: { productSecret: '8e2f4a6b0c3d5e7f9a1b2c3d4e5f6071', sharing: true },
  kind: 'sub_dev',
  // On the shelf: each joins a gateway through its pairing window (the sandbox's device page has the button).
  devices: [
    { did: 'Ds1aKdLd3aA9bUg2Ek5ZiR', mac: '00158d01a1b2', passcode: 'DOORSENSOR', online: false, firmware: { wifi: '00000000', mcu: '01000003' } },
    { did: 'Ds2bLeMe4bB0cVh3Fl6AjS', mac: '00158d01a1b3', passcode: 'DOORSENSOS', online: false, firmware: { wifi: '00000000', mcu: '01000003' } },
  ],
  startingValues: { Contact: false, Alarm_Armed: false, Battery: 86 },
  tick: ({ attrs: a, next, num, set, flag }) => {
    let battery = num(a.Battery) - IDLE_DRAIN
    if (Math.random() < DOOR_MOVES) {
      next.Contact = !(a.Contact === true)
      battery -= OPEN_DRAIN
    }
    set('Battery', battery)
    const open = (next.Contact ?? a.Contact) === true
    flag('Alert_Intrusion', open && a.Alarm_Armed === true)
    flag('Alert_Low_Battery', battery < LOW_BATTERY)
  },
  applyWrite: (written, current): Attrs => (written.Alarm_Armed === false ? { Alert_Intrusion: false } : written.Alarm_Armed === true && current.Contact === true ? { Alert_Intrusion: true } : {}),
})
