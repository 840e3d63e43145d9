import { describe, expect, test } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import type { BoundDevice } from '@shared/open-api'
import DeviceCard from '@/components/device/DeviceCard.vue'
import { activeAlarmCount, deviceSummary } from '@/components/device/device-summary'
import { airConditioner } from './fixtures/products'
import { mountWithApp } from './mount'

const acAttrs = productAttrs(airConditioner)
const device: BoundDevice = {
  product_key: airConditioner.product_key, did: 'gKufzxZwYeyd3Skbsb6mza', mac: 'accf2350d446', is_online: true, passcode: 'JHHOOIWJBA',
  host: '127.0.0.1', port: 1883, port_s: 8883, ws_port: 8081, wss_port: 8880, remark: '格力', is_disabled: false, type: 'normal',
  dev_alias: '客厅空调', dev_label: [], role: 'owner', product_name: '空调',
}

describe('device summary', () => {
  test('should show the main switch and up to two readings with units', () => {
    expect(deviceSummary(acAttrs, { switch: true, room_temp: 27.3, set_temp: 24 }, { on: '开', off: '关' }).map((part) => part.text)).toEqual(['开关 开', '室内温度 27.3°C'])
    expect(deviceSummary(acAttrs, {}, { on: '开', off: '关' })).toEqual([])
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
    expect(wrapper.text()).toContain('开关 关')
    expect(wrapper.text()).toContain('室内温度 30.1°C')
    expect(wrapper.text()).toContain('1 条报警')
    expect(wrapper.attributes('href')).toBe('/devices/gKufzxZwYeyd3Skbsb6mza')
  })
})
