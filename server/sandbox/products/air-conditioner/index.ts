// The air conditioner (空调): the room warms or cools towards the set temperature while it runs, and drifts back
// to the day's own temperature when it is off or only blowing air; its room sensor fails now and then. Its owner
// runs it in the evenings (the generated history).
import type { Attrs } from '@shared/open-api'
import { defineProduct } from '../product'

/** Where the room drifts when the air conditioner is off: warmest mid-afternoon (China time). */
const offRoomTemp = (hour: number) => 28 + 3 * Math.sin((2 * Math.PI * (hour - 10)) / 24)

export default defineProduct({
  cloud: { productSecret: 'b7a3c0e1d2f94e6a8c5b4a3f2e1d0c9b', sharing: true },
  devices: [
    { did: 'gKufzxZwYeyd3Skbsb6mza', mac: 'accf2350d446', passcode: 'JHHOOIWJBA', online: true },
    { did: 'Wc4Tn8bVq2LrXy7PzA1mKe', mac: 'accf2350d447', passcode: 'QWERTYUIOP', online: true, flaky: true },
    { did: 'Ac0dQwZw6uU2vNa5Ye8TcL', mac: 'accf2350d448', passcode: 'LKJHGFDSAM', online: true },
    // Never bound: for binding and Wi-Fi setup.
    { did: 'Nw1eRxAx7vV3wOb6Zf9UdM', mac: 'accf2350d449', passcode: 'MNBVCXZLKJ', online: false },
  ],
  startingValues: { switch: true, mode: '制冷', fan_speed: '自动', set_temp: 24, room_temp: 27.3 },
  habits: (hour, current): Attrs => {
    const evening = hour >= 19 && hour < 23.5
    if (evening === (current.switch === true)) return {}
    return evening ? { switch: true, mode: '制冷', set_temp: 25 } : { switch: false }
  },
  tick: ({ attrs: a, num, set, jitter, fault, hour }) => {
    const target = a.switch === true && a.mode !== '送风' ? num(a.set_temp) : offRoomTemp(hour)
    const room = num(a.room_temp)
    set('room_temp', room + Math.sign(target - room) * Math.min(Math.abs(target - room), 0.3) + jitter(0.1))
    fault('fault_roomtemp')
  },
})
