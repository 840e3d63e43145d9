// The pet house (宠物屋, Gizwits' development kit as a product): temperature and humidity wander, the infrared
// sensor sees the pet come and go, the two alarms follow their fixed limits, and the motor fails now and then.
// Its sharing switch is off: bindings get special and normal roles, never owner and guest.
import { defineProduct } from '../product'

/** Alert_1 and Alert_2 as the definition describes them: above 35 °C, above 85 %. */
const HOT_C = 35
const DAMP_PERCENT = 85
/** How often per tick the infrared sensor changes. */
const PET_MOVES = 0.2

export default defineProduct({
  cloud: { productSecret: 'c4d5e6f7a8b94c0d1e2f3a4b5c6d7e8f', sharing: false },
  devices: [
    { did: 'Pt9cPvYv5tT1uMz4Xd7SbK', mac: '18fe34a1b2c3', passcode: 'POIUYTREWQ', online: true },
    // Never bound: for binding and Wi-Fi setup.
    { did: 'Nw3gTzCz9xX5yQd8Bh1WfO', mac: '18fe34a1b2c4', passcode: 'YTREWQLKJH', online: false },
  ],
  startingValues: { LED_Color: '黄色', LED_R: 200, LED_G: 180, Motor_Speed: 0, Temperature: 24, Humidity: 55, ext_data: [1, 0, 3, 7] },
  tick: ({ attrs: a, next, num, set, flag, jitter, fault, hour }) => {
    // Warmer and drier in the afternoon, pulled there a step at a time.
    const warm = Math.sin((2 * Math.PI * (hour - 9)) / 24)
    set('Temperature', num(a.Temperature) + Math.round((24 + 3 * warm - num(a.Temperature)) * 0.3 + jitter(1)))
    set('Humidity', num(a.Humidity) + Math.round((55 - 8 * warm - num(a.Humidity)) * 0.3 + jitter(2)))
    if (Math.random() < PET_MOVES) next.Infrared = !(a.Infrared === true)
    flag('Alert_1', num(next.Temperature ?? a.Temperature) > HOT_C)
    flag('Alert_2', num(next.Humidity ?? a.Humidity) > DAMP_PERCENT)
    fault('Fault_Motor')
  },
})
