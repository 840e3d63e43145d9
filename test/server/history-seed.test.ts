// Weeks of history at the sandbox's first start, and the Open API's agg_data that serves it (seed 003 高级数据接口),
// over real HTTP: the demo devices' generated month follows their behaviour models (the balcony warmest in the
// afternoon, the plant drying out and watered, the air conditioner cooling the room in the evenings); agg_data's
// shapes (string values, `datatime` keys per unit in China time), its limits and its bucket edges; and the app's
// 历史 chart showing that month through the BFF before the vendor's worker has stored anything.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HistoryResponse } from '@shared/history'
import type { AggData, UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import { HISTORY_DAYS } from '../../server/sandbox/history-seed'
import { FIRST_USER, json, LIVING_ROOM_AC, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
let backend: Backend
let token: string

beforeAll(async () => {
  backend = await startBackend({ sandbox: { generateHistory: true } })
  token = (await json<UserToken>(await fetch(`${backend.sandbox.url}/app/users`, {
    method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: FIRST_USER }),
  }))).token
})

afterAll(async () => {
  await backend?.close()
})

const agg = (did: string, query: Record<string, string | number>, method = 'GET') => fetch(`${backend.sandbox.url}/app/devdata/${did}/agg_data?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`, {
  method, headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': token },
})
const monthAgo = () => Date.now() - 30 * 86_400_000

/** Mean of the hourly averages per China hour of day (0–23) over the month. */
async function byHourOfDay(did: string, attr: string): Promise<number[]> {
  const answer = await json<AggData>(await agg(did, { start_ts: monthAgo(), attrs: attr, aggregator: 'avg', unit: 'hours' }))
  const sums = Array.from({ length: 24 }, () => ({ sum: 0, n: 0 }))
  for (const row of answer.data) {
    const hour = Number(row.datatime.slice(8, 10))
    sums[hour].sum += Number(row.attrs[attr])
    sums[hour].n += 1
  }
  return sums.map(({ sum, n }) => sum / n)
}

describe('the generated month', () => {
  test('covers four weeks, hour by hour, for every online demo device', async () => {
    const answer = await json<AggData>(await agg(PLANT, { start_ts: monthAgo(), attrs: 'soil_humidity', aggregator: 'avg', unit: 'hours' }))
    expect(answer.data.length).toBeGreaterThanOrEqual(HISTORY_DAYS * 24 - 1)
  })

  test('the balcony is warmer and brighter at 15:00 than at 03:00 (China time)', async () => {
    const temperature = await byHourOfDay(PLANT, 'temperature')
    expect(temperature[15] - temperature[3]).toBeGreaterThan(5)
    const light = await byHourOfDay(PLANT, 'light')
    expect(light[12]).toBeGreaterThan(10_000)
    expect(light[2]).toBeLessThan(1000)
  })

  test('the plant dries out and is watered, again and again', async () => {
    const days = await json<AggData>(await agg(PLANT, { start_ts: monthAgo(), attrs: 'soil_humidity', aggregator: 'min', unit: 'day' }))
    const wet = await json<AggData>(await agg(PLANT, { start_ts: monthAgo(), attrs: 'soil_humidity', aggregator: 'max', unit: 'day' }))
    // Most days reach the watering threshold (30 %) and are brought back near 70 %.
    expect(days.data.filter((row) => Number(row.attrs.soil_humidity) <= 31).length).toBeGreaterThan(HISTORY_DAYS / 2)
    expect(wet.data.filter((row) => Number(row.attrs.soil_humidity) >= 65).length).toBeGreaterThan(HISTORY_DAYS / 2)
  })

  test('the air conditioner cools the room in the evenings', async () => {
    const room = await byHourOfDay(LIVING_ROOM_AC, 'room_temp')
    expect(room[15] - room[22]).toBeGreaterThan(2)
  })
})

describe('agg_data as seed 003 documents it', () => {
  test('string values, the `datatime` key per unit, the query echoed; GET and PUT alike', async () => {
    for (const [unit, pattern] of [['hours', /^\d{10}$/], ['DAYS', /^\d{8}$/], ['weeks', /^\d{6}$/], ['months', /^\d{6}$/]] as const) {
      const answer = await json<AggData>(await agg(PLANT, { start_ts: monthAgo(), attrs: 'temperature,light', aggregator: 'max', unit }, unit === 'DAYS' ? 'PUT' : 'GET'))
      expect(answer.query).toMatchObject({ aggregator: 'max', end_ts: null, attrs: 'temperature,light' })
      expect(answer.data.length).toBeGreaterThan(0)
      for (const row of answer.data) {
        expect(row.datatime).toMatch(pattern)
        expect(typeof row.attrs.temperature).toBe('string')
        expect(row).toMatchObject({ product_key: expect.any(String), uid: expect.any(String) })
      }
    }
  })

  test('refusals: more than a month, an unknown aggregator or unit, a datapoint that is not a number', async () => {
    const errorOf = async (response: Response) => ({ status: response.status, code: ((await response.json()) as { error_code: number }).error_code })
    expect(await errorOf(await agg(PLANT, { start_ts: Date.now() - 40 * 86_400_000, attrs: 'temperature', aggregator: 'avg', unit: 'hours' }))).toEqual({ status: 400, code: 9015 })
    expect(await errorOf(await agg(PLANT, { start_ts: monthAgo(), attrs: 'temperature', aggregator: 'median', unit: 'hours' }))).toEqual({ status: 400, code: 9015 })
    expect(await errorOf(await agg(PLANT, { start_ts: monthAgo(), attrs: 'temperature', aggregator: 'avg', unit: 'minutes' }))).toEqual({ status: 400, code: 9015 })
    expect(await errorOf(await agg(PLANT, { start_ts: monthAgo(), attrs: 'pump', aggregator: 'avg', unit: 'hours' }))).toEqual({ status: 400, code: 9025 })
  })

  test('bucket edges: a report at hh:59:59 China time is in hour hh, one a second later in the next hour', async () => {
    const nowS = (await json<{ now: number }>(await fetch(`${backend.sandbox.url}/sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s: 0 }) }))).now
    // To one second before the next whole hour, plus a day so the report is after the generated month.
    const toEdge = 3600 - (nowS % 3600) - 1 + 86_400
    const step = (advance_s: number) => fetch(`${backend.sandbox.url}/sandbox/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_s }) })
    const report = (light: number) => fetch(`${backend.sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { light: light } }) })
    await step(toEdge)
    await report(11_111)
    await step(1)
    await report(22_222)
    const edge = (nowS + toEdge + 1) * 1000
    const answer = await json<AggData>(await agg(PLANT, { start_ts: edge - 3600_000, end_ts: edge + 3600_000 - 1, attrs: 'light', aggregator: 'max', unit: 'hours' }))
    const china = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/[-T:]/g, '').slice(0, 10)
    expect(answer.data.map((row) => [row.datatime, row.attrs.light])).toEqual([[china(edge - 1000), '11111'], [china(edge), '22222']])
  })
})

test('the app\'s 30-day chart shows the generated month through agg_data before the worker has stored anything', async () => {
  const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
  const history = await json<HistoryResponse>(await fetch(`${backend.bffUrl}/api/devices/${PLANT}/history?attr=temperature&hours=720`, { headers: backend.page(cookie) }))
  expect(history.older).toBe('cloud')
  expect(history.bucket_s).toBe(12 * 3600)
  expect(history.points.length).toBeGreaterThanOrEqual(HISTORY_DAYS * 2 - 1)
  for (const point of history.points) expect(point.min).toBeLessThanOrEqual(point.avg)
  expect(history.points[history.points.length - 1].at - history.points[0].at).toBeGreaterThan((HISTORY_DAYS - 2) * 86_400)
})
