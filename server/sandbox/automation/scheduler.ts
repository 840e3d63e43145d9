// The cloud's scheduler, as the sandbox runs it: one timer for the earliest due occurrence (a heap orders them), not
// a poll over every schedule. It runs on sandbox time, so advancing the sandbox clock fires everything due in
// between, in due order, each once. Each occurrence is claimed in the store before it runs (store/schedulers.ts),
// so a restart never fires one twice; at start it catches up what fell due while it was down, within
// CATCH_UP_TOLERANCE_MS, and logs older ones as missed.
import type { SandboxClock } from '../clock'
import type { RunRow, SchedulerRow, SchedulerStore } from '../store/schedulers'
import { nextOccurrence, type ScheduleTiming } from './occurrences'

/**
 * How late a schedule still fires after the sandbox was down. Half an hour: restarts and deploys take seconds to
 * minutes, so anything shorter loses runs to a routine restart; a schedule is a time of day to the minute, and
 * "heating on at 07:00" still helps at 07:25, while "pump on at 07:00" run hours late, after the user has dealt with
 * it by hand, does harm. The seed documents no figure for the real cloud.
 */
export const CATCH_UP_TOLERANCE_MS = 30 * 60_000
/** setTimeout's ceiling; a later occurrence re-arms when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

export interface ScheduleFields extends ScheduleTiming {
  enabled: boolean
  remark: string
  attrs: Record<string, unknown>
  raw: string
}

export interface LoadedSchedule { row: SchedulerRow; fields: ScheduleFields }

export type RunStatus = RunRow['status']
/** What a run ended with: the device's answer, or why it failed. */
export interface RunEnd { status: Exclude<RunStatus, 'running' | 'missed'>; detail: Record<string, boolean>; attrs?: Record<string, unknown>; error?: string }
/** Carries out one run and calls `finish` once, now or when the device answers. */
export type ScheduleExecutor = (schedule: LoadedSchedule, finish: (end: RunEnd) => void, dueMs: number) => void

interface Entry { due: number; id: string; seq: number }

export class Scheduler {
  private heap: Entry[] = []
  private readonly live = new Map<string, { seq: number; due: number; schedule: LoadedSchedule }>()
  private seq = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  private unlisten: (() => void) | undefined
  /** Fires and their lateness on sandbox time, for bench/scheduler. */
  onFire: ((dueMs: number, firedMs: number) => void) | undefined

  constructor(private readonly store: SchedulerStore, private readonly clock: SandboxClock, private readonly execute: ScheduleExecutor) {}

  start(): void {
    this.stopped = false
    const now = this.clock.nowMs()
    for (const run of this.store.runningRuns()) this.store.finishRun(run.id, 'failed', { detail: {}, error: 'the cloud restarted before the device answered' })
    for (const row of this.store.all()) {
      const schedule = load(row)
      if (!schedule.fields.enabled) continue
      let due = nextOccurrence(schedule.fields, baseline(row))
      let missed: number | null = null
      while (due !== null && due < now - CATCH_UP_TOLERANCE_MS) {
        missed = due
        due = nextOccurrence(schedule.fields, due)
      }
      if (missed !== null) this.store.claim(row.id, missed, now, 'missed', { detail: {}, error: 'the cloud was down at the due time' })
      if (due !== null) this.push(row.id, due, schedule)
    }
    this.unlisten = this.clock.onAdvance(() => this.runDue())
    this.runDue()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.unlisten?.()
  }

  /** A schedule was created or changed: it counts from now, and its next occurrence replaces any queued one. */
  put(row: SchedulerRow): void {
    const schedule = load(row)
    this.live.delete(row.id)
    const due = schedule.fields.enabled ? nextOccurrence(schedule.fields, baseline(row)) : null
    if (due !== null) this.push(row.id, due, schedule)
    this.arm()
  }

  remove(id: string): void {
    this.live.delete(id)
  }

  /** The next occurrence the scheduler will fire for this schedule (ms), or null. */
  nextDue(id: string): number | null {
    return this.live.get(id)?.due ?? null
  }

  get queued(): number {
    return this.live.size
  }

  /**
   * Fires everything due by now on sandbox time, earliest first, then sleeps until the next. The batch is claimed
   * in one transaction before any of it runs: one disk sync per batch, and still nothing runs unclaimed.
   */
  runDue(): void {
    if (this.stopped) return
    const now = this.clock.nowMs()
    const batch: Array<{ schedule: LoadedSchedule; due: number }> = []
    while (this.heap.length > 0) {
      const top = this.heap[0]!
      const current = this.live.get(top.id)
      if (!current || current.seq !== top.seq) {
        this.pop()
        continue
      }
      if (top.due > now) break
      this.pop()
      this.live.delete(top.id)
      batch.push({ schedule: current.schedule, due: top.due })
      const next = nextOccurrence(current.schedule.fields, top.due)
      if (next !== null) this.push(top.id, next, current.schedule)
    }
    if (batch.length > 0) {
      const runIds = this.store.claimAll(batch.map(({ schedule, due }) => ({ schedulerId: schedule.row.id, dueMs: due })), now)
      batch.forEach(({ schedule, due }, index) => {
        const runId = runIds[index]
        if (runId !== null && runId !== undefined) this.fire(schedule, due, now, runId)
      })
    }
    this.arm()
  }

  private fire(schedule: LoadedSchedule, due: number, now: number, runId: number): void {
    this.onFire?.(due, now)
    let finished = false
    this.execute(schedule, (end) => {
      if (finished) return
      finished = true
      this.store.finishRun(runId, end.status, end)
    }, due)
  }

  private arm(): void {
    clearTimeout(this.timer)
    if (this.stopped) return
    while (this.heap.length > 0 && this.live.get(this.heap[0]!.id)?.seq !== this.heap[0]!.seq) this.pop()
    const top = this.heap[0]
    if (!top) return
    this.timer = setTimeout(() => this.runDue(), Math.min(MAX_TIMER_MS, Math.max(0, top.due - this.clock.nowMs())))
    this.timer.unref()
  }

  private push(id: string, due: number, schedule: LoadedSchedule): void {
    const seq = ++this.seq
    this.live.set(id, { seq, due, schedule })
    const heap = this.heap
    heap.push({ due, id, seq })
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()!
    if (heap.length === 0) return
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let least = i
      if (left < heap.length && before(heap[left]!, heap[least]!)) least = left
      if (right < heap.length && before(heap[right]!, heap[least]!)) least = right
      if (least === i) break
      ;[heap[i], heap[least]] = [heap[least]!, heap[i]!]
      i = least
    }
  }
}

const before = (a: Entry, b: Entry) => a.due < b.due || (a.due === b.due && a.seq < b.seq)

/** Occurrences after this instant are still to come: after the last handled one, and after the last change. */
const baseline = (row: SchedulerRow) => Math.max(row.since_ms, row.last_due_ms ?? -Infinity)

export function load(row: SchedulerRow): LoadedSchedule {
  const stored = JSON.parse(row.fields) as Partial<ScheduleFields> & { days?: Array<number | string> }
  return {
    row,
    fields: {
      date: stored.date ?? '', time: stored.time ?? '00:00', repeat: stored.repeat ?? 'none', days: (stored.days ?? []).map(Number),
      start_date: stored.start_date ?? '', end_date: stored.end_date ?? '', enabled: stored.enabled ?? true, remark: stored.remark ?? '',
      attrs: stored.attrs ?? {}, raw: stored.raw ?? '',
    },
  }
}
