// Linkage rules through the BFF (/api/app/rules…) to the sandbox's cloud: what it forwards, what it refuses before
// anything leaves (guests on a shared device, devices that are not the user's, controls the datapoint definition
// does not allow, conditions that compare the wrong things), and how the cloud's loop refusal is told to users.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { SharingCreated } from '@shared/open-api'
import type { RuleBody, RuleList, RuleParams } from '@shared/rules'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, body, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'

let backend: Backend
const cookies: Record<string, string> = {}

beforeAll(async () => {
  backend = await startBackend()
  for (const user of [FIRST_USER, SECOND_USER]) cookies[user] = await loginThroughSandbox(backend.bffUrl, user)
})
afterAll(async () => {
  await backend.close()
})

const as = (user: string) => (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${backend.bffUrl}${path}`, {
    ...init,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    headers: { cookie: cookies[user], origin: backend.bffUrl, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) },
  })
const owner = as(FIRST_USER)
const guest = as(SECOND_USER)
const rulesOf = async (call: ReturnType<typeof as>) => (await json<RuleList>(await call('/api/app/rules'))).rules

/** "当 阳台绿萝 的 土壤湿度 < 30% 时，打开 水泵 5 分钟". */
const waterRule = (extra: Partial<RuleBody> = {}): RuleBody => ({
  name: '缺水浇水', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, event: 'data',
  input: [{ did: BALCONY_PLANT, prefix: 'device1', product_key: PLANT_PRODUCT }],
  condition: [[{ left: 'device1.soil_humidity', opt: '<', right: '30' }]],
  output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }, { type: 'delay', delay: 300 }, { type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: false } }]],
  ...extra,
})

describe('rules through the BFF', () => {
  test('rules/params for the user\'s products, then a rule saved, listed, switched off and deleted', async () => {
    const params = await json<RuleParams>(await owner(`/api/app/rules/params?product_key=${PLANT_PRODUCT}`))
    expect(params[PLANT_PRODUCT]).toContainEqual({ display_name: '土壤湿度', enum: [], type: 'int', name: 'soil_humidity' })
    const created = await owner('/api/app/rules', { method: 'POST', json: waterRule() })
    expect(created.status).toBe(201)
    const { rule_id: ruleId } = await json<{ rule_id: number }>(created)
    expect(await rulesOf(owner)).toEqual([expect.objectContaining({ rule_id: ruleId, name: '缺水浇水', enabled: true })])
    expect((await owner(`/api/app/rules/${ruleId}`, { method: 'PUT', json: waterRule({ enabled: false }) })).status).toBe(200)
    expect((await rulesOf(owner))[0].enabled).toBe(false)
    expect((await owner(`/api/app/rules/${ruleId}`, { method: 'DELETE' })).status).toBe(200)
    expect(await rulesOf(owner)).toEqual([])
    expect((await body(await owner(`/api/app/rules/${ruleId}`, { method: 'DELETE' }))).message).toBe('找不到这条联动规则，它可能已被删除')
  })

  test('every control in a rule is checked as a single control is, and refused when saved, in the user\'s language', async () => {
    const cases: Array<[RuleBody, string]> = [
      [waterRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { water_threshold: 150 } }]] }), '“缺水阈值”必须在 0% 到 100% 之间'],
      [waterRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { soil_humidity: 10 } }]] }), '“土壤湿度”是只读的，不能设置'],
      [waterRule({ output: [[{ type: 'devctrl', did: BEDROOM_AC, attrs: { mode: '睡眠' } }]] }), '“模式”只能是：自动 / 制冷 / 制热 / 送风 / 除湿'],
      [waterRule({ output: [[{ type: 'devctrl', did: BEDROOM_AC, attrs: { set_temp: 16.5 } }]] }), '“设定温度”必须是 16°C 起每 1°C 一档'],
      [waterRule({ condition: [[{ left: 'device1.pump', opt: '>', right: '0' }]] }), '“水泵”不是数值，条件只能用“等于”或“不等于”'],
      [waterRule({ condition: [[{ left: 'device1.soil_humidity', opt: '<', right: 'dry' }]] }), '条件里和“土壤湿度”比较的值不对'],
    ]
    for (const [rule, message] of cases) {
      const refused = await owner('/api/app/rules', { method: 'POST', json: rule })
      expect(refused.status, message).toBe(400)
      expect((await body(refused)).message).toBe(message)
    }
    const english = await owner('/api/app/rules', { method: 'POST', json: cases[0][0], headers: { 'accept-language': 'en' } })
    expect((await body(english)).message).toBe('"缺水阈值" must be between 0% and 100%')
    expect(await rulesOf(owner)).toEqual([])
  })

  test('a device the user is not bound to is not found, in any place of the rule', async () => {
    const refusals = [
      waterRule({ output: [[{ type: 'devctrl', did: SECOND_USERS_AC, attrs: { switch: true } }]] }),
      waterRule({ input: [{ did: BALCONY_PLANT, prefix: 'device1', product_key: PLANT_PRODUCT }, { did: SECOND_USERS_AC, prefix: 'other', product_key: AC_PRODUCT }] }),
    ]
    for (const rule of refusals) {
      const refused = await owner('/api/app/rules', { method: 'POST', json: rule })
      expect(refused.status).toBe(404)
      expect((await body(refused)).message).toBe('找不到这台设备，或者它不在你的设备列表里')
    }
    expect(await rulesOf(owner)).toEqual([])
  })

  test('a loop is refused with 409 and the rules it runs through, by name', async () => {
    const on = (name: string, from: string, to: string): RuleBody => ({
      name, product_key: AC_PRODUCT, did: from, event: 'data', input: [{ did: from, prefix: 'a', product_key: AC_PRODUCT }],
      condition: [[{ left: 'a.switch', opt: '==', right: '1' }]], output: [[{ type: 'devctrl', did: to, attrs: { switch: true } }]],
    })
    const first = await owner('/api/app/rules', { method: 'POST', json: on('客厅带卧室', LIVING_ROOM_AC, BEDROOM_AC) })
    expect(first.status).toBe(201)
    const loop = await owner('/api/app/rules', { method: 'POST', json: on('卧室带客厅', BEDROOM_AC, LIVING_ROOM_AC) })
    expect(loop.status).toBe(409)
    const error = await body(loop)
    expect(error).toMatchObject({ error_code: 9120, message: '这条规则会和已有的规则互相触发，停不下来（“卧室带客厅” → “客厅带卧室” → “卧室带客厅”）。请改一下条件或动作' })
    await owner(`/api/app/rules/${(await json<{ rule_id: number }>(first)).rule_id}`, { method: 'DELETE' })
  })

  test('a group step names one of the user\'s own groups, of the product it says, with values its product allows', async () => {
    const { id } = await json<{ id: string }>(await owner('/api/app/group', { method: 'POST', json: { group_name: '两台空调', product_key: AC_PRODUCT } }))
    expect((await owner(`/api/app/group/${id}/devices`, { method: 'POST', json: { dids: [LIVING_ROOM_AC, BEDROOM_AC] } })).status).toBe(201)
    const groupStep = (attrs: Record<string, boolean | number | string>, productKey = AC_PRODUCT) => waterRule({ output: [[{ type: 'groupctrl', group_id: id, product_key: productKey, attrs }]] })
    const saved = await owner('/api/app/rules', { method: 'POST', json: groupStep({ switch: true }) })
    expect(saved.status).toBe(201)
    const refusals: Array<[RuleBody, number, string]> = [
      [groupStep({ set_temp: 16.5 }), 400, '“设定温度”必须是 16°C 起每 1°C 一档'],
      [groupStep({ switch: true }, PLANT_PRODUCT), 400, '规则里分组的产品和分组本身的不一致'],
      [waterRule({ output: [[{ type: 'groupctrl', group_id: 'nosuchgroup', product_key: AC_PRODUCT, attrs: { switch: true } }]] }), 404, '找不到这个分组，它可能已被删除'],
    ]
    for (const [rule, status, message] of refusals) {
      const refused = await owner('/api/app/rules', { method: 'POST', json: rule })
      expect(refused.status, message).toBe(status)
      expect((await body(refused)).message).toBe(message)
    }
    // Another user naming this group in a rule on her own device: not found, before anything reaches the cloud.
    const theirs: RuleBody = {
      name: '借用分组', product_key: AC_PRODUCT, did: SECOND_USERS_AC, event: 'data', input: [{ did: SECOND_USERS_AC, prefix: 'a', product_key: AC_PRODUCT }],
      condition: [[{ left: 'a.switch', opt: '==', right: '1' }]], output: [[{ type: 'groupctrl', group_id: id, product_key: AC_PRODUCT, attrs: { switch: true } }]],
    }
    const borrowed = await guest('/api/app/rules', { method: 'POST', json: theirs, headers: { 'accept-language': 'en' } })
    expect(borrowed.status).toBe(404)
    expect((await body(borrowed)).message).toBe('This group does not exist; it may have been deleted')
    expect(await rulesOf(guest)).toEqual([])
    await owner(`/api/app/rules/${(await json<{ rule_id: number }>(saved)).rule_id}`, { method: 'DELETE' })
    await owner(`/api/app/group/${id}`, { method: 'DELETE' })
  })

  test('a guest may not use a shared device in a rule, nor change or delete a rule that uses it (403)', async () => {
    const shared = await json<SharingCreated>(await owner('/api/app/sharing', { method: 'POST', json: { type: 1, did: LIVING_ROOM_AC } }))
    expect((await guest(`/api/app/sharing/code/${shared.qr_content!.split('code=')[1]}`, { method: 'POST' })).status).toBe(201)
    const onShared: RuleBody = {
      name: '回家开客厅空调', product_key: AC_PRODUCT, did: SECOND_USERS_AC, event: 'data', input: [{ did: SECOND_USERS_AC, prefix: 'a', product_key: AC_PRODUCT }],
      condition: [[{ left: 'a.switch', opt: '==', right: '1' }]], output: [[{ type: 'devctrl', did: LIVING_ROOM_AC, attrs: { switch: true } }]],
    }
    const refused = await guest('/api/app/rules', { method: 'POST', json: onShared })
    expect(refused.status).toBe(403)
    expect((await body(refused)).message).toMatch(/^“.+”是别人分享给你的设备，不能用在联动规则里/)
    const english = await guest('/api/app/rules', { method: 'POST', json: onShared, headers: { 'accept-language': 'en' } })
    expect((await body(english)).message).toMatch(/was shared with you: it cannot be used in a linkage rule/)
    // A rule made on the cloud directly (as another app could) is still not the guest's to change or delete through us.
    const { rule_id: ruleId } = await backend.context.accounts.withToken(SECOND_USER, (token) => backend.context.client.request<{ rule_id: number }>('POST', '/app/rules', { token, body: onShared }))
    expect((await guest(`/api/app/rules/${ruleId}`, { method: 'PUT', json: { ...onShared, enabled: false } })).status).toBe(403)
    expect((await guest(`/api/app/rules/${ruleId}`, { method: 'DELETE' })).status).toBe(403)
    expect((await rulesOf(guest)).map((rule) => rule.rule_id)).toEqual([ruleId])
    // Her own device alone is fine.
    const own = await guest('/api/app/rules', { method: 'POST', json: { ...onShared, output: [[{ type: 'devctrl', did: SECOND_USERS_AC, attrs: { fan_swing: true } }]] } })
    expect(own.status).toBe(201)
  })
})
