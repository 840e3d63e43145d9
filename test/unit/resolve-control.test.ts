import { describe, expect, test } from 'vitest'
import { productAttrs } from '@shared/datapoint'
import DatapointAlarm from '@/components/datapoint/DatapointAlarm.vue'
import DatapointBinary from '@/components/datapoint/DatapointBinary.vue'
import DatapointEnum from '@/components/datapoint/DatapointEnum.vue'
import DatapointNumber from '@/components/datapoint/DatapointNumber.vue'
import DatapointReadonly from '@/components/datapoint/DatapointReadonly.vue'
import DatapointSwitch from '@/components/datapoint/DatapointSwitch.vue'
import { resolveControl } from '@/components/datapoint/resolve-control'
import { attr, petHouse } from './fixtures/products'

describe('resolveControl', () => {
  test('should choose one control per datapoint kind', () => {
    expect(resolveControl(attr(petHouse, 'LED_OnOff'))).toBe(DatapointSwitch)
    expect(resolveControl(attr(petHouse, 'LED_Color'))).toBe(DatapointEnum)
    expect(resolveControl(attr(petHouse, 'Motor_Speed'))).toBe(DatapointNumber)
    expect(resolveControl(attr(petHouse, 'Temperature'))).toBe(DatapointReadonly)
    expect(resolveControl(attr(petHouse, 'Infrared'))).toBe(DatapointReadonly)
    expect(resolveControl(attr(petHouse, 'Alert_1'))).toBe(DatapointAlarm)
    expect(resolveControl(attr(petHouse, 'Fault_IR'))).toBe(DatapointAlarm)
    expect(resolveControl(attr(petHouse, 'ext_data'))).toBe(DatapointBinary)
  })

  test('should find a control for every datapoint of a real product', () => {
    for (const item of productAttrs(petHouse)) expect(resolveControl(item)).toBeTruthy()
  })
})
