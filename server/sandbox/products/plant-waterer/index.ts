// The plant-watering controller (智能浇花器): temperature and light follow the day, the soil dries out, auto-watering runs the pump below the threshold
// until the soil is wet again, alarms follow the thresholds, and the pump jams now and then (running it again
// clears the fault).
import type { Attrs } from '@shared/open-api'
import { defineProduct } from '../product'

/** Soil humidity (%) at which the pump stops. */
const WET_ENOUGH = 70
/** What a tick of pumping adds to the soil humidity. */
const PUMP_GAIN = 6
/** The balcony's day: warmest at 15:00, light from 06:00 to 18:00 (China time). */
const dayTemp = (hour: number) => 23 + 5 * Math.sin((2 * Math.PI * (hour - 9)) / 24)
const dayLight = (hour: number) => (hour > 6 && hour < 18 ? 30_000 * Math.sin((Math.PI * (hour - 6)) / 12) : 50)

export default defineProduct({
  cloud: { productSecret: '5e6f7a8b9c0d41e2a3b4c5d6e7f80912', sharing: true },
  devices: [
    { did: 'Pl7aNtWt3rR9sKx2Vb5QzH', mac: '5ccf7f0a1b2c', passcode: 'ASDFGHJKLZ', online: true },
    { did: 'Pl8bOuXu4sS0tLy3Wc6RaJ', mac: '5ccf7f0a1b2d', passcode: 'ZXCVBNMASD', online: false },
    // Never bound: for binding and Wi-Fi setup.
    { did: 'Nw2fSyBy8wW4xPc7Ag0VeN', mac: '5ccf7f0a1b2e', passcode: 'HGFDSAPOIU', online: false },
  ],
  startingValues: { auto_water: true, water_threshold: 30, temp_threshold: 35, soil_humidity: 46, temperature: 22.5, light: 8200 },
  tick: ({ attrs: a, next, num, set, flag, jitter, fault, hour }) => {
    let soil = num(a.soil_humidity) - (Math.random() < 0.5 ? 1 : 0)
    const dry = soil < num(a.water_threshold)
    if (a.auto_water === true && dry && a.pump !== true) next.pump = true
    if (a.pump === true || next.pump === true) soil += PUMP_GAIN
    if (soil >= WET_ENOUGH && a.pump === true) next.pump = false
    set('soil_humidity', soil)
    // Sensors follow the day, a step at a time, with noise.
    set('temperature', num(a.temperature) + (dayTemp(hour) - num(a.temperature)) * 0.2 + jitter(0.3))
    set('light', Math.max(0, num(a.light) + (dayLight(hour) - num(a.light)) * 0.3 + jitter(400)))
    flag('alert_dry', num(next.soil_humidity ?? a.soil_humidity) < num(a.water_threshold))
    flag('alert_hot', num(next.temperature ?? a.temperature) > num(a.temp_threshold))
    fault('fault_pump')
  },
  applyWrite: (written): Attrs => (written.pump === true ? { fault_pump: false } : {}),
})
