// Groups and scenes through the BFF, against the sandbox over real HTTP: what it forwards, what it refuses itself
// (a guest's device in a group or scene, values the datapoint definition forbids, before anything reaches the
// cloud) and what users are told.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DeviceOutcome, Group, Scene, SceneTaskStatus, SharingCreated } from '@shared/open-api'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, body, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'

let backend: Backend
const cookies: Record<string, string> = {}

beforeAll(async () => {
  backend = await startBackend()
  for (const user of [FIRST_USER, SECOND_USER]) cookies[user] = await loginThroughSandbox(backend.bffUrl, user)
  // 小红 becomes a guest of 小明's living-room air conditioner.
  const created = await as(FIRST_USER)('/api/app/sharing', { method: 'POST', json: { type: 1, did: LIVING_ROOM_AC } })
  const code = (await json<SharingCreated>(created)).qr_content!.split('code=')[1]
  expect((await as(SECOND_USER)(`/api/app/sharing/code/${code}`, { method: 'POST' })).status).toBe(201)
})
afterAll(async () => {
  await backend.close()
})

function as(user: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) =>
    fetch(`${backend.bffUrl}${path}`, {
      ...init,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      headers: { cookie: cookies[user], origin: backend.bffUrl, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) },
    })
}
const owner = (path: string, init?: RequestInit & { json?: unknown }) => as(FIRST_USER)(path, init)
const guest = (path: string, init?: RequestInit & { json?: unknown }) => as(SECOND_USER)(path, init)

async function untilDone(call: typeof owner, id: string): Promise<SceneTaskStatus> {
  for (;;) {
    const status = await json<SceneTaskStatus>(await call(`/api/app/scene/${id}/task`))
    if (status.status !== 0) return status
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('groups', () => {
  test('should make a group, control it once and answer per device, the offline one included', async () => {
    const created = await owner('/api/app/group', { method: 'POST', json: { group_name: '植物', product_key: PLANT_PRODUCT } })
    expect(created.status).toBe(201)
    const { id } = await json<{ id: string }>(created)
    expect((await owner(`/api/app/group/${id}/devices`, { method: 'POST', json: { dids: [BALCONY_PLANT, STUDY_PLANT_OFFLINE] } })).status).toBe(201)
    expect((await json<Group[]>(await owner('/api/app/group'))).map((group) => group.group_name)).toContain('植物')
    const outcomes = await json<DeviceOutcome[]>(await owner(`/api/app/group/${id}/control`, { method: 'POST', json: { attrs: { water_threshold: 40 } } }))
    expect(outcomes).toEqual([{ did: BALCONY_PLANT, result: true }, { did: STUDY_PLANT_OFFLINE, result: false, error_code: 9042, error_message: 'device offline!' }])
  })

  test('should refuse a bad group control before it reaches the cloud, in the user\'s language', async () => {
    const { id } = await json<{ id: string }>(await owner('/api/app/group', { method: 'POST', json: { group_name: '空调', product_key: AC_PRODUCT } }))
    await owner(`/api/app/group/${id}/devices`, { method: 'POST', json: { dids: [LIVING_ROOM_AC] } })
    const before = (await json<{ attr: Record<string, unknown> }>(await owner(`/api/app/devdata/${LIVING_ROOM_AC}/latest`))).attr.set_temp
    const range = await owner(`/api/app/group/${id}/control`, { method: 'POST', json: { attrs: { set_temp: 99 } } })
    expect(range.status).toBe(400)
    expect((await body(range)).message).toBe('“设定温度”必须在 16°C 到 30°C 之间')
    const readOnly = await owner(`/api/app/group/${id}/control`, { method: 'POST', json: { attrs: { room_temp: 20 } }, headers: { 'accept-language': 'en' } })
    expect((await body(readOnly)).message).toMatch(/read-only|cannot be set/i)
    expect((await json<{ attr: Record<string, unknown> }>(await owner(`/api/app/devdata/${LIVING_ROOM_AC}/latest`))).attr.set_temp).toBe(before)
    const mixed = await json<{ id: string }>(await owner('/api/app/group', { method: 'POST', json: { group_name: '客厅' } }))
    const refused = await owner(`/api/app/group/${mixed.id}/control`, { method: 'POST', json: { attrs: { switch: true } } })
    expect(refused.status).toBe(400)
    expect((await body(refused)).message).toBe('只有同一种产品的设备组成的分组才能一起控制')
  })

  test("should not put a guest's shared device in their group, and say why", async () => {
    const { id } = await json<{ id: string }>(await guest('/api/app/group', { method: 'POST', json: { group_name: '空调', product_key: AC_PRODUCT } }))
    const refused = await guest(`/api/app/group/${id}/devices`, { method: 'POST', json: { dids: [SECOND_USERS_AC, LIVING_ROOM_AC] } })
    expect(refused.status).toBe(403)
    expect((await body(refused)).message).toContain('是别人分享给你的，不能加入分组或场景')
    expect(await json(await guest(`/api/app/group/${id}/devices`))).toEqual([])
  })

  test('should answer a group that is not the user\'s as not found', async () => {
    const { id } = await json<{ id: string }>(await owner('/api/app/group', { method: 'POST', json: { group_name: '私有' } }))
    const response = await guest(`/api/app/group/${id}`, { method: 'DELETE' })
    expect(response.status).toBe(404)
    expect((await body(response)).message).toBe('找不到这个分组，它可能已被删除')
  })
})

describe('scenes', () => {
  test('should refuse bad values when a scene is saved, naming the datapoint, and keep nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ set_temp: 35 }, '“设定温度”必须在 16°C 到 30°C 之间'],
      [{ mode: '睡眠' }, '“模式”只能是：自动 / 制冷 / 制热 / 送风 / 除湿'],
      [{ room_temp: 25 }, '“室内温度”是只读的，不能设置'],
      [{ switch: 'on' }, '“开关”只能是开或关'],
    ]
    for (const [attrs, message] of cases) {
      const response = await owner('/api/app/scene', { method: 'POST', json: { scene_name: '坏场景', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs }] } })
      expect(response.status).toBe(400)
      expect((await body(response)).message).toBe(message)
    }
    const { id: groupId } = await json<{ id: string }>(await owner('/api/app/group', { method: 'POST', json: { group_name: '两台空调', product_key: AC_PRODUCT } }))
    const groupStep = await owner('/api/app/scene', { method: 'POST', json: { scene_name: '坏场景', tasks: [{ task_type: 'group', group_id: groupId, attrs: { fan_speed: '超强' } }] } })
    expect(groupStep.status).toBe(400)
    expect((await body(groupStep)).message).toBe('“风速”只能是：低风 / 中风 / 高风 / 自动')
    const tooLong = await owner('/api/app/scene', { method: 'POST', json: { scene_name: '坏场景', tasks: [{ task_type: 'delay', time: 3601 }] } })
    expect(tooLong.status).toBe(400)
    expect((await json<Scene[]>(await owner('/api/app/scene'))).map((scene) => scene.scene_name)).not.toContain('坏场景')
  })

  test('should save a scene in the page\'s values, store the scene wire, run it and show each step', async () => {
    const tasks = [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: true, mode: '制热' } }, { task_type: 'device', did: STUDY_PLANT_OFFLINE, attrs: { pump: true } }]
    const created = await owner('/api/app/scene', { method: 'POST', json: { scene_name: '早安', tasks } })
    expect(created.status).toBe(201)
    const { id } = await json<{ id: string }>(created)
    const scene = (await json<Scene[]>(await owner('/api/app/scene'))).find((candidate) => candidate.id === id)!
    expect(scene.tasks[0]).toMatchObject({ did: LIVING_ROOM_AC, attrs: { switch: true, mode: '制热' }, dev_alias: '客厅空调' })
    expect((await owner(`/api/app/scene/${id}/task`, { method: 'POST' })).status).toBe(200)
    const done = await untilDone(owner, id)
    expect(done.status).toBe(2)
    expect(done.run!.steps.map((step) => step.status)).toEqual(['done', 'failed'])
    expect((await json<{ attr: Record<string, unknown> }>(await owner(`/api/app/devdata/${LIVING_ROOM_AC}/latest`))).attr.mode).toBe('制热')
    const history = await json<unknown[]>(await owner(`/api/app/scene/${id}/task/history`))
    expect(history).toHaveLength(1)
  })

  test("should refuse a guest a scene on a shared device but let them run their own", async () => {
    const refused = await guest('/api/app/scene', { method: 'POST', json: { scene_name: '蹭空调', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: true } }] } })
    expect(refused.status).toBe(403)
    expect((await body(refused)).message).toContain('可以执行已有场景')
    const english = await guest('/api/app/scene', { method: 'POST', json: { scene_name: 'x', tasks: [{ task_type: 'device', did: LIVING_ROOM_AC, attrs: { switch: true } }] }, headers: { 'accept-language': 'en' } })
    expect((await body(english)).message).toContain('was shared with you')
    const own = await json<{ id: string }>(await guest('/api/app/scene', { method: 'POST', json: { scene_name: '回家', tasks: [{ task_type: 'device', did: SECOND_USERS_AC, attrs: { switch: true } }] } }))
    expect((await guest(`/api/app/scene/${own.id}/task`, { method: 'POST' })).status).toBe(200)
    expect((await untilDone(guest, own.id)).status).toBe(1)
  })

  test("should answer someone else's scene as not found, whatever the cloud's reason", async () => {
    const { id } = await json<{ id: string }>(await owner('/api/app/scene', { method: 'POST', json: { scene_name: '私有', tasks: [{ task_type: 'delay', time: 1 }] } }))
    for (const [path, method] of [[`/api/app/scene/${id}/task`, 'POST'], [`/api/app/scene/${id}`, 'DELETE']] as const) {
      const response = await guest(path, { method })
      expect(response.status).toBe(404)
      expect((await body(response)).message).toBe('找不到这个场景，它可能已被删除')
    }
  })
})
