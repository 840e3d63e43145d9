// The vendor design's 反馈: a command whose page closed while it was pending, or one sent by a path without a page
// (schedule, scene, rule — their owners pass the path to the command store), gets its result to its sender: an
// in-app notice and a WeChat notice from the outbox — confirmed, or failed with the reason. The command store
// (server/bff/store/command-store.ts) owns each command's lifecycle; the relay confirms what it sees on the user's
// cloud socket, and this worker confirms from SNoti's status reports what it sees when no socket is open, matching
// the report's values against what the command asked. All of it runs inside the worker's transactions.
//
// Schedules and linkage rules run inside the cloud, so the BFF never sees their commands: the worker learns of them
// from SNoti's control event (`app2dev_kv`, source `scheduler` or `d3`, with the maker's uid) and journals each
// one here, under a command id derived from the event, so a redelivered event or a second worker adds nothing.
import type { AttrItem, Attrs } from '@shared/open-api'
import { fitEntries, valueEntries } from '@shared/values-text'
import { COMMAND_FAILURE, COMMAND_SOURCE, type CommandFailure, type CommandSource } from '@shared/commands'
import type { CommandResults, CommandStore, HistoryStore } from '../bff/worker-seam'

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

/**
 * The paths a control event's `source` names that the worker journals: the cloud's scheduler and its rule engine
 * (`d3`, as raw_data calls it). An app's (`client`), the Open API's (`open_api`: groups, scenes) and the enterprise
 * API's controls went through the BFF, which journaled them itself.
 */
const CLOUD_PATHS: Record<string, CommandSource> = { scheduler: COMMAND_SOURCE.SCHEDULE, d3: COMMAND_SOURCE.RULE }

/** What a notice calls a command's result, by its path: a schedule's and a rule's say which. */
const TITLES: Partial<Record<CommandSource, { done: string; failed: string }>> = {
  [COMMAND_SOURCE.SCHEDULE]: { done: '定时已执行', failed: '定时没有执行' },
  [COMMAND_SOURCE.RULE]: { done: '联动已执行', failed: '联动没有执行' },
}

/**
 * A notice's detail is a WeChat keyword: a subscription notice's `thing` holds 20 characters (the template message's
 * `character_string` 32), so the values are fitted whole into 20 rather than cut mid-word.
 */
export const DETAIL_MAX = 20

/**
 * `attrsOf`: the datapoints of a device's product (definitions.ts), so values read as the app's log reads them
 * ("设定温度 27°C、开关 开"); [] (the cloud was down) leaves the raw names.
 */
export function commandResults(
  commands: CommandResults & Pick<CommandStore, 'begin' | 'setState'>,
  answerMs: number,
  attrsOf: (did: string, names: readonly string[]) => AttrItem[] = () => [],
) {
  const valuesText = (did: string, attrs: Attrs) => fitEntries(valueEntries(attrsOf(did, Object.keys(attrs)), attrs), DETAIL_MAX)

  return {
    /** A status report from SNoti: what it shows done is confirmed (commands sent within the answer time). */
    async confirmByReport(did: string, values: Record<string, unknown>): Promise<void> {
      await commands.confirmByReport(did, values as Attrs, Date.now() - answerMs)
    },

    /**
     * A control the cloud sent (SNoti `app2dev_kv`): a schedule's or a rule's is journaled for its maker (a user
     * the BFF knows), as sent; one to a device the worker last saw offline fails at once. `id` is derived from the
     * event, so a redelivery finds the row and only finishes what a crash may have left half done.
     */
    async fromControl(store: HistoryStore, event: { id: string; did: string; source: unknown; uid: unknown; data: unknown }): Promise<void> {
      const path = typeof event.source === 'string' ? CLOUD_PATHS[event.source] : undefined
      if (!path || typeof event.uid !== 'string' || !event.data || typeof event.data !== 'object') return
      const openid = await store.openidOf(event.uid)
      if (!openid) return
      const { command } = await commands.begin(openid, event.id, event.did, { source: path, attrs: event.data as Attrs })
      if (command.state !== 'queued') return
      if (await store.offline(event.did)) await commands.setState(openid, event.id, 'failed', COMMAND_FAILURE.DEVICE_OFFLINE)
      else await commands.setState(openid, event.id, 'sent')
    },

    /** The device went offline: what was sent to it and is due to be told fails now rather than in a minute. */
    async deviceOffline(did: string): Promise<void> {
      await commands.failOffline(did)
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
          title: (done ? TITLES[command.source]?.done : TITLES[command.source]?.failed) ?? (done ? '指令已执行' : '指令没有执行'),
          detail: done ? valuesText(command.did, command.attrs) || '已执行' : REASON_TEXT[command.reason ?? COMMAND_FAILURE.NO_REPORT],
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
