// The one owner of device control on the page: every command a user gives, from the tap to the device's answer.
// sending (the BFF has it, nothing sent yet) → sent (on the wire: from now on the device decides) → confirmed (the
// device answered). A command the BFF refused or could not send in time is failed: nothing changed, the reported
// value is shown again. A sent command the device has not confirmed in time is unconfirmed, never "failed": it may
// still run, so the control shows what the device last reported and a later report still confirms it.
// Each command carries an id made here (the BFF keys it by that id; the ids still open survive a reconnect and a
// reload in sessionStorage, and are asked about with `c2s_command_status`) and a req_sn made here, which the BFF
// echoes as `res_sn` on its `s2c_write_res` and on the device's report that answers the write.
// It sends through the live store and listens to its frames; the live store never calls back here.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { sameValue } from '@shared/datapoint'
import type { AttrValue } from '@shared/open-api'
import { MAX_COMMAND_STATUS_IDS, type CommandOutcome, type PageServerFrame, type S2cNoti, type S2cWriteRes } from '@shared/ws-frames'
import { i18n } from '@/i18n'
import { useDevicesStore } from './devices'
import { useLiveStore } from './live'

export type CommandState = 'idle' | 'sending' | 'sent' | 'confirmed' | 'unconfirmed' | 'failed'

export interface Command {
  id: string
  did: string
  name: string
  wanted: AttrValue
  state: CommandState
  /** The req_sn it went out with on this page's socket; null once restored after a reload. */
  reqSn: number | null
  at: number
}

export const CONFIRM_TIMEOUT_MS = 8000
/** How long an unconfirmed command still listens for the device's report (and is asked about after a reload). */
export const UNCONFIRMED_KEEP_MS = 60_000
const SHOW_CONFIRMED_MS = 2000
const SHOW_FAILED_MS = 3000
const STORAGE_KEY = 'h5.openCommands'

type Notify = (reason: 'timeout' | 'rejected', message?: string) => unknown
let notify: Notify = () => {}
/** The app shows failures as toasts; tests can listen instead. */
export function setFailureNotifier(fn: Notify): void {
  notify = fn
}

/** A random id the BFF keys the command by (COMMAND_ID_PATTERN): 32 hex characters. */
export function newCommandId(): string {
  const bytes = new Uint8Array(16)
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Unique for the page's life, across sockets: a late answer on a new socket can never match another command. */
let nextReqSn = 1
const keyOf = (did: string, name: string) => `${did}\u0000${name}`
const isOpen = (state: CommandState) => state === 'sending' || state === 'sent' || state === 'unconfirmed'

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

export const useCommandsStore = defineStore('commands', () => {
  const live = useLiveStore()
  const devices = useDevicesStore()
  const commands = ref<Record<string, Command>>({})
  const timers = new Map<string, ReturnType<typeof setTimeout>>()

  const stateOf = computed(() => (did: string, name: string): CommandState => commands.value[keyOf(did, name)]?.state ?? 'idle')
  /** What a control shows: the value being sent while in flight, else what the device reported. */
  const shownValue = computed(() => (did: string, name: string, reported: AttrValue | undefined): AttrValue | undefined => {
    const command = commands.value[keyOf(did, name)]
    return command && (command.state === 'sending' || command.state === 'sent') ? command.wanted : reported
  })
  /** Ids whose outcome the page does not know yet: asked about after every (re)connect. */
  const openIds = computed(() => Object.values(commands.value).filter((command) => isOpen(command.state)).map((command) => command.id))

  const openEntry = (match: (command: Command) => boolean) => Object.entries(commands.value).find(([, command]) => isOpen(command.state) && match(command))

  /** A user's tap: one datapoint of one device set to one value. */
  function write(did: string, name: string, wanted: AttrValue): void {
    const key = keyOf(did, name)
    const id = newCommandId()
    const reqSn = nextReqSn++
    const sent = live.send({ cmd: 'c2s_write', req_sn: reqSn, id, data: { did, attrs: { [name]: wanted } } })
    commands.value[key] = { id, did, name, wanted, state: 'sending', reqSn: sent ? reqSn : null, at: Date.now() }
    if (!sent) return fail(key, 'rejected')
    arm(key, CONFIRM_TIMEOUT_MS, () => unconfirmed(key))
    persist()
  }

  function onWriteResult({ res_sn: resSn, data }: S2cWriteRes): void {
    const entry = openEntry((command) => (data.id ? command.id === data.id : command.reqSn === resSn))
    if (!entry) return
    const [key, command] = entry
    if (!data.ok) return fail(key, 'rejected', data.msg)
    if (data.state === 'confirmed') return confirm(key)
    if (command.state === 'sending') command.state = 'sent'
    persist()
  }

  /** The BFF's answer to "what became of these?" after a reconnect or a reload. */
  function onStatus(outcomes: Array<{ id: string; state: CommandOutcome }>): void {
    for (const { id, state } of outcomes) {
      const entry = openEntry((command) => command.id === id)
      if (!entry) continue
      const [key, command] = entry
      if (state === 'confirmed') confirm(key)
      // Never sent (refused, expired, or never received): nothing changed on the device.
      else if (state === 'expired' || state === 'failed' || state === 'unknown') fail(key, 'rejected', i18n.global.t('command.notSent'))
      else if (state === 'sent' && command.state === 'sending') command.state = 'sent'
    }
    persist()
  }

  /**
   * A device report. The one carrying our req_sn as `res_sn` is the device's answer to that write: confirmed.
   * Any report that shows the value a command asked for confirms it too, because the correlation is not always
   * there: a device may answer a write with `s2c_ack` and report its state separately, and a command sent before a
   * reconnect or restored after a reload has no req_sn that reports on this socket can carry.
   */
  function onReport({ res_sn: resSn, data: { did, attrs } }: S2cNoti): void {
    for (const [key, command] of Object.entries(commands.value)) {
      if (command.did !== did || !isOpen(command.state)) continue
      const answered = resSn !== undefined && command.reqSn === resSn
      if (answered || (command.name in attrs && sameValue(devices.attrOf(did, command.name), attrs[command.name], command.wanted))) confirm(key)
    }
  }

  function onFrame(frame: PageServerFrame): void {
    if (frame.cmd === 's2c_noti') onReport(frame)
    else if (frame.cmd === 's2c_write_res') onWriteResult(frame)
    else if (frame.cmd === 's2c_command_status') onStatus(frame.data.commands)
  }

  /** A command whose answer was lost with the old socket (or the old BFF): ask what became of it. */
  function askAboutOpen(): void {
    const ids = openIds.value
    if (ids.length > 0) live.send({ cmd: 'c2s_command_status', data: { ids: ids.slice(-MAX_COMMAND_STATUS_IDS) } })
  }

  /** No confirmation in time. The device may still apply it, so nothing is "put back": the report decides. */
  function unconfirmed(key: string): void {
    const command = commands.value[key]
    if (!command || !isOpen(command.state)) return
    command.state = 'unconfirmed'
    notify('timeout')
    arm(key, UNCONFIRMED_KEEP_MS, () => settle(key, 'unconfirmed'))
    persist()
  }

  function confirm(key: string): void {
    const command = commands.value[key]
    if (!command) return
    command.state = 'confirmed'
    arm(key, SHOW_CONFIRMED_MS, () => settle(key, 'confirmed'))
    persist()
  }

  function fail(key: string, reason: 'timeout' | 'rejected', message?: string): void {
    const command = commands.value[key]
    if (!command) return
    command.state = 'failed'
    notify(reason, message)
    arm(key, SHOW_FAILED_MS, () => settle(key, 'failed'))
    persist()
  }

  function settle(key: string, from: CommandState): void {
    if (commands.value[key]?.state === from) delete commands.value[key]
    persist()
  }

  function arm(key: string, ms: number, then: () => void): void {
    clearTimeout(timers.get(key))
    timers.set(key, setTimeout(() => {
      timers.delete(key)
      then()
    }, ms))
  }

  /** Keeps the open commands in sessionStorage, so a reload can still ask what became of them. */
  function persist(): void {
    const kept = Object.values(commands.value).filter((command) => isOpen(command.state))
    try {
      if (kept.length === 0) storage()?.removeItem(STORAGE_KEY)
      else storage()?.setItem(STORAGE_KEY, JSON.stringify(kept))
    } catch {
      // A full or disabled storage only loses the question after a reload.
    }
  }

  /** After a reload: the commands still open before it, as unconfirmed until the BFF or the device says more. */
  function restore(): void {
    let saved: Command[]
    try {
      saved = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]') as Command[]
    } catch {
      saved = []
    }
    for (const command of Array.isArray(saved) ? saved : []) {
      const left = command.at + UNCONFIRMED_KEEP_MS - Date.now()
      const key = keyOf(command.did, command.name)
      if (left <= 0 || commands.value[key] || typeof command.id !== 'string') continue
      commands.value[key] = { ...command, state: 'unconfirmed', reqSn: null }
      arm(key, left, () => settle(key, 'unconfirmed'))
    }
    persist()
  }

  // Detached: the store outlives the component that first used it.
  live.$onAction(({ name, args, after }) => {
    if (name === 'opened') after(askAboutOpen)
    else if (name === 'onFrame') after(() => onFrame(args[0]))
  }, true)
  restore()
  if (live.socketUp) askAboutOpen()

  return { commands, stateOf, shownValue, openIds, write }
})
