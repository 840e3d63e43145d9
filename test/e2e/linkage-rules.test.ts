// Linkage rules in a real browser at a phone's size: the empty state teaches with an example from the user's own
// devices; a rule built with the pickers reads "当 阳台绿萝 的 土壤湿度 < 30% 时，打开 水泵 5 分钟"; an invalid value
// and a loop are refused with the BFF's sentence; then a sandbox report crosses the threshold and the pump turns on
// live on the plant's open page, and the rule shows its last firing. A rule may control one of the user's groups:
// both air conditioners of the group turn on live on the open device list. Deleting a rule says so in a toast that
// can be read after the confirm dialog (the toast shown first on a fresh page: automation-groups-scenes.test.ts).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'
import { expectReadableToast } from '../support/toast'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'
const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const SENTENCE = '当 阳台绿萝 的 土壤湿度 < 30% 时，打开 水泵 5 分钟'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page

const report = async (did: string, attrs: Record<string, unknown>) => {
  const response = await fetch(`${stack.sandboxUrl}/sandbox/devices/${did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
  expect(response.ok).toBe(true)
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  page = await context.newPage()
  await report(BALCONY_PLANT, { soil_humidity: 50, pump: false, auto_water: false })
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

/** The focused picker's ring is not part of what the user reads: focus moves away before the picture. */
async function settledScreenshot(name: string) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
  await screenshot(page, name)
}

/** The editor's picker `field` in the condition or action row it belongs to. */
const picker = (scope: string, field: string) => page.locator(`${scope} [data-field="${field}"]`)

describe('linkage rules in the app', () => {
  test('the empty state teaches with an example made from the user\'s own devices', async () => {
    const next = encodeURIComponent(`${stack.bffUrl}/automation/rules`)
    await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${XIAOMING}&next=${next}`)
    await page.locator('[data-rules-empty]').waitFor({ timeout: 20_000 })
    expect(await page.locator('[data-rule-example-text]').textContent()).toBe(SENTENCE)
    await screenshot(page, 'rules-01-empty')
  })

  test('a rule built with the pickers reads as a sentence with units, and is saved', async () => {
    await page.locator('[data-rule-new]').click()
    await page.locator('[data-rule-editor]').waitFor()
    const condition = '[data-condition="0"]'
    await picker(condition, 'device').selectOption(BALCONY_PLANT)
    await picker(condition, 'attr').selectOption('soil_humidity')
    await picker(condition, 'opt').selectOption('<')
    await picker(condition, 'value').fill('30')
    await page.locator('[data-field="kind"]').selectOption('devctrl')
    await picker('[data-action-control]', 'action-device').selectOption(BALCONY_PLANT)
    await picker('[data-action-control]', 'action-attr').selectOption('pump')
    await picker('[data-action-control]', 'action-value').selectOption({ label: '打开' })
    await picker('[data-action-control]', 'minutes').selectOption({ label: '5 分钟' })
    await expect.poll(() => page.locator('[data-rule-preview]').textContent()).toBe(SENTENCE)
    await settledScreenshot('rules-02-editor')
    await page.locator('[data-rule-save]').click()
    const saved = page.locator('[data-rule]')
    await saved.first().waitFor()
    expect(await saved.locator('[data-rule-sentence]').textContent()).toBe(SENTENCE)
    expect(await saved.locator('[data-last-fired]').textContent()).toBe('还没有触发过')
  })

  test('an invalid value is refused when saved, in words', async () => {
    await page.getByText('新建规则').first().click()
    await page.locator('[data-rule-editor]').waitFor()
    await picker('[data-condition="0"]', 'device').selectOption(BALCONY_PLANT)
    await picker('[data-condition="0"]', 'attr').selectOption('soil_humidity')
    await picker('[data-condition="0"]', 'value').fill('20')
    await picker('[data-action-control]', 'action-device').selectOption(BALCONY_PLANT)
    await picker('[data-action-control]', 'action-attr').selectOption('water_threshold')
    await picker('[data-action-control]', 'action-value').fill('150')
    await page.locator('[data-rule-save]').click()
    await expect.poll(() => page.locator('[data-rule-error]').textContent()).toBe('“缺水阈值”必须在 0% 到 100% 之间')
    await settledScreenshot('rules-03-invalid-value')
  })

  test('a loop is refused with the rules it runs through', async () => {
    const build = async (from: string, to: string) => {
      await picker('[data-condition="0"]', 'device').selectOption(from)
      await picker('[data-condition="0"]', 'attr').selectOption('switch')
      await picker('[data-condition="0"]', 'value').selectOption({ label: '开' })
      await picker('[data-action-control]', 'action-device').selectOption(to)
      await picker('[data-action-control]', 'action-attr').selectOption('switch')
      await picker('[data-action-control]', 'action-value').selectOption({ label: '打开' })
      await page.locator('[data-rule-save]').click()
    }
    await build(LIVING_ROOM_AC, BEDROOM_AC)
    await expect.poll(() => page.locator('[data-rule]').count()).toBe(2)
    await page.getByText('新建规则').first().click()
    await build(BEDROOM_AC, LIVING_ROOM_AC)
    await expect.poll(() => page.locator('[data-rule-error]').textContent()).toMatch(/^这条规则会和已有的规则互相触发，停不下来（“当 卧室空调 的 开关 = 开 时，打开 客厅空调 的 开关” → “当 客厅空调 的 开关 = 开 时，打开 卧室空调 的 开关” → /)
    await settledScreenshot('rules-04-loop')
    await page.getByText('取消').click()
  })

  test('a sandbox report crosses the threshold: the pump turns on live on the plant\'s open page', async () => {
    await page.goto(`${stack.bffUrl}/devices/${BALCONY_PLANT}`)
    const pump = page.locator('[data-action="pump"]')
    await pump.waitFor()
    await expect.poll(() => pump.textContent()).toContain('浇水')
    expect(await pump.isDisabled()).toBe(false)
    await screenshot(page, 'rules-05-plant-before')
    await report(BALCONY_PLANT, { soil_humidity: 22 })
    await expect.poll(() => pump.textContent(), { timeout: 10_000 }).toContain('正在浇水')
    expect(await pump.isDisabled()).toBe(true)
    await screenshot(page, 'rules-06-plant-watering')

    await page.goto(`${stack.bffUrl}/automation/rules`)
    const rule = page.locator('[data-rule]').filter({ hasText: SENTENCE })
    await expect.poll(() => rule.locator('[data-last-fired]').textContent()).toMatch(/^上次触发 \d\d-\d\d \d\d:\d\d · 执行中$/)
    await screenshot(page, 'rules-07-last-fired')
  })

  test('a rule controlling a group: the crossing turns both of the group\'s air conditioners on, live on the open list', async () => {
    const created = await page.evaluate(async () => {
      const response = await fetch('/api/app/group', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ group_name: '两台空调', product_key: '4214bf2d79694a259232431b6f2ef46b' }) })
      return (await response.json()) as { id: string }
    })
    const added = await page.evaluate(async ([id, dids]) => (await fetch(`/api/app/group/${id}/devices`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dids }) })).status, [created.id, [LIVING_ROOM_AC, BEDROOM_AC]] as const)
    expect(added).toBe(201)
    await report(LIVING_ROOM_AC, { switch: false })
    await report(BEDROOM_AC, { switch: false })
    await report(BALCONY_PLANT, { soil_humidity: 50 })

    await page.goto(`${stack.bffUrl}/automation/rules`)
    await page.getByText('新建规则').first().click()
    await page.locator('[data-rule-editor]').waitFor()
    await picker('[data-condition="0"]', 'device').selectOption(BALCONY_PLANT)
    await picker('[data-condition="0"]', 'attr').selectOption('soil_humidity')
    await picker('[data-condition="0"]', 'opt').selectOption('<')
    await picker('[data-condition="0"]', 'value').fill('30')
    await page.locator('[data-field="kind"]').selectOption('groupctrl')
    await picker('[data-action-control]', 'action-group').selectOption(created.id)
    await picker('[data-action-control]', 'action-attr').selectOption('switch')
    await picker('[data-action-control]', 'action-value').selectOption({ label: '打开' })
    const sentence = '当 阳台绿萝 的 土壤湿度 < 30% 时，打开 分组“两台空调” 的 开关'
    await expect.poll(() => page.locator('[data-rule-preview]').textContent()).toBe(sentence)
    await settledScreenshot('rules-08-group-action')
    await page.locator('[data-rule-save]').click()
    await page.locator('[data-rule]').filter({ hasText: sentence }).waitFor()

    // The device list, open in another tab of the same phone, shows both air conditioners off, then on.
    const list = await context.newPage()
    await list.goto(`${stack.bffUrl}/`)
    const power = (did: string) => list.locator(`[data-did="${did}"] [data-power]`)
    for (const did of [LIVING_ROOM_AC, BEDROOM_AC]) await expect.poll(() => power(did).getAttribute('aria-checked')).toBe('false')
    await report(BALCONY_PLANT, { soil_humidity: 22 })
    for (const did of [LIVING_ROOM_AC, BEDROOM_AC]) await expect.poll(() => power(did).getAttribute('aria-checked'), { timeout: 10_000 }).toBe('true')
    await screenshot(list, 'rules-09-group-on-live')
    await list.close()
  })

  test('deleting a rule is confirmed, and its toast is readable: dark, with its words showing', async () => {
    await page.goto(`${stack.bffUrl}/automation/rules`)
    const rules = page.locator('[data-rule]')
    await rules.first().waitFor()
    const before = await rules.count()
    await rules.first().locator('[data-rule-delete]').click()
    await page.locator('.van-dialog').waitFor()
    await page.locator('.van-dialog__confirm').click()
    await expectReadableToast(page, '规则已删除')
    await screenshot(page, 'rules-10-toast')
    await expect.poll(() => rules.count()).toBe(before - 1)
  })
})
