import { afterEach, describe, expect, test, vi } from 'vitest'
import DatapointAlarm from '@/components/datapoint/DatapointAlarm.vue'
import DatapointBinary from '@/components/datapoint/DatapointBinary.vue'
import DatapointNumber from '@/components/datapoint/DatapointNumber.vue'
import DatapointReadonly from '@/components/datapoint/DatapointReadonly.vue'
import DatapointRow from '@/components/datapoint/DatapointRow.vue'
import DatapointSwitch from '@/components/datapoint/DatapointSwitch.vue'
import { PAUSE_MS } from '@/components/datapoint/use-pending-number'
import { airConditioner, attr, petHouse } from './fixtures/products'
import { mountWithApp } from './mount'

const setTemp = attr(airConditioner, 'set_temp')
/** A writable number with ratio 0.1, like room_temp would be if it were writable. */
const fineNumber = { ...attr(airConditioner, 'room_temp'), type: 'status_writable' as const }

describe('DatapointNumber', () => {
  afterEach(() => vi.useRealTimers())

  const plus = (wrapper: ReturnType<typeof mountWithApp>) => wrapper.find('[data-step="up"]').trigger('click')

  test('should emit the next step in display units once the user pauses', async () => {
    vi.useFakeTimers()
    const wrapper = mountWithApp(DatapointNumber, { props: { attr: setTemp, value: 24 } })
    expect(wrapper.text()).toContain('°C')
    await plus(wrapper)
    expect(wrapper.emitted('change')).toBeUndefined()
    vi.advanceTimersByTime(PAUSE_MS)
    expect(wrapper.emitted('change')).toEqual([[25]])
  })

  test('should keep every one of five quick taps: the target shows at once, one value is sent', async () => {
    vi.useFakeTimers()
    const wrapper = mountWithApp(DatapointNumber, { props: { attr: setTemp, value: 20, large: true, label: '设定温度' } })
    for (let tap = 0; tap < 5; tap++) {
      await plus(wrapper)
      vi.advanceTimersByTime(PAUSE_MS - 1)
    }
    expect(wrapper.find('[data-target]').text()).toBe('25°C')
    expect(wrapper.emitted('change')).toBeUndefined()
    vi.advanceTimersByTime(1)
    expect(wrapper.emitted('change')).toEqual([[25]])
  })

  test('should snap to the datapoint step with its decimals', async () => {
    vi.useFakeTimers()
    const wrapper = mountWithApp(DatapointNumber, { props: { attr: fineNumber, value: 23.4 } })
    await plus(wrapper)
    vi.advanceTimersByTime(PAUSE_MS)
    expect(wrapper.emitted('change')).toEqual([[23.5]])
  })

  test('should never emit past the maximum', async () => {
    vi.useFakeTimers()
    const wrapper = mountWithApp(DatapointNumber, { props: { attr: setTemp, value: 30 } })
    expect(wrapper.find('[data-step="up"]').attributes('disabled')).toBeDefined()
    await plus(wrapper)
    vi.advanceTimersByTime(PAUSE_MS)
    expect(wrapper.emitted('change')).toBeUndefined()
  })

  test('should name its buttons and its field after the datapoint', () => {
    const wrapper = mountWithApp(DatapointNumber, { props: { attr: setTemp, value: 24, label: 'Temperature' } })
    expect(wrapper.find('[data-step="down"]').attributes('aria-label')).toBe('Temperature 减少')
    expect(wrapper.find('[data-step="up"]').attributes('aria-label')).toBe('Temperature 增加')
    expect(wrapper.find('input').attributes('aria-label')).toBe('Temperature')
  })

  test('should add a slider only for wide ranges', () => {
    expect(mountWithApp(DatapointNumber, { props: { attr: setTemp, value: 24 } }).find('input[type="range"]').exists()).toBe(false)
    const wide = mountWithApp(DatapointNumber, { props: { attr: attr(airConditioner, 'on_timing'), value: 0 } }).find('input[type="range"]')
    expect(wide.attributes('aria-label')).toBe('定时开机')
  })
})

describe('DatapointSwitch', () => {
  test('should emit the new state when tapped', async () => {
    const wrapper = mountWithApp(DatapointSwitch, { props: { attr: attr(airConditioner, 'switch'), value: false } })
    await wrapper.find('.van-switch').trigger('click')
    expect(wrapper.emitted('change')).toEqual([[true]])
  })

  test('should read 0/1 and not react when disabled', async () => {
    const wrapper = mountWithApp(DatapointSwitch, { props: { attr: attr(airConditioner, 'switch'), value: 1, disabled: true } })
    expect(wrapper.find('.van-switch--on').exists()).toBe(true)
    expect(wrapper.find('.van-switch--disabled').exists()).toBe(true)
    await wrapper.find('.van-switch').trigger('click')
    expect(wrapper.emitted('change')).toBeUndefined()
  })
})

describe('DatapointAlarm', () => {
  test('should show nothing while the alarm is off', () => {
    expect(mountWithApp(DatapointAlarm, { props: { attr: attr(petHouse, 'Alert_1'), value: false } }).text()).toBe('')
  })

  test('should tell an alert from a fault', () => {
    expect(mountWithApp(DatapointAlarm, { props: { attr: attr(petHouse, 'Alert_1'), value: true } }).text()).toContain('报警 · 高温报警')
    const fault = mountWithApp(DatapointAlarm, { props: { attr: attr(petHouse, 'Fault_Motor'), value: 1 } })
    expect(fault.text()).toContain('故障 · 电机故障')
    expect(fault.find('.alarm--fault').exists()).toBe(true)
  })
})

describe('read-only values', () => {
  test('should show numbers with decimals and unit, bools as 是/否, and nothing yet as a dash', () => {
    expect(mountWithApp(DatapointReadonly, { props: { attr: attr(airConditioner, 'room_temp'), value: 27 } }).text()).toBe('27.0°C')
    expect(mountWithApp(DatapointReadonly, { props: { attr: attr(petHouse, 'Infrared'), value: true } }).text()).toBe('是')
    expect(mountWithApp(DatapointReadonly, { props: { attr: attr(petHouse, 'Temperature'), value: undefined } }).text()).toBe('—')
  })

  test('should show binary values as spaced hex', () => {
    expect(mountWithApp(DatapointBinary, { props: { attr: attr(petHouse, 'ext_data'), value: [1, 0, 171, 7] } }).text()).toBe('01 00 ab 07')
  })
})

describe('DatapointRow', () => {
  test('should expose the datapoint and its command state, and lock the control while busy', () => {
    const sending = mountWithApp(DatapointRow, { props: { attr: attr(airConditioner, 'switch'), value: true, state: 'sending', disabled: false } })
    expect(sending.attributes('data-attr')).toBe('switch')
    expect(sending.attributes('data-state')).toBe('sending')
    expect(sending.text()).toContain('发送中')
    expect(sending.find('.van-switch--disabled').exists()).toBe(true)

    const confirmed = mountWithApp(DatapointRow, { props: { attr: attr(airConditioner, 'switch'), value: true, state: 'confirmed', disabled: false } })
    expect(confirmed.text()).toContain('已确认')
    expect(confirmed.find('.van-switch--disabled').exists()).toBe(false)
  })

  test('should pass the control change on', async () => {
    const row = mountWithApp(DatapointRow, { props: { attr: attr(airConditioner, 'switch'), value: false, state: 'idle', disabled: false } })
    await row.find('.van-switch').trigger('click')
    expect(row.emitted('change')).toEqual([[true]])
  })
})
