// Groups and scenes in the sandbox over real HTTP (seed 003 设备分组, 用户场景): a group control fans out to each
// device and an offline one answers for itself; a scene runs its steps in order, a failing step is reported with
// its reason and fails the run, and the runs are kept.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { UserToken } from '@shared/open-api'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, STUDY_PLANT_OFFLINE, body, json, startTestSandbox } from '../support/backend'

const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'

let sandbox: Sandbox
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }

async function login(phoneId = FIRST_USER): Promise<string> {
  const response = await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) })
  return (await json<UserToken>(response)).token
}
const call = (token: string, method: string, path: string, payload?: unknown) =>
  fetch(`${sandbox.url}${path}`, { method, headers: { ...app, 'X-Gizwits-User-token': token }, body: payload === undefined ? undefined : JSON.stringify(payload) })
const latest = async (token: string, did: string) => (await json<{ attr: Record<string, unknown> }>(await call(token, 'GET', `/app/devdata/${did}/latest`))).attr

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe()
    if (ok(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

beforeEach(async () => {
  sandbox = await startTestSandbox()
})
afterEach(async () => {
  await sandbox.close()
})

describe('device groups', () => {
  test('should create, list, rename, fill, empty and delete a group in seed 003 shapes', async () => {
    const token = await login()
    const created = await call(token, 'POST', '/app/group', { group_name: '空调们', product_key: AC_PRODUCT })
    expect(created.status).toBe(201)
    const { id } = await json<{ id: string }>(created)
    expect(id).toMatch(/^[0-9a-f]{24}$/)
    const added = await json<Record<string, unknown>>(await call(token, 'POST', `/app/group/${id}/devices?show_detail=1`, { dids: [LIVING_ROOM_AC, BEDROOM_AC, BALCONY_PLANT, 'nosuchdevice000000000'] }))
    expect(added.success).toEqual([LIVING_ROOM_AC, BEDROOM_AC])
    expect(added.failed).toEqual([BALCONY_PLANT, 'nosuchdevice000000000'])
    expect(added.detail).toEqual([
      expect.objectContaining({ did: BALCONY_PLANT, error_code: 9015 }),
      { did: 'nosuchdevice000000000', error_code: 9014, error_message: 'device not found!', detail_msg: null },
    ])
    expect((await call(token, 'PUT', `/app/group/${id}`, { group_name: '全屋空调' })).status).toBe(200)
    const [group] = await json<Array<Record<string, unknown>>>(await call(token, 'GET', '/app/group'))
    expect(group).toMatchObject({ id, group_name: '全屋空调', product_key: AC_PRODUCT, verbose_name: expect.any(String) })
    expect(group.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const devices = await json<Array<Record<string, unknown>>>(await call(token, 'GET', `/app/group/${id}/devices`))
    expect(devices).toEqual([
      { did: LIVING_ROOM_AC, type: 'normal', product_key: AC_PRODUCT, verbose_name: group.verbose_name, dev_alias: '客厅空调' },
      { did: BEDROOM_AC, type: 'normal', product_key: AC_PRODUCT, verbose_name: group.verbose_name, dev_alias: '卧室空调' },
    ])
    expect(await json(await call(token, 'DELETE', `/app/group/${id}/devices`, { dids: [BEDROOM_AC, BALCONY_PLANT] }))).toEqual({ success: [BEDROOM_AC], failed: [BALCONY_PLANT] })
    expect((await call(token, 'DELETE', `/app/group/${id}`)).status).toBe(200)
    expect(await json(await call(token, 'GET', '/app/group'))).toEqual([])
  })

  test("should not show or touch another user's group", async () => {
    const mine = await login()
    const theirs = await login(SECOND_USER)
    const { id } = await json<{ id: string }>(await call(mine, 'POST', '/app/group', { group_name: '客厅' }))
    const response = await call(theirs, 'DELETE', `/app/group/${id}`)
    expect(response.status).toBe(404)
    expect(await body(response)).toMatchObject({ error_code: 9230, error_message: 'group not found!' })
    expect(await json(await call(theirs, 'GET', '/app/group'))).toEqual([])
  })

  test('should control every device of the group, the offline one answering for itself', async () => {
    const token = await login()
    const { id } = await json<{ id: string }>(await call(token, 'POST', '/app/group', { group_name: '植物', product_key: PLANT_PRODUCT }))
    await call(token, 'POST', `/app/group/${id}/devices`, { dids: [BALCONY_PLANT, STUDY_PLANT_OFFLINE] })
    const before = await latest(token, BALCONY_PLANT)
    const response = await call(token, 'POST', `/app/group/${id}/control`, { attrs: { water_threshold: 42 } })
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual([
      { did: BALCONY_PLANT, result: true },
      { did: STUDY_PLANT_OFFLINE, result: false, error_code: 9042, error_message: 'device offline!' },
    ])
    expect(before.water_threshold).not.toBe(42)
    // result true means the device applied it: its reading already says so.
    expect((await latest(token, BALCONY_PLANT)).water_threshold).toBe(42)
  })

  test('should refuse a bad value for the whole group, and a control of a mixed group', async () => {
    const token = await login()
    const { id } = await json<{ id: string }>(await call(token, 'POST', '/app/group', { group_name: '空调', product_key: AC_PRODUCT }))
    await call(token, 'POST', `/app/group/${id}/devices`, { dids: [LIVING_ROOM_AC] })
    expect(await json(await call(token, 'POST', `/app/group/${id}/control`, { attrs: { set_temp: 99 } }))).toEqual([
      { did: LIVING_ROOM_AC, result: false, error_code: 9025, error_message: expect.stringContaining('set_temp') },
    ])
    const mixed = await json<{ id: string }>(await call(token, 'POST', '/app/group', { group_name: '客厅' }))
    const refused = await call(token, 'POST', `/app/group/${mixed.id}/control`, { attrs: { switch: true } })
    expect(refused.status).toBe(400)
    expect((await body(refused)).error_code).toBe(9015)
  })
})

describe('user scenes', () => {
  test('should refuse a scene with a delay over 3600 s or a bad value when it is saved', async () => {
    const token = await login()
    const tooLong = await call(token, 'POST', '/app/scene', { scene_name: '回家', tasks: [{ task_type: 'delay', time: 3601 }] })
    expect(tooLong.status).toBe(400)
    expect((await body(tooLong)).error_code).toBe(9015)
    const badValue = await call(token, 'POST', '/app/scene', { scene_name: '回家', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { mode: 9 } }] })
    expect(badValue.status).toBe(400)
    expect((await body(badValue)).error_code).toBe(9025)
    // An enum travels as its index in a scene (seed 003), not by name as in a control.
    const byName = await call(token, 'POST', '/app/scene', { scene_name: '回家', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { mode: '制冷' } }] })
    expect((await body(byName)).error_code).toBe(9025)
    expect(await json(await call(token, 'GET', '/app/scene'))).toEqual([])
  })

  test('should run the steps in order, report each step, and keep the run', async () => {
    const token = await login()
    const tasks = [
      { task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: true, mode: 1 } },
      { task_type: 'delay', time: 1 },
      { task_type: 'device', did: BALCONY_PLANT, attrs: { water_threshold: 33 } },
    ]
    const { id } = await json<{ id: string }>(await call(token, 'POST', '/app/scene', { scene_name: '回家', remark: '到家前', tasks }))
    const [listed] = await json<Array<{ tasks: Array<Record<string, unknown>> }>>(await call(token, 'GET', '/app/scene'))
    expect(listed.tasks[0]).toMatchObject({ task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: true, mode: 1 }, product_key: AC_PRODUCT, dev_alias: '客厅空调', time: 0, group_id: '', group_name: '' })
    expect(await json(await call(token, 'GET', `/app/scene/${id}/task`))).toEqual({ status: 3, run: null })

    expect((await call(token, 'POST', `/app/scene/${id}/task`)).status).toBe(200)
    const during = await until(async () => json<{ status: number; run: { steps: Array<{ status: string }> } }>(await call(token, 'GET', `/app/scene/${id}/task`)), (s) => s.run?.steps[1].status === 'running')
    expect(during.status).toBe(0)
    expect(during.run.steps.map((step) => step.status)).toEqual(['done', 'running', 'idle'])
    expect((await latest(token, LIVING_ROOM_AC)).mode).toBe('制冷')
    const done = await until(async () => json<{ status: number; run: { steps: Array<{ status: string; results: unknown[] }> } }>(await call(token, 'GET', `/app/scene/${id}/task`)), (s) => s.status !== 0)
    expect(done.status).toBe(1)
    expect(done.run.steps.map((step) => step.status)).toEqual(['done', 'done', 'done'])
    expect(done.run.steps[2].results).toEqual([{ did: BALCONY_PLANT, result: true }])
    expect((await latest(token, BALCONY_PLANT)).water_threshold).toBe(33)
    const history = await json<Array<{ status: number }>>(await call(token, 'GET', `/app/scene/${id}/task/history`))
    expect(history.map((run) => run.status)).toEqual([1])
  })

  test('should go on after a failing step and end the run failed, naming the step and the reason', async () => {
    const token = await login()
    const { id: groupId } = await json<{ id: string }>(await call(token, 'POST', '/app/group', { group_name: '植物', product_key: PLANT_PRODUCT }))
    await call(token, 'POST', `/app/group/${groupId}/devices`, { dids: [BALCONY_PLANT, STUDY_PLANT_OFFLINE] })
    const tasks = [
      { task_type: 'device', did: STUDY_PLANT_OFFLINE, attrs: { pump: true } },
      { task_type: 'group', group_id: groupId, attrs: { water_threshold: 25 } },
      { task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: false } },
    ]
    const { id } = await json<{ id: string }>(await call(token, 'POST', '/app/scene', { scene_name: '浇水', tasks }))
    await call(token, 'POST', `/app/scene/${id}/task`)
    const done = await until(async () => json<{ status: number; run: { steps: Array<{ status: string; results: Array<Record<string, unknown>> }> } }>(await call(token, 'GET', `/app/scene/${id}/task`)), (s) => s.status !== 0)
    expect(done.status).toBe(2)
    expect(done.run.steps.map((step) => step.status)).toEqual(['failed', 'failed', 'done'])
    expect(done.run.steps[0].results).toEqual([{ did: STUDY_PLANT_OFFLINE, result: false, error_code: 9042, error_message: 'device offline!' }])
    expect(done.run.steps[1].results).toEqual([{ did: BALCONY_PLANT, result: true }, expect.objectContaining({ did: STUDY_PLANT_OFFLINE, result: false, error_code: 9042 })])
    expect((await latest(token, BALCONY_PLANT)).water_threshold).toBe(25)
  })

  test("should answer 9220 for a missing scene and 9221 for another user's", async () => {
    const mine = await login()
    const theirs = await login(SECOND_USER)
    const { id } = await json<{ id: string }>(await call(mine, 'POST', '/app/scene', { scene_name: '睡觉', tasks: [{ task_type: 'delay', time: 5 }] }))
    expect(await body(await call(theirs, 'POST', `/app/scene/${id}/task`))).toMatchObject({ error_code: 9221, error_message: 'the scene does not belong to you!' })
    const missing = await call(mine, 'GET', '/app/scene/000000000000000000000000/task')
    expect(missing.status).toBe(404)
    expect((await body(missing)).error_code).toBe(9220)
  })
})
