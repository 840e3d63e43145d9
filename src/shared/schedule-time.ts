// Schedules between the user's local time and the cloud's UTC (seed 003 stores date, time, weekdays and days of the
// month in UTC). Conversions use the zone's offset at the occurrence itself, found with Intl, never "now": a
// one-shot on the far side of a daylight-saving change lands on the wall-clock time the user picked. A repeating
// schedule is one UTC time for the cloud, so after such a change its local time moves by the change; the page shows
// each schedule from its next occurrence, so what it shows is always what will happen.
// The next occurrence is reckoned here on its own (not shared with the sandbox, so the two cannot agree by accident).

export const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const

export type LocalSchedule =
  | { kind: 'once'; date: string; time: string }
  | { kind: 'weekly'; weekdays: number[]; time: string }
  | { kind: 'monthly'; days: number[]; time: string }

/** The timing fields of a cloud schedule (`days` may come as numbers or strings: seed 003 shows both). */
export interface CloudTiming { date: string; time: string; repeat: string; days: Array<number | string> }

/** A monthly schedule whose UTC day would differ from the local one near the end or start of a month. */
export class InexpressibleSchedule extends Error {}

const DAY_MS = 86_400_000
const pad = (n: number) => String(n).padStart(2, '0')
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
const timeOf = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)

const formatters = new Map<string, Intl.DateTimeFormat>()
function partsIn(zone: string, ms: number): { y: number; m: number; d: number; hh: number; mm: number; weekday: number } {
  let format = formatters.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
    formatters.set(zone, format)
  }
  const part = Object.fromEntries(format.formatToParts(ms).map((p) => [p.type, p.value]))
  const y = Number(part.year), m = Number(part.month), d = Number(part.day)
  return { y, m, d, hh: Number(part.hour) % 24, mm: Number(part.minute), weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay() }
}

/** The zone's offset from UTC at that instant, in minutes (UTC+8 → 480). */
export function offsetMinutes(zone: string, ms: number): number {
  const p = partsIn(zone, ms)
  const wall = Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm)
  return Math.round((wall - Math.floor(ms / 60_000) * 60_000) / 60_000)
}

/** The instant a local wall-clock time happens in the zone (a time skipped by a change moves forward by it). */
export function localToUtcMs(zone: string, date: string, time: string): number {
  const wall = Date.parse(`${date}T${time}:00Z`)
  const first = wall - offsetMinutes(zone, wall) * 60_000
  return wall - offsetMinutes(zone, first) * 60_000
}

export function localDateTime(zone: string, ms: number): { date: string; time: string; weekday: number } {
  const p = partsIn(zone, ms)
  return { date: `${p.y}-${pad(p.m)}-${pad(p.d)}`, time: `${pad(p.hh)}:${pad(p.mm)}`, weekday: p.weekday }
}

/** The next local occurrence of a repeating local schedule after `nowMs`, as an instant (for its offset). */
function nextLocal(zone: string, matches: (date: string, weekday: number, day: number) => boolean, time: string, nowMs: number): number {
  const today = localDateTime(zone, nowMs).date
  for (let i = 0; i < 400; i++) {
    const date = isoDate(Date.parse(`${today}T00:00:00Z`) + i * DAY_MS)
    const noon = Date.parse(`${date}T12:00:00Z`)
    if (!matches(date, new Date(noon).getUTCDay(), new Date(noon).getUTCDate())) continue
    const at = localToUtcMs(zone, date, time)
    if (at > nowMs) return at
  }
  return nowMs
}

/** What the cloud stores for a schedule the user set in their zone. */
export function toCloud(local: LocalSchedule, zone: string, nowMs = Date.now()): CloudTiming {
  if (local.kind === 'once') {
    const at = localToUtcMs(zone, local.date, local.time)
    return { date: isoDate(at), time: new Date(at).toISOString().slice(11, 16), repeat: 'none', days: [] }
  }
  const next = local.kind === 'weekly'
    ? nextLocal(zone, (_date, weekday) => local.weekdays.includes(weekday), local.time, nowMs)
    : nextLocal(zone, (_date, _weekday, day) => local.days.includes(day), local.time, nowMs)
  const utcMinutes = minutesOf(local.time) - offsetMinutes(zone, next)
  const shift = Math.floor(utcMinutes / 1440)
  const time = timeOf(((utcMinutes % 1440) + 1440) % 1440)
  if (local.kind === 'weekly') {
    const weekdays = [...new Set(local.weekdays.map((day) => (day + shift + 7) % 7))].sort((a, b) => a - b)
    return { date: '', time, repeat: weekdays.map((day) => WEEKDAY_NAMES[day]).join(','), days: [] }
  }
  // Days 28 and later are not in every month, and day 1 has no day before it: shifted, they would fire on the
  // wrong local day in some months. The cloud cannot say "the last day of the month", so refuse rather than drift.
  if (shift !== 0 && local.days.some((day) => (shift < 0 ? day === 1 || day >= 29 : day >= 28))) throw new InexpressibleSchedule()
  return { date: '', time, repeat: 'day', days: [...local.days].map((day) => day + shift).sort((a, b) => a - b) }
}

/** How the user sees a cloud schedule in their zone: from its next occurrence (or its only one). */
export function fromCloud(cloud: CloudTiming, zone: string, nowMs = Date.now()): LocalSchedule {
  if (cloud.repeat === 'none') {
    const at = Date.parse(`${cloud.date}T${cloud.time}:00Z`)
    const { date, time } = localDateTime(zone, at)
    return { kind: 'once', date, time }
  }
  const next = nextRunMs({ ...cloud, start_date: '', end_date: '' }, nowMs) ?? nowMs
  const localMinutes = minutesOf(cloud.time) + offsetMinutes(zone, next)
  const shift = Math.floor(localMinutes / 1440)
  const time = timeOf(((localMinutes % 1440) + 1440) % 1440)
  if (cloud.repeat === 'day') return { kind: 'monthly', days: cloud.days.map((day) => Number(day) + shift).sort((a, b) => a - b), time }
  const weekdays = cloud.repeat.split(',').map((name) => (WEEKDAY_NAMES.indexOf(name as (typeof WEEKDAY_NAMES)[number]) + shift + 7) % 7)
  return { kind: 'weekly', weekdays: [...new Set(weekdays)].sort((a, b) => a - b), time }
}

/** The next time the cloud will run this schedule after `afterMs`, or null (past one-shot, ended range). */
export function nextRunMs(cloud: CloudTiming & { start_date: string; end_date: string }, afterMs: number): number | null {
  const timeMs = minutesOf(cloud.time) * 60_000
  const weekdays = cloud.repeat === 'none' || cloud.repeat === 'day' ? null : new Set(cloud.repeat.split(',').map((name) => WEEKDAY_NAMES.indexOf(name as (typeof WEEKDAY_NAMES)[number])))
  const days = new Set(cloud.days.map(Number))
  const first = Math.floor(afterMs / DAY_MS) * DAY_MS
  for (let i = 0; i < 1500; i++) {
    const day = first + i * DAY_MS
    const date = isoDate(day)
    if (cloud.end_date && date > cloud.end_date) return null
    if (cloud.start_date && date < cloud.start_date) continue
    const fits = cloud.repeat === 'none' ? date === cloud.date : weekdays ? weekdays.has(new Date(day).getUTCDay()) : days.has(new Date(day).getUTCDate())
    if (fits && day + timeMs > afterMs) return day + timeMs
    if (cloud.repeat === 'none' && date > cloud.date) return null
  }
  return null
}
