import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { COMMAND_ID_PATTERN } from '@shared/ws-frames'
import { CONFIRM_TIMEOUT_MS, UNCONFIRMED_KEEP_MS, setFailureNotifier, useCommandsStore } from '@/stores/commands'
import { airConditioner, attr } from './fixtures/products'

const DID = 'gKufzxZwYeyd3Skbsb6mza'
const attrOf = (name: string) => attr(airConditioner, name)

describe('command lifecycle', () => {
  let notified: Array<[string, string | undefined]>

  beforeEach(() => {
    vi.useFakeTimers()
    sessionStorage.clear()
    setActivePinia(createPinia())
    notified = []
    setFailureNotifier((reason, message) => notified.push([reason, message]))
  })
  afterEach(() => vi.useRealTimers())

  test('should go sending → sent → confirmed → idle when the device reports the value', () => {
    const commands = useCommandsStore()
    const write = vi.fn(() => 7)
    commands.start(DID, 'set_temp', 25, write)
    expect(write).toHaveBeenCalledWith({ set_temp: 25 }, expect.stringMatching(COMMAND_ID_PATTERN))
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

  test('should say "not confirmed yet", never "failed", when a sent command is not confirmed in time, and let a later report confirm it', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'switch', false, () => 3)
    commands.onWriteResult(3, true)
    vi.advanceTimersByTime(CONFIRM_TIMEOUT_MS + 1)
    // It is on the wire: the device may still apply it, so the control shows what the device reports.
    expect(commands.stateOf(DID, 'switch')).toBe('unconfirmed')
    expect(commands.shownValue(DID, 'switch', true)).toBe(true)
    expect(notified).toEqual([['timeout', undefined]])
    commands.onReport(DID, { switch: false }, attrOf)
    expect(commands.stateOf(DID, 'switch')).toBe('confirmed')
    vi.advanceTimersByTime(5000)
    expect(commands.stateOf(DID, 'switch')).toBe('idle')
  })

  test('should forget an unconfirmed command quietly once the device had its chance', () => {
    const commands = useCommandsStore()
    commands.start(DID, 'switch', false, () => 3)
    vi.advanceTimersByTime(CONFIRM_TIMEOUT_MS + UNCONFIRMED_KEEP_MS + 1)
    expect(commands.stateOf(DID, 'switch')).toBe('idle')
    expect(notified).toEqual([['timeout', undefined]])
  })

  test('should give each command its own id, send it with the write and keep it open until the outcome is known', () => {
    const commands = useCommandsStore()
    const ids: string[] = []
    commands.start(DID, 'set_temp', 25, (_attrs, id) => (ids.push(id), 1))
    commands.start(DID, 'mode', '制热', (_attrs, id) => (ids.push(id), 2))
    expect(ids[0]).toMatch(COMMAND_ID_PATTERN)
    expect(ids[1]).not.toBe(ids[0])
    expect(commands.openIds).toEqual(ids)
    commands.onReport(DID, { set_temp: 25 }, attrOf)
    expect(commands.openIds).toEqual([ids[1]])
  })

  test('should learn the outcome of open commands from the BFF after a reconnect', () => {
    const commands = useCommandsStore()
    const ids: string[] = []
    for (const [name, value] of [['set_temp', 25], ['mode', '制热'], ['switch', true]] as const) commands.start(DID, name, value, (_attrs, id) => (ids.push(id), 1))
    commands.onStatus([{ id: ids[0], state: 'expired' }, { id: ids[1], state: 'confirmed' }, { id: ids[2], state: 'sent' }], '没有发出，设备没有变化')
    expect(commands.stateOf(DID, 'set_temp')).toBe('failed')
    expect(notified).toEqual([['rejected', '没有发出，设备没有变化']])
    expect(commands.stateOf(DID, 'mode')).toBe('confirmed')
    // Sent: the device decides; still waiting for its report.
    expect(commands.stateOf(DID, 'switch')).toBe('sent')
  })

  test('should keep open commands across a reload and ask about them again', () => {
    const commands = useCommandsStore()
    let id = ''
    commands.start(DID, 'set_temp', 25, (_attrs, given) => ((id = given), 4))
    setActivePinia(createPinia())
    const reloaded = useCommandsStore()
    expect(reloaded.openIds).toEqual([])
    reloaded.restore()
    expect(reloaded.openIds).toEqual([id])
    expect(reloaded.stateOf(DID, 'set_temp')).toBe('unconfirmed')
    reloaded.onStatus([{ id, state: 'unknown' }])
    expect(reloaded.stateOf(DID, 'set_temp')).toBe('failed')
    setActivePinia(createPinia())
    useCommandsStore().restore()
    expect(useCommandsStore().openIds).toEqual([])
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
