// The one values formatter (src/shared/values-text.ts) behind the device log, scene steps and the worker's command
// notices: display names, enum items (by name from the page, by index from SNoti), switches (true/false or 0/1),
// numbers with their datapoint's decimals (from the ratio) and unit; unknown names raw; fitting a WeChat keyword.
import { describe, expect, test } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import { fitEntries, valueEntries, valuesText } from '@shared/values-text'
import { airConditioner } from './fixtures/products'

const ac = productAttrs(airConditioner)

describe('valuesText', () => {
  test('should name each value as the app does, in the order given', () => {
    expect(valuesText(ac, { set_temp: 27, switch: true })).toBe('设定温度 27°C、开关 开')
  })

  test('should read switches from the page (true/false) and from SNoti (0/1)', () => {
    expect(valueEntries(ac, { switch: false, fan_swing: 1 })).toEqual(['开关 关', '摆风 开'])
    expect(valuesText(ac, { switch: 0 }, { on: 'On', off: 'Off' })).toBe('开关 Off')
  })

  test('should show enum items by name, and by their index as SNoti sends them', () => {
    expect(valueEntries(ac, { mode: '制冷', fan_speed: 2 })).toEqual(['模式 制冷', '风速 高风'])
  })

  test('should show numbers with the decimals their ratio needs and their unit', () => {
    expect(valuesText(ac, { room_temp: 26.5 })).toBe('室内温度 26.5°C')
    expect(valuesText(ac, { room_temp: 26 })).toBe('室内温度 26.0°C')
    expect(valuesText(ac, { on_timing: 30 })).toBe('定时开机 30min')
  })

  test('should keep names the definition does not know, raw, unless told to leave them out', () => {
    expect(valuesText([], { set_temp: 27, pump: true })).toBe('set_temp 27、pump 开')
    expect(valuesText(ac, { set_temp: 27, pump: 1 }, { knownOnly: true, separator: '，' })).toBe('设定温度 27°C')
  })
})

describe('fitEntries', () => {
  test('should keep whole entries within the limit and close with 等 when some are left out', () => {
    const entries = valueEntries(ac, { set_temp: 27, switch: true, mode: '制冷', fan_speed: '高风' })
    expect(fitEntries(entries, 32)).toBe('设定温度 27°C、开关 开、模式 制冷、风速 高风')
    expect(fitEntries(entries, 20)).toBe('设定温度 27°C、开关 开等')
    expect(fitEntries(entries.slice(0, 3), 20)).toBe('设定温度 27°C、开关 开、模式 制冷')
    expect(fitEntries(entries, 20).length).toBeLessThanOrEqual(20)
    expect(fitEntries(['一二三四五六七八九十一二三四五六七八九十一二'], 20)).toHaveLength(20)
    expect(fitEntries([], 20)).toBe('')
  })
})
