// The sandbox's subscription notices (cgi-bin/message/subscribe/bizsend) and customer-service messages
// (cgi-bin/message/custom/send) with WeChat's real codes: 43101 without a consent left, 45015 outside the 48-hour
// window (opened by a message, a menu click or a scan pushed through the sandbox), 45009 past a settable daily
// quota, 40037 for an unknown template, 47003 for a keyword over its type's limit; and the chat page's data.
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { DEMO_SUBSCRIBE_TEMPLATE_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { FIRST_USER, startTestSandbox } from '../support/backend'

let sandbox: Sandbox
let token = ''
const post = async (path: string, payload: unknown) =>
  (await (await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) })).json()) as Record<string, unknown>
const bizsend = (payload: Record<string, unknown> = {}) =>
  post(`/cgi-bin/message/subscribe/bizsend?access_token=${token}`, { touser: FIRST_USER, template_id: DEMO_SUBSCRIBE_TEMPLATE_ID, page: 'http://app.test/devices/x', data: { thing1: { value: '客厅空调' }, phrase2: { value: '已执行' }, time3: { value: '2026-11-25 10:00' } }, ...payload })
const custom = (content = '客厅空调已开') => post(`/cgi-bin/message/custom/send?access_token=${token}`, { touser: FIRST_USER, msgtype: 'text', text: { content } })
const conversation = async () =>
  ((await (await fetch(`${sandbox.url}/sandbox/wechat/conversation?openid=${FIRST_USER}`)).json()) as { messages: Array<Record<string, unknown>> }).messages

beforeEach(async () => {
  sandbox = await startTestSandbox({ pushUrl: undefined })
  token = String((await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: DEMO_WECHAT_APP_ID, secret: DEMO_WECHAT_APP_SECRET })).access_token)
})
afterEach(async () => {
  await sandbox.close()
})

describe('subscription notices (subscribe/bizsend)', () => {
  test('should send one notice per consent and answer 43101 once none is left or the user refused', async () => {
    expect(await bizsend()).toMatchObject({ errcode: 43101, errmsg: expect.stringContaining('user refuse to accept the msg') })
    await post('/sandbox/wechat/subscription', { openid: FIRST_USER, credits: 1 })
    expect(await bizsend()).toEqual({ errcode: 0, errmsg: 'ok' })
    expect(await bizsend()).toMatchObject({ errcode: 43101 })
    const shown = (await conversation()).filter((message) => message.kind === 'subscribe')
    expect(shown).toEqual([expect.objectContaining({ template_id: DEMO_SUBSCRIBE_TEMPLATE_ID, page: 'http://app.test/devices/x', data: expect.objectContaining({ thing1: { value: '客厅空调' } }) })])
  })

  test('should answer 40037 for a template the account lacks, 47003 naming a keyword over its limit, 45009 past the quota', async () => {
    await post('/sandbox/wechat/subscription', { openid: FIRST_USER, credits: 5 })
    expect(await bizsend({ template_id: 'nope' })).toMatchObject({ errcode: 40037 })
    expect(await bizsend({ data: { thing1: { value: '一二三四五六七八九十一二三四五六七八九十一' } } })).toMatchObject({ errcode: 47003, errmsg: expect.stringContaining('data.thing1.value') })
    expect(await bizsend({ data: { time3: { value: 'yesterday' } } })).toMatchObject({ errcode: 47003 })
    await post('/sandbox/wechat/quota', { kind: 'subscribe', daily: 0 })
    expect(await bizsend()).toMatchObject({ errcode: 45009 })
    expect(await bizsend({ touser: 'oNobody' })).toMatchObject({ errcode: 40003 })
  })
})

describe('customer-service messages (custom/send)', () => {
  test('should answer 45015 until the user interacts, then send within 48 hours, and 45015 again after', async () => {
    expect(await custom()).toMatchObject({ errcode: 45015, errmsg: expect.stringContaining('response out of time limit') })
    // The sandbox records the interaction even with no server URL configured (the push itself then fails: 409).
    await fetch(`${sandbox.url}/sandbox/wechat/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: FIRST_USER, msg_type: 'text', content: '你好' }) })
    const window = (await (await fetch(`${sandbox.url}/sandbox/wechat/subscription?openid=${FIRST_USER}`)).json()) as { last_interaction: number | null }
    expect(window.last_interaction).toEqual(expect.any(Number))
    expect(await custom()).toEqual({ errcode: 0, errmsg: 'ok' })
    expect((await conversation()).filter((message) => message.kind === 'custom')).toEqual([expect.objectContaining({ content: '客厅空调已开' })])
    await post('/sandbox/clock', { advance_s: 48 * 3600 + 1 })
    // A fresh token: the old one expired with the clock.
    token = String((await post('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: DEMO_WECHAT_APP_ID, secret: DEMO_WECHAT_APP_SECRET, force_refresh: true })).access_token)
    expect(await custom()).toMatchObject({ errcode: 45015 })
  })

  test('should answer 45015 to a user who unfollowed and 45009 past the quota', async () => {
    const push = (payload: Record<string, unknown>) => fetch(`${sandbox.url}/sandbox/wechat/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ openid: FIRST_USER, ...payload }) })
    await push({ msg_type: 'event', event: 'CLICK', event_key: 'MY_DEVICES' })
    expect(await custom()).toMatchObject({ errcode: 0 })
    await sandbox.setPushUrl('http://127.0.0.1:9/unreachable')
    await push({ msg_type: 'event', event: 'unsubscribe' }).catch(() => undefined)
    expect(await custom()).toMatchObject({ errcode: 45015 })
    await push({ msg_type: 'event', event: 'subscribe' }).catch(() => undefined)
    await post('/sandbox/wechat/quota', { kind: 'custom', daily: 0 })
    expect(await custom()).toMatchObject({ errcode: 45009 })
  })
})
