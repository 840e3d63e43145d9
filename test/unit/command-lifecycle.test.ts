import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { CONFIRM_TIMEOUT_MS, setFailureNotifier, useCommandsStore } from '@/stores/commands'
import { airConditioner, attr } from './fixtures/products'

const DID = 'gKufzxZwYeyd3Skbsb6mza'
const attrOf = (name: string) => attr(airConditioner, name)

describe('command lifecycle', () => {
  let notified: Array<[string, string | undefined]>

  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    notified = []
    setFailureNotifier((reason, message) => notified.push([reason, message]))
  })
  afterEach(() => vi.useRealTimers())

  test('should go sending → sent → confirmed → idle when the device reports the value', () => {
    const commands = useCommandsStore()
    const write = vi.fn(() => 7)
    commands.start(DID, 'set_temp', 25, write)
    expect(write).toHaveBeenCalledWith({ set_temp: 25 })
    expect(commands.stateOf(DID, 'set_temp')).toBe('sending')
    expect(commands.shownValue(DID, 'set_temp', 24)).toBe(25)

    commands.onWriteResult(7, true)
    expect(commands.stateOf(DID, 'set_temp')).toBe('sent')

    commands.onReport(DID, { set_temp: 25, room_temp: 27 }, attrOf)
    expect(commands.stateOf(DID, 'set_temp')).toBe('confirmed')
    vi.advanceTimersByTime(5000)
    expect(commands.stateOf(DID, 'set_temp')).toBe('idle')
    expect(notified).toEqual([])
  })

  test('should not confirm when the device reports another value', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'set_temp', 25, () => 1)
    commands.onReport(DID, { set_temp: 24 }, attrOf)
    commands.onReport('another-device', { set_temp: 25 }, attrOf)
    expect(commands.stateOf(DID, 'set_temp')).toBe('sending')
  })

  test('should fail, show the reported value again and notify when the device never confirms', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'switch', false, () => 3)
    commands.onWriteResult(3, true)
    vi.advanceTimersByTime(CONFIRM_TIMEOUT_MS + 1)
    expect(commands.stateOf(DID, 'switch')).toBe('failed')
    expect(commands.shownValue(DID, 'switch', true)).toBe(true)
    expect(notified).toEqual([['timeout', undefined]])
    vi.advanceTimersByTime(5000)
    expect(commands.stateOf(DID, 'switch')).toBe('idle')
  })

  test('should fail with the BFF message when the write is refused', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'mode', '制热', () => 9)
    commands.onWriteResult(9, false, '设备离线，暂时无法控制')
    expect(commands.stateOf(DID, 'mode')).toBe('failed')
    expect(notified).toEqual([['rejected', '设备离线，暂时无法控制']])
  })

  test('should fail at once when the command cannot be sent', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'mode', '制热', () => null)
    expect(commands.stateOf(DID, 'mode')).toBe('failed')
    expect(notified.map(([reason]) => reason)).toEqual(['rejected'])
  })
})
