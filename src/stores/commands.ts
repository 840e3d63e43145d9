// The life of every command a user gives: sending → sent (the BFF took it) → confirmed (the device's own report
// shows the value) → or failed (refused, or no confirmation in time), which puts the reported value back.
import { defineStore } from 'pinia'
import { sameValue } from '@shared/datapoint'
import type { AttrItem, Attrs, AttrValue } from '@shared/open-api'

export type CommandState = 'idle' | 'sending' | 'sent' | 'confirmed' | 'failed'

export interface Command {
  did: string
  name: string
  wanted: AttrValue
  state: CommandState
  reqSn: number | null
}

export const CONFIRM_TIMEOUT_MS = 8000
const SHOW_CONFIRMED_MS = 2000
const SHOW_FAILED_MS = 3000

type Notify = (reason: 'timeout' | 'rejected', message?: string) => unknown
let notify: Notify = () => {}
/** The app shows failures as toasts; tests can listen instead. */
export function setFailureNotifier(fn: Notify): void {
  notify = fn
}

const timers = new Map<string, ReturnType<typeof setTimeout>>()
const keyOf = (did: string, name: string) => `${did}\u0000${name}`

export const useCommandsStore = defineStore('commands', {
  state: () => ({ commands: {} as Record<string, Command> }),
  getters: {
    stateOf: (state) => (did: string, name: string): CommandState => state.commands[keyOf(did, name)]?.state ?? 'idle',
    /** What a control shows: the value being sent while in flight, else what the device reported. */
    shownValue: (state) => (did: string, name: string, reported: AttrValue | undefined): AttrValue | undefined => {
      const command = state.commands[keyOf(did, name)]
      return command && (command.state === 'sending' || command.state === 'sent') ? command.wanted : reported
    },
  },
  actions: {
    /** Starts a command; `write` sends it and returns its req_sn, or null when it cannot be sent now. */
    start(did: string, name: string, wanted: AttrValue, write: (attrs: Attrs) => number | null): void {
      const key = keyOf(did, name)
      const reqSn = write({ [name]: wanted })
      this.commands[key] = { did, name, wanted, state: 'sending', reqSn }
      if (reqSn === null) return this.fail(key, 'rejected')
      this.arm(key, CONFIRM_TIMEOUT_MS, () => this.fail(key, 'timeout'))
    },
    onWriteResult(reqSn: number, ok: boolean, message?: string): void {
      const entry = Object.entries(this.commands).find(([, command]) => command.reqSn === reqSn && (command.state === 'sending' || command.state === 'sent'))
      if (!entry) return
      const [key, command] = entry
      if (ok) {
        if (command.state === 'sending') command.state = 'sent'
      } else this.fail(key, 'rejected', message)
    },
    onReport(did: string, attrs: Attrs, attrOf: (name: string) => AttrItem | undefined): void {
      for (const [key, command] of Object.entries(this.commands)) {
        if (command.did !== did || !(command.name in attrs)) continue
        if (command.state !== 'sending' && command.state !== 'sent') continue
        if (!sameValue(attrOf(command.name), attrs[command.name], command.wanted)) continue
        command.state = 'confirmed'
        this.arm(key, SHOW_CONFIRMED_MS, () => this.settle(key, 'confirmed'))
      }
    },
    fail(key: string, reason: 'timeout' | 'rejected', message?: string): void {
      const command = this.commands[key]
      if (!command) return
      command.state = 'failed'
      notify(reason, message)
      this.arm(key, SHOW_FAILED_MS, () => this.settle(key, 'failed'))
    },
    settle(key: string, from: CommandState): void {
      if (this.commands[key]?.state === from) delete this.commands[key]
    },
    arm(key: string, ms: number, then: () => void): void {
      clearTimeout(timers.get(key))
      timers.set(key, setTimeout(() => {
        timers.delete(key)
        then()
      }, ms))
    },
  },
})
