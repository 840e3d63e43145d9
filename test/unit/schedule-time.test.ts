// Local time ↔ the cloud's UTC for schedules: weekdays move with the time across midnight, a daylight-saving change
// is taken at the occurrence, monthly days that cannot be said in UTC are refused, and the next run is found.
import { describe, expect, test } from 'vitest'
import { InexpressibleSchedule, fromCloud, localToUtcMs, nextRunMs, toCloud } from '@shared/schedule-time'

const at = (iso: string) => Date.parse(iso)

describe('schedules in local time, stored in UTC', () => {
  test('should store "Monday 07:00" in China as Sunday 23:00 UTC, and show it back as Monday 07:00', () => {
    const cloud = toCloud({ kind: 'weekly', weekdays: [1], time: '07:00' }, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))
    expect(cloud).toEqual({ date: '', time: '23:00', repeat: 'sun', days: [] })
    expect(fromCloud(cloud, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))).toEqual({ kind: 'weekly', weekdays: [1], time: '07:00' })
    expect(toCloud({ kind: 'weekly', weekdays: [0, 6], time: '22:30' }, 'America/New_York', at('2026-11-25T00:00:00Z'))).toMatchObject({ time: '03:30', repeat: 'sun,mon' })
  })

  test('should take the offset at the occurrence: 07:00 in Berlin is 06:00 UTC before the March change and 05:00 after', () => {
    const beforeChange = at('2027-03-20T00:00:00Z')
    expect(toCloud({ kind: 'once', date: '2027-03-27', time: '07:00' }, 'Europe/Berlin', beforeChange)).toMatchObject({ date: '2027-03-27', time: '06:00', repeat: 'none' })
    expect(toCloud({ kind: 'once', date: '2027-03-29', time: '07:00' }, 'Europe/Berlin', beforeChange)).toMatchObject({ date: '2027-03-29', time: '05:00', repeat: 'none' })
    // A time the change skips (02:30 on the night of the change) moves forward by the change.
    expect(new Date(localToUtcMs('Europe/Berlin', '2027-03-28', '02:30')).toISOString()).toBe('2027-03-28T01:30:00.000Z')
    // A daily schedule made before the change is shown from its next run: 07:00, then 08:00 once the change is past.
    const daily = toCloud({ kind: 'weekly', weekdays: [0, 1, 2, 3, 4, 5, 6], time: '07:00' }, 'Europe/Berlin', beforeChange)
    expect(daily.time).toBe('06:00')
    expect(fromCloud(daily, 'Europe/Berlin', beforeChange)).toMatchObject({ time: '07:00' })
    expect(fromCloud(daily, 'Europe/Berlin', at('2027-03-29T00:00:00Z'))).toMatchObject({ time: '08:00' })
  })

  test('should shift monthly days with the time, and refuse days the shift would break', () => {
    expect(toCloud({ kind: 'monthly', days: [15, 20], time: '07:00' }, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))).toEqual({ date: '', time: '23:00', repeat: 'day', days: [14, 19] })
    expect(toCloud({ kind: 'monthly', days: [1, 31], time: '12:00' }, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))).toEqual({ date: '', time: '04:00', repeat: 'day', days: [1, 31] })
    expect(() => toCloud({ kind: 'monthly', days: [1], time: '07:00' }, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))).toThrow(InexpressibleSchedule)
    expect(() => toCloud({ kind: 'monthly', days: [30], time: '07:00' }, 'Asia/Shanghai', at('2026-11-25T00:00:00Z'))).toThrow(InexpressibleSchedule)
  })

  test('should find the next run of each kind, and none for a past one-shot', () => {
    const none = { start_date: '', end_date: '' }
    expect(nextRunMs({ date: '', time: '23:00', repeat: 'sun', days: [], ...none }, at('2026-11-25T00:00:00Z'))).toBe(at('2026-11-29T23:00:00Z'))
    expect(nextRunMs({ date: '', time: '08:00', repeat: 'day', days: [31], ...none }, at('2026-11-01T00:00:00Z'))).toBe(at('2026-12-31T08:00:00Z'))
    expect(nextRunMs({ date: '2026-11-26', time: '08:00', repeat: 'none', days: [], ...none }, at('2026-11-25T00:00:00Z'))).toBe(at('2026-11-26T08:00:00Z'))
    expect(nextRunMs({ date: '2026-11-24', time: '08:00', repeat: 'none', days: [], ...none }, at('2026-11-25T00:00:00Z'))).toBeNull()
    expect(nextRunMs({ date: '', time: '08:00', repeat: 'mon', days: [], start_date: '', end_date: '2026-11-29' }, at('2026-11-25T00:00:00Z'))).toBeNull()
  })
})
