import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { currentLocale } from '@/i18n'
import { backoffDelay } from '@shared/backoff'
import { HANDSHAKE_TIMEOUT_MS, PageSocket } from '@/live/page-socket'
import { useCommandsStore } from '@/stores/commands'
import { useLiveStore } from '@/stores/live'
import { FakeSocket } from './fixtures/fake-socket'

const Impl = FakeSocket as unknown as typeof WebSocket

describe('page socket', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    FakeSocket.instances = []
  })
  afterEach(() => vi.useRealTimers())

  function socket(extra: Partial<ConstructorParameters<typeof PageSocket>[0]> = {}) {
    const events = { opened: 0, closed: 0, frames: [] as unknown[] }
    const client = new PageSocket({
      url: 'ws://test/ws',
      WebSocketImpl: Impl,
      onOpen: () => events.opened++,
      onClose: () => events.closed++,
      onFrame: (frame) => events.frames.push(frame),
      ...extra,
    })
    return { client, events }
  }

  test('should drop a handshake that hangs and try again, as if it had closed', () => {
    const { client, events } = socket({ random: () => 1 })
    client.start()
    const hung = FakeSocket.last()
    vi.advanceTimersByTime(HANDSHAKE_TIMEOUT_MS - 1)
    expect(hung.readyState).toBe(0)
    vi.advanceTimersByTime(1)
    expect(hung.readyState).toBe(3)
    expect(events.closed).toBe(1)
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  test('should drop a pending handshake when asked to reconnect now, so the new one is not held behind it', () => {
    const { client, events } = socket()
    client.start()
    const pending = FakeSocket.last()
    client.reconnectNow()
    expect(pending.readyState).toBe(3)
    expect(FakeSocket.instances).toHaveLength(2)
    // The dropped one's close is not a close of the current socket.
    expect(events.closed).toBe(0)
    FakeSocket.last().open()
    expect(events.opened).toBe(1)
  })

  test('should pass frames on and swallow pongs', () => {
    const { client, events } = socket()
    client.start()
    FakeSocket.last().open()
    FakeSocket.last().receive({ cmd: 'pong' })
    FakeSocket.last().receive({ cmd: 's2c_cloud_status', data: { connected: true } })
    expect(events.opened).toBe(1)
    expect(events.frames).toEqual([{ cmd: 's2c_cloud_status', data: { connected: true } }])
  })

  test('should reconnect after a jittered wait whose ceiling grows, then stays low', () => {
    // The random source picks the top of each range, so the ceilings show: 1 s, 2 s, 4 s, then the 5 s cap.
    const { client, events } = socket({ random: () => 1 })
    client.start()
    FakeSocket.last().open()
    FakeSocket.last().close()
    expect(events.closed).toBe(1)
    for (const [step, ceiling] of [1000, 2000, 4000, 5000, 5000, 5000].entries()) {
      vi.advanceTimersByTime(ceiling - 1)
      expect(FakeSocket.instances).toHaveLength(step + 1)
      vi.advanceTimersByTime(1)
      expect(FakeSocket.instances).toHaveLength(step + 2)
      FakeSocket.last().close()
    }
  })

  test('should come back within half a second, whatever came before, when a BFF stopping gracefully closes with 1012', () => {
    const { client } = socket({ random: () => 1 })
    client.start()
    FakeSocket.last().close()
    vi.advanceTimersByTime(1000)
    FakeSocket.last().close()
    vi.advanceTimersByTime(2000)
    FakeSocket.last().open()
    // An ordinary drop would wait up to 1 s now; a service restart (another instance is up) waits at most 500 ms.
    FakeSocket.last().close(1012)
    vi.advanceTimersByTime(499)
    expect(FakeSocket.instances).toHaveLength(3)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.instances).toHaveLength(4)
  })

  test('should spread reconnects of many pages over the window instead of all at once', () => {
    // Low draws come back almost at once: the wait is random, not the ceiling.
    const { client } = socket({ random: () => 0 })
    client.start()
    FakeSocket.last().close()
    vi.advanceTimersByTime(100)
    expect(FakeSocket.instances).toHaveLength(2)
    const draws = [0.1, 0.5, 0.9].map((draw) => backoffDelay(3, { baseMs: 1000, capMs: 5000, random: () => draw }))
    expect(new Set(draws).size).toBe(3)
    expect(Math.max(...draws)).toBeLessThanOrEqual(5000)
    expect(backoffDelay(50, { baseMs: 1000, capMs: 5000, random: () => 0.999 })).toBeLessThanOrEqual(5000)
  })

  test('should reconnect at once when asked, and never after stop', () => {
    const { client } = socket()
    client.start()
    FakeSocket.last().close()
    client.reconnectNow()
    expect(FakeSocket.instances).toHaveLength(2)
    client.stop()
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  test('should drop a link that answers no ping, then open a new one', () => {
    const { client } = socket({ pingEveryMs: 1000, pongWithinMs: 500 })
    client.start()
    const first = FakeSocket.last()
    first.open()
    vi.advanceTimersByTime(1000)
    expect(first.sent).toEqual([{ cmd: 'ping' }])
    vi.advanceTimersByTime(500)
    expect(first.readyState).toBe(3)
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.instances).toHaveLength(2)
  })

  test('should keep a link whose pings are answered', () => {
    const { client } = socket({ pingEveryMs: 1000, pongWithinMs: 500 })
    client.start()
    const first = FakeSocket.last()
    first.open()
    vi.advanceTimersByTime(1000)
    first.receive({ cmd: 'pong' })
    vi.advanceTimersByTime(600)
    expect(first.readyState).toBe(1)
  })
})

describe('live store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    sessionStorage.clear()
    FakeSocket.instances = []
    setActivePinia(createPinia())
  })
  afterEach(() => {
    useLiveStore().disconnect()
    vi.useRealTimers()
  })

  test('should subscribe again to every device after each reconnect, to get a fresh snapshot', () => {
    const live = useLiveStore()
    live.connect(Impl)
    FakeSocket.last().open()
    live.subscribe(['a', 'b'])
    expect(FakeSocket.last().sent).toEqual([{ cmd: 'subscribe_req', data: [{ did: 'a' }, { did: 'b' }] }])
    FakeSocket.last().close()
    expect(live.socketUp).toBe(false)
    vi.advanceTimersByTime(1000)
    FakeSocket.last().open()
    expect(FakeSocket.last().sent).toEqual([{ cmd: 'subscribe_req', data: [{ did: 'a' }, { did: 'b' }] }])
    expect(FakeSocket.last().url).toBe(`ws://${location.host}/ws?lang=${currentLocale()}`)
  })

  test('should keep device values, online state and the cloud link from frames', () => {
    const live = useLiveStore()
    live.connect(Impl)
    FakeSocket.last().open()
    FakeSocket.last().receive({ cmd: 's2c_online_status', data: { did: 'a', passcode: 'x', mac: 'y', online: false } })
    expect(live.device('a').online).toBe(false)
    FakeSocket.last().receive({ cmd: 's2c_noti', data: { did: 'a', attrs: { set_temp: 20 } } })
    expect(live.device('a')).toEqual({ online: true, attrs: { set_temp: 20 }, known: true, reported: true })
    FakeSocket.last().receive({ cmd: 's2c_cloud_status', data: { connected: false } })
    expect(live.linkDown).toBe(true)
  })

  test('should count a device as reported (its card live) once the socket gave its values, or said it is offline', () => {
    const live = useLiveStore()
    live.connect(Impl)
    FakeSocket.last().open()
    live.applyLatest('a', { set_temp: 18 })
    expect(live.device('a').reported).toBeFalsy()
    FakeSocket.last().receive({ cmd: 's2c_online_status', data: { did: 'a', passcode: 'x', mac: 'y', online: true } })
    expect(live.device('a').reported, 'online, its values are still the old ones').toBeFalsy()
    FakeSocket.last().receive({ cmd: 's2c_noti', data: { did: 'a', attrs: { set_temp: 20 } } })
    expect(live.device('a').reported).toBe(true)
    FakeSocket.last().receive({ cmd: 's2c_online_status', data: { did: 'b', passcode: 'x', mac: 'y', online: false } })
    expect(live.device('b').reported).toBe(true)
  })

  test('should let live reports win over older REST values', () => {
    const live = useLiveStore()
    live.connect(Impl)
    FakeSocket.last().open()
    FakeSocket.last().receive({ cmd: 's2c_noti', data: { did: 'a', attrs: { set_temp: 22 } } })
    live.applyLatest('a', { set_temp: 18, mode: '制冷' })
    expect(live.device('a').attrs).toEqual({ set_temp: 22, mode: '制冷' })
  })

  test('should refuse to write while the socket is down', () => {
    const live = useLiveStore()
    live.connect(Impl)
    const write = { cmd: 'c2s_write', req_sn: 1, id: 'cmd-0123456789', data: { did: 'a', attrs: { switch: true } } } as const
    expect(live.send(write)).toBe(false)
    FakeSocket.last().open()
    expect(live.send(write)).toBe(true)
    expect(FakeSocket.last().sent).toContainEqual(write)
  })

  test('should keep a command open across a reconnect and ask the BFF what became of it', () => {
    const live = useLiveStore()
    const commands = useCommandsStore()
    live.connect(Impl)
    FakeSocket.last().open()
    live.subscribe(['a'])
    commands.write('a', 'switch', true)
    const { id } = FakeSocket.last().sent.at(-1) as { id: string }
    // The BFF dies before it answers.
    FakeSocket.last().close()
    vi.advanceTimersByTime(1000)
    FakeSocket.last().open()
    expect(FakeSocket.last().sent).toEqual([
      { cmd: 'subscribe_req', data: [{ did: 'a' }] },
      { cmd: 'c2s_command_status', data: { ids: [id] } },
    ])
    FakeSocket.last().receive({ cmd: 's2c_command_status', data: { commands: [{ id, state: 'expired' }] } })
    expect(commands.stateOf('a', 'switch')).toBe('failed')
    expect(commands.openIds).toEqual([])
  })
})
