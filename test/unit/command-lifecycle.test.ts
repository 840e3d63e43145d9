// Device control through its one owner (stores/commands.ts), driven the way the page drives it: a tap writes a
// frame on the page socket, and the BFF's frames (write result, device report with res_sn, command status) move
// the command along. The socket is a stand-in; the stores are the app's own.
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { BoundDevice } from '@shared/open-api'
import { COMMAND_ID_PATTERN, type PageC2sWrite } from '@shared/ws-frames'
import { setLocale } from '@/i18n'
import { CONFIRM_TIMEOUT_MS, UNCONFIRMED_KEEP_MS, setFailureNotifier, useCommandsStore } from '@/stores/commands'
import { useDevicesStore } from '@/stores/devices'
import { useLiveStore } from '@/stores/live'
import { FakeSocket, FakeSocketImpl } from './fixtures/fake-socket'
import { airConditioner } from './fixtures/products'

const DID = 'gKufzxZwYeyd3Skbsb6mza'

/** A fresh page (Pinia) whose socket is open, with the air conditioner in the user's list. */
function page() {
  setActivePinia(createPinia())
  const devices = useDevicesStore()
  devices.list = [{ did: DID, product_key: airConditioner.product_key } as BoundDevice]
  devices.products[airConditioner.product_key] = airConditioner
  const commands = useCommandsStore()
  const live = useLiveStore()
  live.connect(FakeSocketImpl)
  FakeSocket.last().open()
  return { commands, live, socket: () => FakeSocket.last() }
}

const writes = () => FakeSocket.last().sentOf<PageC2sWrite>('c2s_write')
const lastWrite = () => writes().at(-1)!
const report = (attrs: object, resSn?: number, did = DID) => FakeSocket.last().receive({ cmd: 's2c_noti', ...(resSn === undefined ? {} : { res_sn: resSn }), data: { did, attrs } })
const writeRes = (write: PageC2sWrite, data: object) => FakeSocket.last().receive({ cmd: 's2c_write_res', res_sn: write.req_sn, data: { did: DID, id: write.id, ...data } })

describe('command lifecycle', () => {
  let notified: Array<[string, string | undefined]>

  beforeEach(() => {
    vi.useFakeTimers()
    sessionStorage.clear()
    FakeSocket.instances = []
    setLocale('zh-CN')
    notified = []
    setFailureNotifier((reason, message) => notified.push([reason, message]))
  })
  afterEach(() => {
    useLiveStore().disconnect()
    vi.useRealTimers()
  })

  test('should go sending → sent → confirmed → idle when the device answers the write', () => {
    const { commands } = page()
    commands.write(DID, 'set_temp', 25)
    const write = lastWrite()
    expect(write).toEqual({ cmd: 'c2s_write', req_sn: expect.any(Number), id: expect.stringMatching(COMMAND_ID_PATTERN), data: { did: DID, attrs: { set_temp: 25 } } })
    expect(commands.stateOf(DID, 'set_temp')).toBe('sending')
    expect(commands.shownValue(DID, 'set_temp', 24)).toBe(25)

    writeRes(write, { ok: true, state: 'sent' })
    expect(commands.stateOf(DID, 'set_temp')).toBe('sent')

    // The BFF relays the device's answer with our req_sn as res_sn.
    report({ set_temp: 25, room_temp: 27 }, write.req_sn)
    expect(commands.stateOf(DID, 'set_temp')).toBe('confirmed')
    vi.advanceTimersByTime(5000)
    expect(commands.stateOf(DID, 'set_temp')).toBe('idle')
    expect(notified).toEqual([])
  })

  test('should confirm by the relayed correlation, not by the value, when the report answers this write', () => {
    const { commands } = page()
    commands.write(DID, 'set_temp', 25)
    const write = lastWrite()
    // Another write's answer that happens to show an older value does not settle this one…
    report({ set_temp: 24 }, write.req_sn! + 1000)
    expect(commands.stateOf(DID, 'set_temp')).toBe('sending')
    // …the answer to this write does, and the control then shows what the device reported.
    report({ set_temp: 24 }, write.req_sn)
    expect(commands.stateOf(DID, 'set_temp')).toBe('confirmed')
    expect(commands.shownValue(DID, 'set_temp', 24)).toBe(24)
  })

  test('should not confirm when a report without res_sn shows another value, or is another device\'s', () => {
    const { commands } = page()
    commands.write(DID, 'set_temp', 25)
    report({ set_temp: 24 })
    report({ set_temp: 25 }, undefined, 'another-device')
    expect(commands.stateOf(DID, 'set_temp')).toBe('sending')
  })

  test('should say "not confirmed yet", never "failed", when a sent command is not confirmed in time, and let a later report confirm it', () => {
    const { commands } = page()
    commands.write(DID, 'switch', false)
    writeRes(lastWrite(), { ok: true, state: 'sent' })
    vi.advanceTimersByTime(CONFIRM_TIMEOUT_MS + 1)
    // It is on the wire: the device may still apply it, so the control shows what the device reports.
    expect(commands.stateOf(DID, 'switch')).toBe('unconfirmed')
    expect(commands.shownValue(DID, 'switch', true)).toBe(true)
    expect(notified).toEqual([['timeout', undefined]])
    // A device that acked the write and reports its state later, without res_sn: the value confirms it.
    report({ switch: false })
    expect(commands.stateOf(DID, 'switch')).toBe('confirmed')
    vi.advanceTimersByTime(5000)
    expect(commands.stateOf(DID, 'switch')).toBe('idle')
  })

  test('should forget an unconfirmed command quietly once the device had its chance', () => {
    const { commands } = page()
    commands.write(DID, 'switch', false)
    vi.advanceTimersByTime(CONFIRM_TIMEOUT_MS + UNCONFIRMED_KEEP_MS + 1)
    expect(commands.stateOf(DID, 'switch')).toBe('idle')
    expect(notified).toEqual([['timeout', undefined]])
  })

  test('should give each command its own id and req_sn, send them with the write and keep it open until the outcome is known', () => {
    const { commands } = page()
    commands.write(DID, 'set_temp', 25)
    commands.write(DID, 'mode', '制热')
    const [first, second] = writes()
    expect(first.id).toMatch(COMMAND_ID_PATTERN)
    expect(second.id).not.toBe(first.id)
    expect(second.req_sn).not.toBe(first.req_sn)
    expect(commands.openIds).toEqual([first.id, second.id])
    report({ set_temp: 25 }, first.req_sn)
    expect(commands.openIds).toEqual([second.id])
  })

  test('should ask the BFF about open commands after a reconnect and learn their outcome', () => {
    const { commands } = page()
    for (const [name, value] of [['set_temp', 25], ['mode', '制热'], ['switch', true]] as const) commands.write(DID, name, value)
    const ids = writes().map((write) => write.id!)
    const socket = FakeSocket.reopen()
    expect(socket.sentOf('c2s_command_status')).toEqual([{ cmd: 'c2s_command_status', data: { ids } }])
    socket.receive({ cmd: 's2c_command_status', data: { commands: [{ id: ids[0], state: 'expired' }, { id: ids[1], state: 'confirmed' }, { id: ids[2], state: 'sent' }] } })
    expect(commands.stateOf(DID, 'set_temp')).toBe('failed')
    expect(notified).toEqual([['rejected', '没有发出，设备没有变化']])
    expect(commands.stateOf(DID, 'mode')).toBe('confirmed')
    // Sent: the device decides; still waiting for its report.
    expect(commands.stateOf(DID, 'switch')).toBe('sent')
  })

  test('should keep open commands across a reload and ask about them again', () => {
    page().commands.write(DID, 'set_temp', 25)
    const { id } = lastWrite()
    useLiveStore().disconnect()

    const reloaded = page()
    expect(reloaded.commands.openIds).toEqual([id])
    expect(reloaded.commands.stateOf(DID, 'set_temp')).toBe('unconfirmed')
    expect(reloaded.socket().sentOf('c2s_command_status')).toEqual([{ cmd: 'c2s_command_status', data: { ids: [id] } }])
    reloaded.socket().receive({ cmd: 's2c_command_status', data: { commands: [{ id, state: 'unknown' }] } })
    expect(reloaded.commands.stateOf(DID, 'set_temp')).toBe('failed')
    useLiveStore().disconnect()

    expect(page().commands.openIds).toEqual([])
  })

  test('should fail with the BFF message when the write is refused', () => {
    const { commands } = page()
    commands.write(DID, 'mode', '制热')
    writeRes(lastWrite(), { ok: false, state: 'failed', error_code: 'device_offline', msg: '设备离线，暂时无法控制' })
    expect(commands.stateOf(DID, 'mode')).toBe('failed')
    expect(notified).toEqual([['rejected', '设备离线，暂时无法控制']])
  })

  test('should fail at once when the command cannot be sent', () => {
    const { commands } = page()
    FakeSocket.last().close()
    commands.write(DID, 'mode', '制热')
    expect(writes()).toEqual([])
    expect(commands.stateOf(DID, 'mode')).toBe('failed')
    expect(notified.map(([reason]) => reason)).toEqual(['rejected'])
  })
})
