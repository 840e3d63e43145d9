// The Zigbee gateway (智能网关, a Gizwits central-control device): it reaches the cloud over Wi-Fi and carries its
// sub-devices (door sensor, metering plug); which ones it carries and its pairing window belong to gateways.ts.
// By itself it only reports its Wi-Fi signal; `Sub_Count` follows what has joined.
import { defineProduct } from '../product'

export default defineProduct({
  cloud: { productSecret: '7d1e3f5a9b2c4d6e8f0a1b2c3d4e5f60', sharing: true },
  kind: 'center_control',
  devices: [
    { did: 'Gw5hUbRb1yY7zSe0Ci3XgP', mac: 'd0cf5e1a2b3c', passcode: 'GATEWAYPAS', online: true, firmware: { wifi: '04020020', mcu: '03000001' } },
    // Never bound: for binding the way any Wi-Fi device is bound.
    { did: 'Gw6iVcSc2zZ8aTf1Dj4YhQ', mac: 'd0cf5e1a2b3d', passcode: 'GATEWAYPAT', online: false },
  ],
  startingValues: { LED_OnOff: true, Sub_Count: 0, Signal: 78 },
  tick: ({ attrs: a, num, set, jitter }) => {
    set('Signal', num(a.Signal) + Math.round((78 - num(a.Signal)) * 0.3 + jitter(3)))
  },
})
