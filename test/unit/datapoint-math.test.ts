import { describe, expect, test } from 'vitest'
import {
  binaryToHex, checkWrite, checkWriteAll, datapointGroup, datapointKind, decimalsOf, formatNumber, isActive,
  numberSpec, productAttrs, sameValue, snapNumber, toDisplay, toTransmission,
} from '@shared/datapoint'
import { airConditioner, attr, petHouse } from './fixtures/products'

const roomTemp = attr(airConditioner, 'room_temp')
const setTemp = attr(airConditioner, 'set_temp')
const motor = attr(petHouse, 'Motor_Speed')
const acAttrs = productAttrs(airConditioner)
const petAttrs = productAttrs(petHouse)

describe('numberSpec', () => {
  test('should map the transmission range through ratio and addition', () => {
    expect(numberSpec(roomTemp)).toEqual({ min: -30, max: 50, step: 0.1, decimals: 1 })
    expect(numberSpec(setTemp)).toEqual({ min: 16, max: 30, step: 1, decimals: 0 })
    expect(numberSpec(motor)).toEqual({ min: -5, max: 5, step: 1, decimals: 0 })
  })

  test('should count the decimals a ratio needs', () => {
    expect(decimalsOf(0.1)).toBe(1)
    expect(decimalsOf(0.25)).toBe(2)
    expect(decimalsOf(5)).toBe(0)
    expect(decimalsOf(1)).toBe(0)
  })
})

describe('conversions', () => {
  test('should turn transmission values into display values and back', () => {
    expect(toDisplay(roomTemp, 0)).toBe(-30)
    expect(toDisplay(roomTemp, 573)).toBe(27.3)
    expect(toTransmission(roomTemp, 27.3)).toBe(573)
    expect(toDisplay(motor, 0)).toBe(-5)
    expect(toTransmission(motor, 5)).toBe(10)
  })

  test('should clamp transmission values to the defined range', () => {
    expect(toTransmission(roomTemp, 99)).toBe(800)
    expect(toTransmission(roomTemp, -99)).toBe(0)
  })

  test('should clamp and snap display values to the step from the minimum', () => {
    expect(snapNumber(roomTemp, 23.46)).toBe(23.5)
    expect(snapNumber(roomTemp, 23.44)).toBe(23.4)
    expect(snapNumber(roomTemp, 80)).toBe(50)
    expect(snapNumber(roomTemp, -31)).toBe(-30)
    expect(snapNumber(setTemp, 22.6)).toBe(23)
    expect(snapNumber(setTemp, Number.NaN)).toBe(16)
  })

  test('should format numbers with exactly their decimals', () => {
    expect(formatNumber(roomTemp, 27)).toBe('27.0')
    expect(formatNumber(setTemp, 24)).toBe('24')
  })
})

describe('checkWrite', () => {
  test('should accept valid values of every type', () => {
    expect(checkWrite(acAttrs, 'switch', true)).toBeNull()
    expect(checkWrite(acAttrs, 'mode', '制热')).toBeNull()
    expect(checkWrite(acAttrs, 'set_temp', 30)).toBeNull()
    expect(checkWrite(petAttrs, 'Motor_Speed', -5)).toBeNull()
  })

  test('should name the reason when a value cannot be written', () => {
    expect(checkWrite(acAttrs, 'nope', 1)).toEqual({ reason: 'unknown', name: 'nope' })
    expect(checkWrite(acAttrs, 'room_temp', 20)).toEqual({ reason: 'not_writable', name: 'room_temp' })
    expect(checkWrite(acAttrs, 'alert_full', true)).toEqual({ reason: 'not_writable', name: 'alert_full' })
    expect(checkWrite(acAttrs, 'switch', 1)).toEqual({ reason: 'type', name: 'switch', expected: 'bool' })
    expect(checkWrite(acAttrs, 'mode', 1)).toEqual({ reason: 'type', name: 'mode', expected: 'enum' })
    expect(checkWrite(acAttrs, 'mode', '睡眠')).toEqual({ reason: 'enum', name: 'mode', allowed: ['自动', '制冷', '制热', '送风', '除湿'] })
    expect(checkWrite(acAttrs, 'set_temp', '20')).toEqual({ reason: 'type', name: 'set_temp', expected: 'number' })
    expect(checkWrite(acAttrs, 'set_temp', 31)).toEqual({ reason: 'range', name: 'set_temp', min: 16, max: 30 })
    expect(checkWrite(acAttrs, 'set_temp', 20.5)).toEqual({ reason: 'step', name: 'set_temp', step: 1, min: 16 })
  })

  test('should check binary values as bytes on the socket and as hex over REST', () => {
    const writableBinary = { ...attr(petHouse, 'ext_data'), type: 'status_writable' as const }
    expect(checkWrite([writableBinary], 'ext_data', [1, 2, 3, 4], 'bytes')).toBeNull()
    expect(checkWrite([writableBinary], 'ext_data', [1, 2], 'bytes')).toEqual({ reason: 'binary_length', name: 'ext_data', bytes: 4 })
    expect(checkWrite([writableBinary], 'ext_data', '01020304', 'hex')).toBeNull()
    expect(checkWrite([writableBinary], 'ext_data', '0102', 'hex')).toEqual({ reason: 'binary_length', name: 'ext_data', bytes: 4 })
    expect(checkWrite([writableBinary], 'ext_data', 'zz', 'hex')).toEqual({ reason: 'type', name: 'ext_data', expected: 'binary' })
  })

  test('should return the first problem of a write with several values', () => {
    expect(checkWriteAll(acAttrs, { switch: true, set_temp: 99, mode: 'x' })).toEqual({ reason: 'range', name: 'set_temp', min: 16, max: 30 })
    expect(checkWriteAll(acAttrs, { switch: false, set_temp: 20 })).toBeNull()
  })
})

describe('kinds and groups', () => {
  test('should give every datapoint one kind and one group', () => {
    const kinds = Object.fromEntries(petAttrs.map((item) => [item.name, [datapointKind(item), datapointGroup(item)]]))
    expect(kinds.LED_OnOff).toEqual(['switch', 'controls'])
    expect(kinds.LED_Color).toEqual(['enum', 'controls'])
    expect(kinds.Motor_Speed).toEqual(['number', 'controls'])
    expect(kinds.Temperature).toEqual(['readonly', 'sensors'])
    expect(kinds.Infrared).toEqual(['readonly', 'sensors'])
    expect(kinds.Alert_1).toEqual(['alarm', 'alerts'])
    expect(kinds.Fault_Motor).toEqual(['alarm', 'alerts'])
    expect(kinds.ext_data).toEqual(['binary', 'diagnostics'])
  })
})

describe('value comparison', () => {
  test('should confirm numbers within half a step', () => {
    expect(sameValue(roomTemp, 23.44, 23.4)).toBe(true)
    expect(sameValue(roomTemp, 23.6, 23.4)).toBe(false)
    expect(sameValue(setTemp, 24, 24)).toBe(true)
  })

  test('should compare bools with 0/1 and binary arrays with hex', () => {
    expect(sameValue(attr(airConditioner, 'switch'), 1, true)).toBe(true)
    expect(sameValue(attr(airConditioner, 'switch'), false, true)).toBe(false)
    expect(sameValue(attr(petHouse, 'ext_data'), '0a0b', [10, 11])).toBe(true)
    expect(sameValue(attr(airConditioner, 'mode'), '制冷', '制冷')).toBe(true)
    expect(sameValue(attr(airConditioner, 'mode'), undefined, '制冷')).toBe(false)
  })

  test('should read alarm flags in either encoding', () => {
    expect([true, 1, '1', 'true'].map(isActive)).toEqual([true, true, true, true])
    expect([false, 0, undefined, 'no'].map(isActive)).toEqual([false, false, false, false])
  })

  test('should show binary values as lower-case hex', () => {
    expect(binaryToHex([1, 171, 0])).toBe('01ab00')
    expect(binaryToHex('ABCD')).toBe('abcd')
    expect(binaryToHex(undefined)).toBe('')
  })
})
