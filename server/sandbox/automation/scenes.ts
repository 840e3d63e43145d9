// User scenes (seed 003 用户场景): a named list of tasks (control a device, control a single-product group, or
// wait up to 3600 s) that the cloud runs in order when asked. The cloud exposes only the run's overall status
// (0 running, 1 done, 2 failed, 3 not running); the sandbox also keeps each step's result and a history of runs,
// served on invented paths the BFF may read (README, "Invented").
import type { AttrItem, AttrValue } from '@shared/open-api'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import type { AutomationStore, SceneRow, SceneRunRow } from '../store/automation'
import { controlDeviceAndConfirm, deviceValues, type DeviceControlDeps, type DeviceOutcome } from './device-control'
import { cloudTime, newCloudId, type Groups } from './groups'

/** Seed 003: a delay task waits at most this long. */
export const MAX_DELAY_S = 3600
/** Ours: the cloud documents no limit on a scene's length. */
export const MAX_TASKS = 50
/** Runs kept per scene for the history. */
const RUNS_KEPT = 20

export const SceneStatus = { RUNNING: 0, DONE: 1, FAILED: 2, IDLE: 3 } as const

/** A task as stored and listed (seed 003's response form); the read-only echoes are filled when listed. */
export interface SceneTask {
  task_type: 'delay' | 'device' | 'group'
  did: string
  group_id: string
  /** Scene wire: an enum as its index, an extension (binary) datapoint as base64. */
  attrs: Record<string, AttrValue>
  raw: string
  time: number
}

export interface StepResult {
  index: number
  task_type: SceneTask['task_type']
  status: 'idle' | 'running' | 'done' | 'failed'
  started_at: string | null
  finished_at: string | null
  /** One per device the step controlled (a group step has several); none for a delay. */
  results: DeviceOutcome[]
}

export interface SceneRun { id: number; status: number; started_at: string; finished_at: string | null; steps: StepResult[] }

const runJson = (row: SceneRunRow): SceneRun => ({ id: row.id, status: row.status, started_at: row.started_at, finished_at: row.finished_at, steps: JSON.parse(row.steps) as StepResult[] })

/** Scene wire → REST wire (what /app/control takes): enum index → its name, base64 → hex. Anything else stays unusable, for the check to refuse. */
export function sceneAttrsToRest(defs: AttrItem[], attrs: Record<string, AttrValue>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {}
  for (const [name, value] of Object.entries(attrs)) {
    const attr = defs.find((candidate) => candidate.name === name)
    // Seed 003: a scene carries an enum as its index; a name (a control's form) is refused as an unknown item.
    if (attr?.data_type === 'enum') out[name] = typeof value === 'number' ? (attr.enum?.[value] ?? `#${value}`) : `#${String(value)}`
    else if (attr?.data_type === 'binary' && typeof value === 'string') out[name] = Buffer.from(value, 'base64').toString('hex')
    else out[name] = value
  }
  return out
}

const str = (value: unknown, key: string): string => {
  if (value === undefined || value === null) return ''
  if (typeof value !== 'string') throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${key} must be a string`)
  return value
}

export class Scenes {
  private readonly running = new Map<string, number>()
  /** Each run still going, by run id: what a schedule that started it waits for. */
  private readonly executions = new Map<number, Promise<void>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private stopped = false

  constructor(private readonly store: AutomationStore, private readonly groups: Groups, private readonly deps: DeviceControlDeps) {
    store.failUnfinishedRuns(cloudTime(deps.world.clock.nowMs()))
  }

  private get world() {
    return this.deps.world
  }

  list(uid: string): SceneRow[] {
    return this.store.scenesOf(uid)
  }

  own(uid: string, id: string): SceneRow {
    const scene = this.store.scene(id)
    if (!scene) throw new GizwitsFailure(ErrorCode.SCENE_NOT_FOUND)
    if (scene.uid !== uid) throw new GizwitsFailure(ErrorCode.SCENE_NOT_YOURS)
    return scene
  }

  tasksOf(scene: SceneRow): SceneTask[] {
    return JSON.parse(scene.tasks) as SceneTask[]
  }

  /** Checks a scene's tasks as the cloud would on save: types, delays, the user's devices and groups, datapoint values. */
  parseTasks(uid: string, input: unknown): SceneTask[] {
    if (!Array.isArray(input) || input.length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'tasks must be a non-empty array')
    if (input.length > MAX_TASKS) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `at most ${MAX_TASKS} tasks`)
    return input.map((item, index): SceneTask => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `tasks[${index}] must be an object`)
      const task = item as Record<string, unknown>
      const type = task.task_type
      if (type === 'delay') {
        const time = task.time
        if (typeof time !== 'number' || !Number.isInteger(time) || time < 1 || time > MAX_DELAY_S) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `tasks[${index}].time must be 1..${MAX_DELAY_S} seconds`)
        return { task_type: 'delay', did: '', group_id: '', attrs: {}, raw: '', time }
      }
      if (type !== 'device' && type !== 'group') throw new GizwitsFailure(ErrorCode.FORM_INVALID, `tasks[${index}].task_type must be delay, device or group`)
      const attrs = (task.attrs ?? {}) as Record<string, AttrValue>
      const raw = str(task.raw, 'raw')
      if (typeof attrs !== 'object' || Array.isArray(attrs) || (Object.keys(attrs).length === 0 && !raw)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `tasks[${index}] needs attrs or raw`)
      let did = ''
      let groupId = ''
      let probe: string
      if (type === 'device') {
        did = str(task.did, 'did')
        if (!this.world.devices.has(did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND, `tasks[${index}].did`)
        if (!this.world.bindings.get(uid, did)) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_BOUND, `tasks[${index}].did`)
        probe = did
      } else {
        groupId = str(task.group_id, 'group_id')
        const group = this.groups.own(uid, groupId)
        if (!group.product_key) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `tasks[${index}]: only a group of one product can be controlled`)
        // Any device of the product judges the values: they share its datapoint definition.
        probe = [...this.world.devices.values()].find((device) => device.seed.product_key === group.product_key)!.seed.did
      }
      const defs = this.world.devices.get(probe)!.product.attrs
      const problem = deviceValues(this.world, probe, sceneAttrsToRest(defs, attrs))
      if (typeof problem === 'string') throw new GizwitsFailure(ErrorCode.ATTR_INVALID, `tasks[${index}]: ${problem}`)
      return { task_type: type, did, group_id: groupId, attrs, raw, time: 0 }
    })
  }

  save(uid: string, id: string | null, fields: { scene_name: string; remark: string; tasks: SceneTask[] }): string {
    const now = cloudTime(this.world.clock.nowMs())
    const existing = id ? this.own(uid, id) : undefined
    const sceneId = existing?.id ?? newCloudId()
    this.store.putScene({ id: sceneId, uid, scene_name: fields.scene_name, remark: fields.remark, tasks: JSON.stringify(fields.tasks), created_at: existing?.created_at ?? now, updated_at: now })
    return sceneId
  }

  delete(uid: string, id: string): void {
    this.own(uid, id)
    this.store.deleteScene(id)
  }

  /** Seed 003's status: the latest run's (0, 1, 2), or 3 when the scene has never run. */
  status(uid: string, id: string): { status: number; run: SceneRun | null } {
    this.own(uid, id)
    const [latest] = this.store.runsOf(id, 1)
    return latest ? { status: latest.status, run: runJson(latest) } : { status: SceneStatus.IDLE, run: null }
  }

  runs(uid: string, id: string, limit = RUNS_KEPT): SceneRun[] {
    this.own(uid, id)
    return this.store.runsOf(id, Math.min(limit, RUNS_KEPT)).map(runJson)
  }

  /**
   * Starts a run and returns at once (seed 003: "返回成功，场景任务开始执行"); the steps then run in order, a delay
   * as a wait. A failed step does not stop the run (the others still happen); the run is then "failed".
   * Exported for the other automation: a rule's or a schedule's "run a scene" action.
   */
  start(uid: string, id: string): number {
    const scene = this.own(uid, id)
    if (this.running.has(id)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'the scene is already running')
    const tasks = this.tasksOf(scene)
    const steps: StepResult[] = tasks.map((task, index) => ({ index, task_type: task.task_type, status: 'idle', started_at: null, finished_at: null, results: [] }))
    const runId = this.store.startRun(id, uid, cloudTime(this.world.clock.nowMs()), JSON.stringify(steps))
    this.running.set(id, runId)
    const execution = this.execute(uid, id, runId, tasks, steps).finally(() => this.executions.delete(runId))
    this.executions.set(runId, execution)
    return runId
  }

  /** Starts a run and waits for its end: the run as it finished (a schedule's "run this scene"). */
  async run(uid: string, id: string): Promise<SceneRun | undefined> {
    const runId = this.start(uid, id)
    await this.executions.get(runId)
    return this.store.runsOf(id, RUNS_KEPT).map(runJson).find((run) => run.id === runId)
  }

  private async execute(uid: string, sceneId: string, runId: number, tasks: SceneTask[], steps: StepResult[]): Promise<void> {
    const now = () => cloudTime(this.world.clock.nowMs())
    const save = (status: number, finished: string | null = null) => this.store.updateRun(runId, status, JSON.stringify(steps), finished)
    try {
      for (const [index, task] of tasks.entries()) {
        if (this.stopped) return
        const step = steps[index]
        step.status = 'running'
        step.started_at = now()
        save(SceneStatus.RUNNING)
        step.results = await this.perform(uid, task)
        if (this.stopped) return
        step.status = step.results.every((outcome) => outcome.result) ? 'done' : 'failed'
        step.finished_at = now()
        save(SceneStatus.RUNNING)
      }
      save(steps.some((step) => step.status === 'failed') ? SceneStatus.FAILED : SceneStatus.DONE, now())
    } finally {
      this.running.delete(sceneId)
    }
  }

  private async perform(uid: string, task: SceneTask): Promise<DeviceOutcome[]> {
    if (task.task_type === 'delay') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer)
          resolve()
        }, task.time * 1000)
        this.timers.add(timer)
      })
      return []
    }
    if (task.task_type === 'device') {
      const device = this.world.devices.get(task.did)
      if (!device) return [{ did: task.did, result: false, error_code: ErrorCode.DEVICE_NOT_FOUND, error_message: 'device not found!' }]
      return [await controlDeviceAndConfirm(this.deps, uid, task.did, sceneAttrsToRest(device.product.attrs, task.attrs))]
    }
    try {
      const group = this.groups.own(uid, task.group_id)
      const product = this.world.products.get(group.product_key)
      return await this.groups.control(uid, task.group_id, sceneAttrsToRest(product?.attrs ?? [], task.attrs))
    } catch (error) {
      return [{ did: '', result: false, error_code: error instanceof GizwitsFailure ? error.code : ErrorCode.SERVER_ERROR, error_message: (error as Error).message }]
    }
  }

  /** Stops waiting runs (the sandbox is closing); they are marked failed at the next start. */
  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}
