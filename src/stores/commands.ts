// The life of every command a user gives: sending (the BFF has it, nothing sent yet) → sent (on the wire: from now on
// the device decides) → confirmed (the device's own report shows the value). A command the BFF refused or could not
// send in time is failed: nothing changed, the reported value is shown again. A sent command the device has not
// confirmed in time is unconfirmed, never "failed": it may still run, so the control shows what the device last
// reported and a later report that shows the value still confirms it. Each command carries an id made here; the ids
// still open survive a reconnect and a reload (sessionStorage), and the page asks the BFF what became of them.
import { defineStore } from 'pinia'
import { sameValue } from '@shared/datapoint'
import type { AttrItem, Attrs, AttrValue } from '@shared/open-api'
import type { CommandOutcome } from '@shared/ws-frames'

export type CommandState = 'idle' | 'sending' | 'sent' | 'confirmed' | 'unconfirmed' | 'failed'

export interface Command {
  id: string
  did: string
  name: string
  wanted: AttrValue
  state: CommandState
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

const timers = new Map<string, ReturnType<typeof setTimeout>>()
const keyOf = (did: string, name: string) => `${did}\u0000${name}`
const open = (state: CommandState) => state === 'sending' || state === 'sent' || state === 'unconfirmed'

function storage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}

export const useCommandsStore = defineStore('commands', {
  state: () => ({ commands: {} as Record<string, Command> }),
  getters: {
    stateOf: (state) => (did: string, name: string): CommandState => state.commands[keyOf(did, name)]?.state ?? 'idle',
    /** What a control shows: the value being sent while in flight, else what the device reported. */
    shownValue: (state) => (did: string, name: string, reported: AttrValue | undefined): AttrValue | undefined => {
      const command = state.commands[keyOf(did, name)]
      return command && (command.state === 'sending' || command.state === 'sent') ? command.wanted : reported
    },
    /** Ids whose outcome the page does not know yet: asked about after every (re)connect. */
    openIds: (state): string[] => Object.values(state.commands).filter((command) => open(command.state)).map((command) => command.id),
  },
  actions: {
    /** Starts a command; `write` sends it with its id and returns its req_sn, or null when it cannot be sent now. */
    start(did: string, name: string, wanted: AttrValue, write: (attrs: Attrs, id: string) => number | null): void {
      const key = keyOf(did, name)
      const id = newCommandId()
      const reqSn = write({ [name]: wanted }, id)
      this.commands[key] = { id, did, name, wanted, state: 'sending', reqSn, at: Date.now() }
      if (reqSn === null) return this.fail(key, 'rejected')
      this.arm(key, CONFIRM_TIMEOUT_MS, () => this.unconfirmed(key))
      this.persist()
    },
    onWriteResult(reqSn: number, ok: boolean, message?: string, id?: string, outcome?: CommandOutcome): void {
      const entry = Object.entries(this.commands).find(([, command]) => (id ? command.id === id : command.reqSn === reqSn) && open(command.state))
      if (!entry) return
      const [key, command] = entry
      if (!ok) return this.fail(key, 'rejected', message)
      if (outcome === 'confirmed') return this.confirm(key)
      if (command.state === 'sending') command.state = 'sent'
      this.persist()
    },
    /** The BFF's answer to "what became of these?" after a reconnect or a reload. */
    onStatus(outcomes: Array<{ id: string; state: CommandOutcome }>, notSent?: string): void {
      for (const { id, state } of outcomes) {
        const entry = Object.entries(this.commands).find(([, command]) => command.id === id && open(command.state))
        if (!entry) continue
        const [key, command] = entry
        if (state === 'confirmed') this.confirm(key)
        // Never sent (refused, expired, or never received): nothing changed on the device.
        else if (state === 'expired' || state === 'failed' || state === 'unknown') this.fail(key, 'rejected', notSent)
        else if (state === 'sent' && command.state === 'sending') command.state = 'sent'
      }
      this.persist()
    },
    onReport(did: string, attrs: Attrs, attrOf: (name: string) => AttrItem | undefined): void {
      for (const [key, command] of Object.entries(this.commands)) {
        if (command.did !== did || !(command.name in attrs) || !open(command.state)) continue
        if (!sameValue(attrOf(command.name), attrs[command.name], command.wanted)) continue
        this.confirm(key)
      }
    },
    /** No confirmation in time. The device may still apply it, so nothing is "put back": the report decides. */
    unconfirmed(key: string): void {
      const command = this.commands[key]
      if (!command || !open(command.state)) return
      command.state = 'unconfirmed'
      notify('timeout')
      this.arm(key, UNCONFIRMED_KEEP_MS, () => this.settle(key, 'unconfirmed'))
      this.persist()
    },
    confirm(key: string): void {
      const command = this.commands[key]
      if (!command) return
      command.state = 'confirmed'
      this.arm(key, SHOW_CONFIRMED_MS, () => this.settle(key, 'confirmed'))
      this.persist()
    },
    fail(key: string, reason: 'timeout' | 'rejected', message?: string): void {
      const command = this.commands[key]
      if (!command) return
      command.state = 'failed'
      notify(reason, message)
      this.arm(key, SHOW_FAILED_MS, () => this.settle(key, 'failed'))
      this.persist()
    },
    settle(key: string, from: CommandState): void {
      if (this.commands[key]?.state === from) delete this.commands[key]
      this.persist()
    },
    arm(key: string, ms: number, then: () => void): void {
      clearTimeout(timers.get(key))
      timers.set(key, setTimeout(() => {
        timers.delete(key)
        then()
      }, ms))
    },
    /** Keeps the open commands in sessionStorage, so a reload can still ask what became of them. */
    persist(): void {
      const kept = Object.values(this.commands).filter((command) => open(command.state))
      try {
        if (kept.length === 0) storage()?.removeItem(STORAGE_KEY)
        else storage()?.setItem(STORAGE_KEY, JSON.stringify(kept))
      } catch {
        // A full or disabled storage only loses the question after a reload.
      }
    },
    /** After a reload: the commands still open before it, as unconfirmed until the BFF or the device says more. */
    restore(): void {
      let saved: Command[]
      try {
        saved = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]') as Command[]
      } catch {
        saved = []
      }
      for (const command of Array.isArray(saved) ? saved : []) {
        const left = command.at + UNCONFIRMED_KEEP_MS - Date.now()
        const key = keyOf(command.did, command.name)
        if (left <= 0 || this.commands[key] || typeof command.id !== 'string') continue
        this.commands[key] = { ...command, state: 'unconfirmed', reqSn: null }
        this.arm(key, left, () => this.settle(key, 'unconfirmed'))
      }
      this.persist()
    },
  },
})
