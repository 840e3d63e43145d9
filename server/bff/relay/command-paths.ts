// Commands that leave by the cloud's REST paths rather than the page socket — one control to a group, the steps of
// a scene — written to the one command journal (store/command-store.ts) with who sent them, by which path
// (COMMAND_SOURCE.GROUP / SCENE) and each device's outcome as the cloud answered it, so they show in the device's
// log on its 历史 page beside the page's own commands. Their results are answered on the page that asked (the
// group page's outcomes, the scene page's steps), so they are not told again as notices.
import { randomUUID } from 'node:crypto'
import { COMMAND_FAILURE, COMMAND_SOURCE, type CommandFailure } from '@shared/commands'
import { GizwitsErrorCode, type AttrValue, type DeviceOutcome, type SceneRun } from '@shared/open-api'
import { ApiError } from '../errors'
import { GizwitsApiError } from '../gizwits/open-api-client'
import type { CommandStore } from '../store/command-store'

type Attrs = Record<string, AttrValue>

/** A device's outcome in the cloud's answer, as the journal keeps it. */
export function journalOutcome(outcome: DeviceOutcome | undefined): { state: 'confirmed' | 'failed'; reason?: CommandFailure } {
  if (!outcome) return { state: 'failed', reason: COMMAND_FAILURE.NO_REPORT }
  if (outcome.result) return { state: 'confirmed' }
  if (outcome.error_code === GizwitsErrorCode.DEVICE_OFFLINE) return { state: 'failed', reason: COMMAND_FAILURE.DEVICE_OFFLINE }
  // The cloud sent it and the device did not apply it in time: no answer, not a refusal.
  if (outcome.error_code === GizwitsErrorCode.SEND_COMMAND_FAILED) return { state: 'failed', reason: COMMAND_FAILURE.NO_REPORT }
  return { state: 'failed', reason: COMMAND_FAILURE.REFUSED }
}

export class CommandPaths {
  constructor(private readonly commands: CommandStore, private readonly onStoreError: (error: unknown) => void = () => {}) {}

  /**
   * One control to a group: a row per member, queued then sent before the call goes out (the journal never claims
   * less than what may have happened), then each member's outcome from the cloud's answer; a member missing from
   * the answer had no answer. A failed call fails every row (refused when the cloud said no) and is rethrown.
   */
  async group<T extends DeviceOutcome[]>(openid: string, dids: string[], attrs: Attrs, send: () => Promise<T>): Promise<T> {
    const rows = dids.map((did) => ({ did, id: `group-${randomUUID()}` }))
    await this.safely(async () => {
      for (const row of rows) await this.commands.begin(openid, row.id, row.did, { source: COMMAND_SOURCE.GROUP, attrs, tellResult: false })
      for (const row of rows) await this.commands.setState(openid, row.id, 'sent')
    })
    let outcomes: T
    try {
      outcomes = await send()
    } catch (error) {
      const reason = error instanceof GizwitsApiError || error instanceof ApiError ? COMMAND_FAILURE.REFUSED : COMMAND_FAILURE.NO_REPORT
      await this.safely(async () => {
        for (const row of rows) await this.commands.setState(openid, row.id, 'failed', reason)
      })
      throw error
    }
    await this.safely(async () => {
      for (const row of rows) {
        const { state, reason } = journalOutcome(outcomes.find((outcome) => outcome.did === row.did))
        await this.commands.setState(openid, row.id, state, reason)
      }
    })
    return outcomes
  }

  /**
   * A scene run as its status was read: each finished step's device results, once (the row's id is the run, the
   * step and the device, so reading the status again records nothing new). `attrsOf` gives a step's values.
   */
  async sceneRun(openid: string, sceneId: string, run: SceneRun, attrsOf: (index: number) => Promise<Attrs>): Promise<void> {
    await this.safely(async () => {
      for (const step of run.steps) {
        if (step.task_type === 'delay' || (step.status !== 'done' && step.status !== 'failed')) continue
        for (const result of step.results) {
          if (!result.did) continue
          const id = `scene-${sceneId}-${run.id}-${step.index}-${result.did}`
          if (await this.commands.get(openid, id)) continue
          const { created } = await this.commands.begin(openid, id, result.did, { source: COMMAND_SOURCE.SCENE, attrs: await attrsOf(step.index), tellResult: false })
          if (!created) continue
          const { state, reason } = journalOutcome(result)
          await this.commands.setState(openid, id, state, reason)
        }
      }
    })
  }

  /** The journal is the log, not the control: a journal that cannot be written does not stop a group or a scene. */
  private async safely(work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.onStoreError(error)
    }
  }
}
