import { describe, expect, test } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import type { BoundDevice } from '@shared/open-api'
import DeviceCard from '@/components/device/DeviceCard.vue'
import { activeAlarmCount, deviceSummary } from '@/components/device/device-summary'
import { derivedProfile, profileOf } from '@/presentation/profiles'
import { airConditioner } from './fixtures/products'
import { mountWithApp } from './mount'

const acAttrs = productAttrs(airConditioner)
const device: BoundDevice = {
  product_key: airConditioner.product_key, did: 'gKufzxZwYeyd3Skbsb6mza', mac: 'accf2350d446', is_online: true, passcode: 'JHHOOIWJBA',
  host: '127.0.0.1', port: 1883, port_s: 8883, ws_port: 8081, wss_port: 8880, remark: '格力', is_disabled: false, type: 'normal',
  dev_alias: '客厅空调', dev_label: [], role: 'owner', product_name: '空调',
}

describe('device summary', () => {
  const words = { on: '开', off: '关', label: (attr: { display_name: string }) => attr.display_name, option: (_: unknown, value: string) => value }

  test('should show the values the product profile names, with units', () => {
    const profile = profileOf(airConditioner.product_key, acAttrs)
    expect(deviceSummary(profile, acAttrs, { switch: true, room_temp: 27.3, set_temp: 24 }, words).map((part) => part.text)).toEqual(['设定温度 24°C', '室内温度 27.3°C'])
    expect(deviceSummary(profile, acAttrs, {}, words)).toEqual([])
  })

  test('should derive a usable profile for a product that has none', () => {
    const profile = derivedProfile(acAttrs)
    expect(profile.power).toBe('switch')
    expect(profile.hero).toEqual({ kind: 'stepper', setting: 'set_temp' })
    expect(profile.card).toEqual(['set_temp', 'room_temp'])
    expect(profile.timers).toEqual({ on_timing: 'on', off_timing: 'off' })
    expect(profileOf('0'.repeat(32), acAttrs).icon).toBe('device')
  })

  test('should count active alarms and faults in either encoding', () => {
    expect(activeAlarmCount(acAttrs, { alert_full: true, alert_shutdown: 0, fault_roomtemp: 1 })).toBe(2)
  })
})

describe('DeviceCard', () => {
  test('should name the device by alias, then remark, then product', () => {
    const live = { online: true, attrs: {}, known: false }
    expect(mountWithApp(DeviceCard, { props: { device, attrs: acAttrs, live, tone: 0 } }).find('.name').text()).toBe('客厅空调')
    expect(mountWithApp(DeviceCard, { props: { device: { ...device, dev_alias: '' }, attrs: acAttrs, live, tone: 0 } }).find('.name').text()).toBe('格力')
    expect(mountWithApp(DeviceCard, { props: { device: { ...device, dev_alias: '', remark: '' }, attrs: acAttrs, live, tone: 0 } }).find('.name').text()).toBe('空调')
  })

  test('should show live state, the summary and alarms, and link to the device page', () => {
    const wrapper = mountWithApp(DeviceCard, {
      props: { device, attrs: acAttrs, live: { online: false, attrs: { switch: false, room_temp: 30.1, alert_full: true }, known: true }, tone: 1 },
    })
    expect(wrapper.text()).toContain('离线')
    expect(wrapper.find('[data-power]').attributes('aria-checked')).toBe('false')
    expect(wrapper.text()).toContain('室内温度 30.1°C')
    expect(wrapper.text()).toContain('1 条报警')
    expect(wrapper.find('a').attributes('href')).toBe('/devices/gKufzxZwYeyd3Skbsb6mza')
  })
})
