// Linkage rules (seed 003 设备联动) on the sandbox over real HTTP: the seed's shapes, firing on the crossing and not
// on every report, and/or conditions, delays on the sandbox clock, loops refused (2 and 3 rules), values and
// devices checked when a rule is saved, and the log of firings.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import type { DevdataLatest, MessageList, UserToken } from '@shared/open-api'
import { RuleErrorCode, type RuleBody, type RuleList, type RuleLogList, type RuleParams } from '@shared/rules'
import { DEMO_GIZWITS_APP_ID } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AC_PRODUCT, FIRST_USER, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, STUDY_PLANT_OFFLINE, body, json, startTestSandbox } from '../support/backend'

const PLANT_PRODUCT = '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21'
const PET_PRODUCT = '268162799f764b999f834b5a02eb894d'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const PET_HOUSE = 'Pt9cPvYv5tT1uMz4Xd7SbK'

let sandbox: Sandbox
let owner: UserToken
const app = { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }

const call = (token: string, method: string, path: string, payload?: unknown) =>
  fetch(`${sandbox.url}${path}`, {
    method,
    headers: payload === undefined ? { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'X-Gizwits-User-token': token } : { ...app, 'X-Gizwits-User-token': token },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  })
const login = async (phoneId: string) => json<UserToken>(await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: app, body: JSON.stringify({ phone_id: phoneId }) }))
const report = async (did: string, attrs: Record<string, unknown>) => {
  const response = await fetch(`${sandbox.url}/sandbox/devices/${did}/report`, { method: 'POST', headers: app, body: JSON.stringify({ attrs }) })
  expect(response.status).toBeLessThan(300)
}
const advance = (seconds: number) => fetch(`${sandbox.url}/sandbox/clock`, { method: 'POST', headers: app, body: JSON.stringify({ advance_s: seconds }) })
const latest = async (did: string) => (await json<DevdataLatest>(await call(owner.token, 'GET', `/app/devdata/${did}/latest`))).attr
const logs = async (ruleId?: number) => (await json<RuleLogList>(await call(owner.token, 'GET', `/app/rules/logs?limit=50${ruleId ? `&rule_id=${ruleId}` : ''}`))).logs
const create = async (rule: RuleBody, token = owner.token) => call(token, 'POST', '/app/rules', rule)
const createOk = async (rule: RuleBody) => {
  const response = await create(rule)
  expect(response.status, JSON.stringify(await response.clone().json())).toBe(201)
  return (await json<{ rule_id: number }>(response)).rule_id
}

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** "当 阳台绿萝 的 土壤湿度 < 30% 时，打开 水泵" in the seed's shape. */
const dryPlantRule = (extra: Partial<RuleBody> = {}): RuleBody => ({
  name: '缺水浇水', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, event: 'data', interval: 0,
  input: [{ did: BALCONY_PLANT, prefix: 'device1', product_key: PLANT_PRODUCT }],
  condition: [[{ left: 'device1.soil_humidity', opt: '<', right: '30' }]],
  output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }]],
  ...extra,
})

/** "when device `from`'s switch is on, switch `to` on" between two air conditioners or the like. */
const switchRule = (name: string, from: { did: string; pk: string; attr: string }, to: { did: string; attrs: Record<string, boolean | number | string> }): RuleBody => ({
  name, product_key: from.pk, did: from.did, event: 'data',
  input: [{ did: from.did, prefix: 'a', product_key: from.pk }],
  condition: [[{ left: `a.${from.attr}`, opt: '==', right: '1' }]],
  output: [[{ type: 'devctrl', did: to.did, attrs: to.attrs }]],
})

beforeEach(async () => {
  sandbox = await startTestSandbox()
  owner = await login(FIRST_USER)
  await report(BALCONY_PLANT, { soil_humidity: 50, pump: false, auto_water: false, temperature: 20, light: 1000 })
})
afterEach(async () => {
  await sandbox.close()
})

describe('rules/params and the rule list', () => {
  test('params lists each product\'s datapoints with display name, type and enum, as the seed\'s example', async () => {
    const params = await json<RuleParams>(await call(owner.token, 'GET', `/app/rules/params?product_key=${PLANT_PRODUCT},${AC_PRODUCT}`))
    expect(Object.keys(params).sort()).toEqual([AC_PRODUCT, PLANT_PRODUCT].sort())
    expect(params[PLANT_PRODUCT]).toContainEqual({ display_name: '土壤湿度', enum: [], type: 'int', name: 'soil_humidity' })
    expect(params[AC_PRODUCT]).toContainEqual({ display_name: '开关', enum: [], type: 'bool', name: 'switch' })
    expect(params[AC_PRODUCT]).toContainEqual({ display_name: '模式', enum: ['自动', '制冷', '制热', '送风', '除湿'], type: 'enum', name: 'mode' })
  })

  test('create, list, change, delete: rule_id as an integer, as the seed answers', async () => {
    const ruleId = await createOk(dryPlantRule())
    expect(Number.isInteger(ruleId)).toBe(true)
    const list = await json<RuleList>(await call(owner.token, 'GET', '/app/rules?limit=20&skip=0'))
    expect(list.rules).toEqual([expect.objectContaining({ rule_id: ruleId, name: '缺水浇水', did: BALCONY_PLANT, event: 'data', remark: '', interval: 0, enabled: true })])
    expect(await body(await call(owner.token, 'PUT', `/app/rules/${ruleId}`, { ...dryPlantRule(), name: '浇水', enabled: false }))).toEqual({ rule_id: ruleId })
    expect((await json<RuleList>(await call(owner.token, 'GET', '/app/rules'))).rules[0]).toMatchObject({ name: '浇水', enabled: false })
    const other = await login(SECOND_USER)
    expect((await body(await call(other.token, 'DELETE', `/app/rules/${ruleId}`))).error_code).toBe(RuleErrorCode.RULE_NOT_FOUND)
    expect(await body(await call(owner.token, 'DELETE', `/app/rules/${ruleId}`))).toEqual({ rule_id: ruleId })
    expect((await json<RuleList>(await call(owner.token, 'GET', '/app/rules'))).rules).toEqual([])
  })
})

describe('firing', () => {
  test('fires on the crossing (false → true), not on every report while the condition stays true', async () => {
    const ruleId = await createOk(dryPlantRule())
    await report(BALCONY_PLANT, { soil_humidity: 25 })
    await until(() => latest(BALCONY_PLANT), (attrs) => attrs.pump === 1)
    await report(BALCONY_PLANT, { pump: false })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    await report(BALCONY_PLANT, { soil_humidity: 28 })
    expect(await logs(ruleId)).toHaveLength(1)
    // Back above the threshold, then below again: a second crossing, a second firing.
    await report(BALCONY_PLANT, { soil_humidity: 45 })
    expect(await logs(ruleId)).toHaveLength(1)
    await report(BALCONY_PLANT, { soil_humidity: 10 })
    const fired = await until(() => logs(ruleId), (list) => list.length === 2 && list[0].status === 'succeed')
    expect(fired[0]).toMatchObject({ rule_id: ruleId, status: 'succeed', detail: [{ group: 0, step: 0, type: 'devctrl', did: BALCONY_PLANT, result: 'ok' }] })
    expect(fired[0].fired_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  test('a group step switches every device of the user\'s group, through the groups\' owner', async () => {
    const { id } = await json<{ id: string }>(await call(owner.token, 'POST', '/app/group', { group_name: '空调们', product_key: AC_PRODUCT }))
    await call(owner.token, 'POST', `/app/group/${id}/devices`, { dids: [LIVING_ROOM_AC, BEDROOM_AC] })
    for (const did of [LIVING_ROOM_AC, BEDROOM_AC]) {
      expect((await call(owner.token, 'POST', `/app/control/${did}`, { attrs: { switch: false } })).status).toBe(200)
      await until(() => latest(did), (attrs) => attrs.switch === 0)
    }
    const ruleId = await createOk(dryPlantRule({ output: [[{ type: 'groupctrl', group_id: id, product_key: AC_PRODUCT, attrs: { switch: true } }]] }))
    await report(BALCONY_PLANT, { soil_humidity: 22 })
    await until(() => latest(LIVING_ROOM_AC), (attrs) => attrs.switch === 1)
    await until(() => latest(BEDROOM_AC), (attrs) => attrs.switch === 1)
    expect((await until(() => logs(ruleId), (list) => list[0]?.status === 'succeed'))[0].detail).toEqual([expect.objectContaining({ type: 'groupctrl', result: 'ok' })])
    // Another user cannot name this group in a rule of theirs.
    const other = await login(SECOND_USER)
    const theirs = await create({ ...switchRule('借组', { did: SECOND_USERS_AC, pk: AC_PRODUCT, attr: 'switch' }, { did: SECOND_USERS_AC, attrs: {} }), output: [[{ type: 'groupctrl', group_id: id, product_key: AC_PRODUCT, attrs: { switch: true } }]] }, other.token)
    expect((await body(theirs)).error_code).toBe(9015)
  })

  test('a rule made while its condition already holds waits for the next crossing', async () => {
    await report(BALCONY_PLANT, { soil_humidity: 10 })
    const ruleId = await createOk(dryPlantRule())
    await report(BALCONY_PLANT, { soil_humidity: 12 })
    expect(await logs(ruleId)).toEqual([])
  })

  test('and inside a group, or across groups', async () => {
    // (soil < 30 and temperature > 30) or light > 50000
    const ruleId = await createOk(dryPlantRule({
      condition: [
        [{ left: 'device1.soil_humidity', opt: '<', right: '30' }, { left: 'device1.temperature', opt: '>', right: '30' }],
        [{ left: 'device1.light', opt: '>', right: '50000' }],
      ],
    }))
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toHaveLength(0)
    await report(BALCONY_PLANT, { temperature: 35 })
    expect(await logs(ruleId)).toHaveLength(1)
    await report(BALCONY_PLANT, { temperature: 20, soil_humidity: 60 })
    await report(BALCONY_PLANT, { light: 55000 })
    expect(await logs(ruleId)).toHaveLength(2)
  })

  test('a condition across two devices, and == on an enum by its label', async () => {
    const ruleId = await createOk({
      name: '制冷时浇水', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, event: 'data',
      input: [{ did: BALCONY_PLANT, prefix: 'plant', product_key: PLANT_PRODUCT }, { did: LIVING_ROOM_AC, prefix: 'ac', product_key: AC_PRODUCT }],
      condition: [[{ left: 'plant.soil_humidity', opt: '<', right: '30' }, { left: 'ac.mode', opt: '==', right: "'制冷'" }]],
      output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }]],
    })
    await report(LIVING_ROOM_AC, { mode: '制热' })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toHaveLength(0)
    await report(BALCONY_PLANT, { soil_humidity: 50 })
    await report(LIVING_ROOM_AC, { mode: '制冷' })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toHaveLength(1)
  })

  test('"打开水泵 5 分钟": the delay runs on the sandbox clock, and the log shows the pending step until it is done', async () => {
    const ruleId = await createOk(dryPlantRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }, { type: 'delay', delay: 300 }, { type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: false } }]] }))
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    await until(() => latest(BALCONY_PLANT), (attrs) => attrs.pump === 1)
    const [running] = await logs(ruleId)
    expect(running.status).toBe('running')
    expect(running.detail.map((step) => step.result)).toEqual(['ok', 'pending', 'pending'])
    await advance(300)
    await until(() => latest(BALCONY_PLANT), (attrs) => attrs.pump === 0)
    const [done] = await until(() => logs(ruleId), (list) => list[0].status === 'succeed')
    expect(done.detail.map((step) => step.result)).toEqual(['ok', 'ok', 'ok'])
  })

  test('a group stops at its failed step (an offline device) while the other group runs; the log says which failed', async () => {
    const ruleId = await createOk(dryPlantRule({
      output: [
        [{ type: 'devctrl', did: STUDY_PLANT_OFFLINE, attrs: { pump: true } }, { type: 'devctrl', did: BALCONY_PLANT, attrs: { auto_water: true } }],
        [{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }],
      ],
    }))
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    await until(() => latest(BALCONY_PLANT), (attrs) => attrs.pump === 1)
    const [log] = await until(() => logs(ruleId), (list) => list[0]?.status !== 'running')
    expect(log.status).toBe('failed')
    expect(log.detail).toEqual([
      expect.objectContaining({ group: 0, step: 0, result: 'failed', error_code: 9042 }),
      expect.objectContaining({ group: 0, step: 1, result: 'skipped' }),
      expect.objectContaining({ group: 1, step: 0, result: 'ok' }),
    ])
    expect((await latest(BALCONY_PLANT)).auto_water).toBe(0)
  })

  test('notify leaves a system message (type 2) in the user\'s message centre', async () => {
    await createOk(dryPlantRule({ output: [[{ type: 'notify', content: '阳台绿萝缺水了' }]] }))
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    const messages = await json<MessageList>(await call(owner.token, 'GET', '/app/messages?type=2'))
    expect(messages.objects.map((message) => message.content)).toEqual(['阳台绿萝缺水了'])
  })

  test('a disabled rule never fires; interval keeps two firings apart', async () => {
    const ruleId = await createOk(dryPlantRule({ enabled: false }))
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toEqual([])
    // A change without `enabled` keeps the rule's switch as it was; this one turns it on.
    await call(owner.token, 'PUT', `/app/rules/${ruleId}`, dryPlantRule({ interval: 600, enabled: true }))
    await report(BALCONY_PLANT, { soil_humidity: 50 })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    await report(BALCONY_PLANT, { soil_humidity: 50 })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toHaveLength(1)
    await advance(601)
    await report(BALCONY_PLANT, { soil_humidity: 50 })
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    expect(await logs(ruleId)).toHaveLength(2)
  })

  test('an alert rule fires when the alarm is raised (0 → 1), not while it stays raised', async () => {
    const ruleId = await createOk({
      name: '缺水报警', product_key: PLANT_PRODUCT, did: BALCONY_PLANT, event: 'alert', event_attr: { attr_name: 'alert_dry', value: '1' },
      input: [], condition: [], output: [[{ type: 'notify', content: '缺水' }]],
    })
    await report(BALCONY_PLANT, { alert_dry: false })
    await report(BALCONY_PLANT, { alert_dry: true })
    await report(BALCONY_PLANT, { alert_dry: true })
    expect(await logs(ruleId)).toHaveLength(1)
  })
})

describe('kept by the cloud', () => {
  test('rules and their log survive a restart, and a restart is no crossing', async () => {
    const dataFile = join(mkdtempSync(join(tmpdir(), 'sandbox-rules-')), 'sandbox.db')
    await sandbox.close()
    sandbox = await startTestSandbox({ dataFile })
    owner = await login(FIRST_USER)
    await report(BALCONY_PLANT, { soil_humidity: 50, pump: false })
    const ruleId = await createOk(dryPlantRule())
    await report(BALCONY_PLANT, { soil_humidity: 20 })
    await until(() => logs(ruleId), (list) => list[0]?.status === 'succeed')
    await sandbox.close()
    sandbox = await startTestSandbox({ dataFile })
    owner = await login(FIRST_USER)
    expect((await json<RuleList>(await call(owner.token, 'GET', '/app/rules'))).rules.map((rule) => rule.rule_id)).toEqual([ruleId])
    await report(BALCONY_PLANT, { soil_humidity: 18 })
    expect(await logs(ruleId)).toHaveLength(1)
    await report(BALCONY_PLANT, { soil_humidity: 40 })
    await report(BALCONY_PLANT, { soil_humidity: 18 })
    expect(await logs(ruleId)).toHaveLength(2)
  })
})

describe('loops', () => {
  const ac1 = { did: LIVING_ROOM_AC, pk: AC_PRODUCT, attr: 'switch' }
  const ac2 = { did: BEDROOM_AC, pk: AC_PRODUCT, attr: 'switch' }

  test('A changes B and B changes A: the second rule is refused with 9120 and the chain', async () => {
    const first = await createOk(switchRule('客厅开卧室开', ac1, { did: BEDROOM_AC, attrs: { switch: true } }))
    const refused = await create(switchRule('卧室开客厅开', ac2, { did: LIVING_ROOM_AC, attrs: { switch: true } }))
    expect(refused.status).toBe(400)
    const error = await body(refused)
    expect(error).toMatchObject({ error_code: RuleErrorCode.RULE_LOOP, error_message: 'rule loop detected!' })
    expect(error.detail_message).toBe(`rule loop: this rule -> rule ${first} (客厅开卧室开) -> this rule`)
    expect((await json<RuleList>(await call(owner.token, 'GET', '/app/rules'))).rules).toHaveLength(1)
  })

  test('a 3-cycle through three devices is refused; the same rules with one disabled are not', async () => {
    await createOk(switchRule('空调1→空调2', ac1, { did: BEDROOM_AC, attrs: { switch: true } }))
    const second = await createOk(switchRule('空调2→水泵', ac2, { did: BALCONY_PLANT, attrs: { pump: true } }))
    const third = switchRule('水泵→空调1', { did: BALCONY_PLANT, pk: PLANT_PRODUCT, attr: 'pump' }, { did: LIVING_ROOM_AC, attrs: { switch: true } })
    const refused = await create(third)
    expect(await body(refused)).toMatchObject({ error_code: RuleErrorCode.RULE_LOOP })
    await call(owner.token, 'PUT', `/app/rules/${second}`, { ...switchRule('空调2→水泵', ac2, { did: BALCONY_PLANT, attrs: { pump: true } }), enabled: false })
    await createOk(third)
    // Enabling the middle rule again would close the loop: refused too.
    const enabling = await call(owner.token, 'PUT', `/app/rules/${second}`, { ...switchRule('空调2→水泵', ac2, { did: BALCONY_PLANT, attrs: { pump: true } }), enabled: true })
    expect(await body(enabling)).toMatchObject({ error_code: RuleErrorCode.RULE_LOOP })
  })

  test('a rule that changes its own condition is a loop; "open the pump, then close it" on a pump rule is not', async () => {
    const self = await create(switchRule('自己开自己', { did: BALCONY_PLANT, pk: PLANT_PRODUCT, attr: 'auto_water' }, { did: BALCONY_PLANT, attrs: { auto_water: true } }))
    expect(await body(self)).toMatchObject({ error_code: RuleErrorCode.RULE_LOOP, detail_message: 'rule loop: this rule -> this rule' })
    await createOk({
      ...switchRule('水泵自动关', { did: BALCONY_PLANT, pk: PLANT_PRODUCT, attr: 'pump' }, { did: BALCONY_PLANT, attrs: { pump: false } }),
      output: [[{ type: 'delay', delay: 300 }, { type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: false } }]],
    })
    // The example rule (soil < 30 → pump on for 5 minutes) lives beside it: the pump does not change the soil reading.
    await createOk(dryPlantRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: true } }, { type: 'delay', delay: 300 }, { type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: false } }]] }))
  })
})

describe('refused when saved', () => {
  test('a value outside the datapoint\'s range or of the wrong type: 9025, as POST /app/control', async () => {
    expect(await body(await create(dryPlantRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { water_threshold: 150 } }]] })))).toMatchObject({ error_code: 9025 })
    expect(await body(await create(dryPlantRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { soil_humidity: 10 } }]] })))).toMatchObject({ error_code: 9025 })
    expect(await body(await create(dryPlantRule({ output: [[{ type: 'devctrl', did: BALCONY_PLANT, attrs: { pump: 'on' } }]] })))).toMatchObject({ error_code: 9025 })
  })

  test('a device the user is not bound to: 9017; an unknown one: 9014', async () => {
    expect(await body(await create(dryPlantRule({ output: [[{ type: 'devctrl', did: SECOND_USERS_AC, attrs: { switch: true } }]] })))).toMatchObject({ error_code: 9017 })
    expect(await body(await create(dryPlantRule({ output: [[{ type: 'devctrl', did: 'NoSuchDevice0000000000', attrs: { switch: true } }]] })))).toMatchObject({ error_code: 9014 })
  })

  test('forms the seed rules out: ordering on a switch, a string against a number, an unknown prefix, a data rule without a condition', async () => {
    const refusals = [
      dryPlantRule({ condition: [[{ left: 'device1.pump', opt: '>', right: '0' }]] }),
      dryPlantRule({ condition: [[{ left: 'device1.soil_humidity', opt: '==', right: "'30'" }]] }),
      dryPlantRule({ condition: [[{ left: 'device9.soil_humidity', opt: '<', right: '30' }]] }),
      dryPlantRule({ condition: [] }),
      { ...dryPlantRule(), product_key: PET_PRODUCT },
      dryPlantRule({ output: [[{ type: 'groupctrl', group_id: 'g1', product_key: PLANT_PRODUCT, attrs: { pump: true } }]] }),
    ]
    for (const rule of refusals) {
      const response = await create(rule)
      expect(response.status).toBe(400)
      expect((await body(response)).error_code).toBe(9015)
    }
    void PET_HOUSE
  })
})
