import { describe, expect, test } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import { fromRestAttrs } from '@/live/rest-attrs'
import { petHouse } from './fixtures/products'

describe('fromRestAttrs', () => {
  test('should turn REST encodings into the live socket ones', () => {
    const attrs = productAttrs(petHouse)
    expect(fromRestAttrs(attrs, { LED_OnOff: 1, Alert_1: 0, ext_data: '0a0b0c0d', LED_Color: '黄色', Temperature: 24, extra: 5 })).toEqual({
      LED_OnOff: true,
      Alert_1: false,
      ext_data: [10, 11, 12, 13],
      LED_Color: '黄色',
      Temperature: 24,
      extra: 5,
    })
  })
})
