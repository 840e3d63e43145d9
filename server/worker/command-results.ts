// The vendor design's 反馈: a command whose page closed while it was pending, or one sent by a path without a page
// (schedule, scene, rule — their owners pass the path to the command store), gets its result to its sender: an
// in-app notice and a WeChat notice from the outbox — confirmed, or failed with the reason. The command store
// (server/bff/store/command-store.ts) owns each command's lifecycle; the relay confirms what it sees on the user's
// cloud socket, and this worker confirms from SNoti's status reports what it sees when no socket is open, matching
// the report's values against what the command asked. All of it runs inside the worker's transactions.
import type { Attrs } from '@shared/open-api'
import { COMMAND_FAILURE, type CommandFailure } from '@shared/commands'
import type { CommandResults, HistoryStore } from '../bff/worker-seam'

/**
 * How long a sent command may wait for the device's report before it is told as failed: the relay forgets sent
 * writes after a minute too (server/bff/relay/user-hub.ts), so neither side settles it differently later.
 */
export const COMMAND_ANSWER_MS = 60_000

const REASON_TEXT: Record<CommandFailure, string> = {
  [COMMAND_FAILURE.NO_REPORT]: '设备没有回应',
  [COMMAND_FAILURE.NOT_SENT]: '没有发出，请重试',
  [COMMAND_FAILURE.REFUSED]: '设备拒绝了这个指令',
  [COMMAND_FAILURE.DEVICE_OFFLINE]: '设备离线',
}

const valuesText = (attrs: Attrs) => Object.entries(attrs).map(([name, value]) => `${name}=${typeof value === 'boolean' ? (value ? '开' : '关') : String(value)}`).join(' ')

export function commandResults(commands: CommandResults, answerMs: number) {
  return {
    /** A status report from SNoti: what it shows done is confirmed (commands sent within the answer time). */
    async confirmByReport(did: string, values: Record<string, unknown>): Promise<void> {
      await commands.confirmByReport(did, values as Attrs, Date.now() - answerMs)
    },

    /**
     * Settled commands due to be told become notices in `store`'s transaction; the unanswered ones fail first.
     * `at`: UTC seconds. A notice's key is the command's, so telling one twice (two workers) stores it once.
     */
    async tell(store: HistoryStore, at: number): Promise<void> {
      await commands.failUnanswered(Date.now() - answerMs)
      const toTell = await commands.resultsToTell()
      if (toTell.length === 0) return
      const users = await store.knownUsers()
      for (const command of toTell) {
        const uid = users.find((user) => user.openid === command.openid)?.uid
        const alias = uid ? (await store.audienceOf(command.did)).find((entry) => entry.uid === uid)?.dev_alias : undefined
        const done = command.state === 'confirmed'
        await store.addNotice({
          notice_key: `command:${command.openid}:${command.id}`,
          openid: command.openid,
          did: command.did,
          device_name: alias || command.did,
          title: done ? '指令已执行' : '指令没有执行',
          detail: done ? valuesText(command.attrs).slice(0, 32) || '已执行' : REASON_TEXT[command.reason ?? COMMAND_FAILURE.NO_REPORT],
          created_at: at,
          edge: 'fire',
          alert_key: `command:${command.id}`,
          kind: 'command',
        })
        await commands.markTold(command.openid, command.id)
      }
    },
  }
}
