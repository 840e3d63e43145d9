// Schedules (seed 003 定时任务管理), relayed by the BFF with Gizwits' paths and shapes: times in UTC.
import type { Scheduler, SchedulerLogs, SchedulerRun } from '@shared/open-api'
import { http } from './http'

const did$ = encodeURIComponent

/** What the page sends: the cloud's timing fields (UTC) and datapoint values. */
export interface ScheduleBody {
  time: string
  repeat: string
  date?: string
  days?: number[]
  enabled: boolean
  remark: string
  attrs: Record<string, boolean | number | string>
}

export async function fetchSchedules(did: string): Promise<Scheduler[]> {
  return (await http.get<Scheduler[]>(`/api/app/devices/${did$(did)}/scheduler`, { params: { limit: 100, skip: 0 } })).data
}

export async function createSchedule(did: string, body: ScheduleBody): Promise<string> {
  return (await http.post<{ id: string }>(`/api/app/devices/${did$(did)}/scheduler`, body)).data.id
}

export async function updateSchedule(did: string, id: string, body: ScheduleBody): Promise<void> {
  await http.put(`/api/app/devices/${did$(did)}/scheduler/${did$(id)}`, body)
}

export async function deleteSchedule(did: string, id: string): Promise<void> {
  await http.delete(`/api/app/devices/${did$(did)}/scheduler/${did$(id)}`)
}

/** The newest run of a schedule, if it has run. */
export async function fetchLastRun(did: string, id: string): Promise<SchedulerRun | null> {
  return (await http.get<SchedulerLogs>(`/api/app/devices/${did$(did)}/scheduler/${did$(id)}/logs`)).data.logs[0] ?? null
}
