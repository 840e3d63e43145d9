// When a schedule is due, as the cloud reckons it: everything in UTC (seed 003: "定时任务管理下的全部接口均使用 UTC
// 时间"), time to the minute, start_date from 00:00 and end_date to 24:00 of those days. A day of the month that
// a month lacks (the 31st in April) is skipped that month, as cron does: the seed says nothing, and firing on the
// 30th instead would make "on the 30th and 31st" fire twice.
export interface ScheduleTiming {
  date: string
  time: string
  /** `none`, `day`, or a comma list of weekdays. */
  repeat: string
  days: number[]
  start_date: string
  end_date: string
}

const DAY_MS = 86_400_000
const WEEKDAY_INDEX: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 }
/** How far ahead a monthly schedule is searched: four years holds every day of the month, 29 February included. */
const MONTHS_AHEAD = 49

const dayStart = (date: string): number => {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y!, m! - 1, d!)
}

/** The first occurrence strictly after `afterMs`, or null when there is none (a past one-shot, an ended range). */
export function nextOccurrence(timing: ScheduleTiming, afterMs: number): number | null {
  const [hours, minutes] = timing.time.split(':').map(Number)
  const timeOfDay = (hours! * 60 + minutes!) * 60_000
  const from = timing.start_date ? dayStart(timing.start_date) : -Infinity
  const until = timing.end_date ? dayStart(timing.end_date) + DAY_MS : Infinity
  const fits = (at: number) => at > afterMs && at >= from && at < until

  if (timing.repeat === 'none') {
    if (!timing.date) return null
    const at = dayStart(timing.date) + timeOfDay
    return fits(at) ? at : null
  }
  const firstDay = Math.floor(Math.max(afterMs, from) / DAY_MS) * DAY_MS
  if (timing.repeat === 'day') {
    const days = [...new Set(timing.days)].sort((a, b) => a - b)
    if (days.length === 0) return null
    const start = new Date(firstDay)
    for (let month = 0; month < MONTHS_AHEAD; month++) {
      const year = start.getUTCFullYear()
      const monthIndex = start.getUTCMonth() + month
      const length = new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate()
      for (const day of days) {
        if (day > length) continue
        const at = Date.UTC(year, monthIndex, day) + timeOfDay
        if (at >= until) return null
        if (fits(at)) return at
      }
    }
    return null
  }
  const weekdays = new Set(timing.repeat.split(',').map((name) => WEEKDAY_INDEX[name]))
  for (let offset = 0; offset <= 7; offset++) {
    const at = firstDay + offset * DAY_MS + timeOfDay
    if (at >= until) return null
    if (weekdays.has(new Date(at).getUTCDay()) && fits(at)) return at
  }
  return null
}
