// A page's schedules: the schedules of some devices with each one's last run, saved and switched through the BFF.
// The last run is asked for again when the device reports (a schedule just fired and the device answered), so the
// result appears while the page is open.
import { ref } from 'vue'
import type { Scheduler, SchedulerRun } from '@shared/open-api'
import * as api from '@/api/schedules'
import { failureText } from '@/components/feedback'

export type ScheduleBody = api.ScheduleBody

export interface ScheduleItem { did: string; schedule: Scheduler; last: SchedulerRun | null }

/** The user's time zone, as the phone reports it (China's when it does not). */
export function userZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai'
}

/** A stored schedule as the body that would save it again, with changes. */
export function bodyOf(schedule: Scheduler, changes: Partial<ScheduleBody> = {}): ScheduleBody {
  return {
    time: schedule.time, repeat: schedule.repeat, ...(schedule.repeat === 'none' ? { date: schedule.date } : {}),
    ...(schedule.repeat === 'day' ? { days: schedule.days.map(Number) } : {}),
    enabled: schedule.enabled, remark: schedule.remark, attrs: schedule.attrs as ScheduleBody['attrs'], ...changes,
  }
}

export function useSchedules() {
  const items = ref<ScheduleItem[]>([])
  const loaded = ref(false)
  const problem = ref('')
  let dids: string[] = []

  async function withLast(did: string, schedule: Scheduler): Promise<ScheduleItem> {
    return { did, schedule, last: await api.fetchLastRun(did, schedule.id).catch(() => null) }
  }

  async function load(forDids: string[] = dids): Promise<void> {
    dids = forDids
    try {
      const lists = await Promise.all(dids.map(async (did) => Promise.all((await api.fetchSchedules(did)).map((schedule) => withLast(did, schedule)))))
      items.value = lists.flat()
      problem.value = ''
    } catch (error) {
      problem.value = failureText(error)
    }
    loaded.value = true
  }

  /** The last runs of one device's schedules, again. */
  async function refreshRuns(did: string): Promise<void> {
    await Promise.all(items.value.filter((item) => item.did === did).map(async (item) => {
      item.last = await api.fetchLastRun(did, item.schedule.id).catch(() => item.last)
    }))
  }

  async function save(did: string, id: string | null, body: ScheduleBody): Promise<void> {
    if (id) await api.updateSchedule(did, id, body)
    else await api.createSchedule(did, body)
    await load()
  }

  async function remove(item: ScheduleItem): Promise<void> {
    await api.deleteSchedule(item.did, item.schedule.id)
    items.value = items.value.filter((candidate) => candidate !== item)
  }

  /** One switch: the schedule is saved again with only `enabled` changed. */
  async function setEnabled(item: ScheduleItem, enabled: boolean): Promise<void> {
    await api.updateSchedule(item.did, item.schedule.id, bodyOf(item.schedule, { enabled }))
    item.schedule.enabled = enabled
  }

  return { items, loaded, problem, load, refreshRuns, save, remove, setEnabled }
}
