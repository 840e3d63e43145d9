// Groups and scenes in a real browser at a phone's size: the 自动化 tab's empty states, a group made from the
// device list (its toast readable when it is the page's first overlay) and controlled with one tap (one device
// confirmed, the offline one said so), a scene built in the editor and run with its steps shown as they happen
// while the device changes live on its own page.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { DevdataLatest } from '@shared/open-api'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'
import { expectReadableToast } from '../support/toast'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const STUDY_PLANT_OFFLINE = 'Pl8bOuXu4sS0tLy3Wc6RaJ'

let stack: StackProcess
let browser: Browser
let context: BrowserContext
let page: Page

const report = (did: string, attrs: Record<string, unknown>) =>
  fetch(`${stack.sandboxUrl}/sandbox/devices/${did}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs }) })
const latest = async (did: string) => ((await (await context.request.get(`${stack.bffUrl}/api/app/devdata/${did}/latest`)).json()) as DevdataLatest).attr

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
  context = await newPhoneContext(browser)
  page = await context.newPage()
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${XIAOMING}&next=${encodeURIComponent(`${stack.bffUrl}/`)}`)
  await page.locator('[data-did]').first().waitFor({ timeout: 20_000 })
})

afterAll(async () => {
  await browser?.close()
  await stack?.stop()
})

describe('the 自动化 tab', () => {
  test('should open from the tab bar and teach what scenes and groups are for', async () => {
    await page.locator('[data-tab="automation"]').click()
    await page.waitForURL(`${stack.bffUrl}/automation`)
    await page.locator('[data-scenes-empty]').waitFor()
    await page.locator('[data-groups-empty]').waitFor()
    expect(await page.locator('[data-scenes-empty]').innerText()).toContain('一点，按顺序执行')
    expect(await page.locator('[data-group-example]').innerText()).toContain('一键建')
    expect(await page.locator('[data-automation-schedules]').count()).toBe(1)
    expect(await page.locator('[data-automation-rules]').count()).toBe(1)
    await screenshot(page, 'automation-01-empty', { fullPage: true })
  })

  test('should make a group from the device list, control it with one tap and show each device\'s outcome', async () => {
    // The device list offers it (the user has two devices of one product); the 自动化 tab has its own entry too.
    expect(await page.locator('[data-group-new]').count()).toBe(1)
    await page.locator('[data-tab="devices"]').click()
    await page.locator('[data-list-group-new]').click()
    await page.waitForURL(`${stack.bffUrl}/automation/groups/new`)
    // No name yet: a toast says so. Loaded afresh (as from a link), so no earlier page has brought Vant's popup sheet
    // first: the toast must still be dark with its words showing, not an empty white box.
    await page.reload()
    await page.locator('[data-group-create]').click()
    await expectReadableToast(page, '请填写名称')
    await screenshot(page, 'automation-02a-toast-first')
    await page.locator('[data-group-name]').fill('阳台和书房的花')
    await page.locator(`[data-pick="${BALCONY_PLANT}"]`).click()
    await page.locator(`[data-pick="${STUDY_PLANT_OFFLINE}"]`).click()
    await page.locator('[data-group-create]').click()
    await page.waitForURL(/\/automation\/groups\/[0-9a-f]{24}$/)
    await page.locator(`[data-member="${STUDY_PLANT_OFFLINE}"]`).waitFor()
    await page.locator('[data-group-controls] [data-attr="auto_water"]').waitFor()
    const wasOn = (await latest(BALCONY_PLANT)).auto_water === 1

    await page.locator('[data-group-controls] [data-attr="auto_water"] .van-switch').click()
    await expect.poll(() => page.locator(`[data-member="${BALCONY_PLANT}"]`).getAttribute('data-outcome')).toBe('confirmed')
    expect(await page.locator(`[data-member="${STUDY_PLANT_OFFLINE}"]`).getAttribute('data-outcome')).toBe('offline')
    expect(await page.locator(`[data-member="${STUDY_PLANT_OFFLINE}"] .badge`).innerText()).toBe('离线')
    expect((await latest(BALCONY_PLANT)).auto_water).toBe(wasOn ? 0 : 1)
    await screenshot(page, 'automation-02-group-outcomes', { fullPage: true })
  })

  test('should build a scene in the editor, run it, and show each step while the device changes live on its page', async () => {
    await report(LIVING_ROOM_AC, { switch: false, fan_swing: false })
    // The device's own page, open in another tab of the same phone, to see the scene land on it.
    const devicePage = await context.newPage()
    await devicePage.goto(`${stack.bffUrl}/devices/${LIVING_ROOM_AC}`)
    await devicePage.locator('[data-attr="fan_swing"]').waitFor()
    expect(await devicePage.locator('[data-attr="fan_swing"] .van-switch--on').count()).toBe(0)

    await page.goto(`${stack.bffUrl}/automation`)
    await page.locator('[data-scene-new]').click()
    await page.locator('[data-scene-name]').fill('客厅通风')
    await page.locator('[data-add-device]').click()
    await page.locator('[data-edit-step="0"] [data-step-device]').selectOption(LIVING_ROOM_AC)
    await page.locator('[data-edit-step="0"] [data-attr="fan_swing"] .van-switch').click()
    await page.locator('[data-add-delay]').click()
    await page.locator('[data-edit-step="1"] [data-step-delay]').fill('2')
    await page.locator('[data-add-device]').click()
    await page.locator('[data-edit-step="2"] [data-step-device]').selectOption(LIVING_ROOM_AC)
    await page.locator('[data-edit-step="2"] [data-attr="switch"] .van-switch').click()
    // Reordering: the wait goes first and back again.
    await page.locator('[data-edit-step="1"] [data-step-up]').click()
    expect(await page.locator('[data-edit-step="0"] [data-step-delay]').count()).toBe(1)
    await page.locator('[data-edit-step="0"] [data-step-down]').click()
    expect(await page.locator('[data-edit-step="1"] [data-step-delay]').count()).toBe(1)
    expect(await page.locator('[data-step-values="0"]').innerText()).toContain('摆风 开')
    await screenshot(page, 'automation-03-scene-editor', { fullPage: true })
    await page.locator('[data-scene-save]').click()
    await page.waitForURL(/\/automation\/scenes\/[0-9a-f]{24}$/)

    await page.locator('[data-scene-run]').click()
    await expect.poll(() => page.locator('[data-step="1"]').getAttribute('data-step-status')).toBe('running')
    expect(await page.locator('[data-step="0"]').getAttribute('data-step-status')).toBe('done')
    expect(await page.locator('[data-step="2"]').getAttribute('data-step-status')).toBe('idle')
    await screenshot(page, 'automation-04-scene-running', { fullPage: true })
    // The first step has landed on the device, live on its page, while the scene still waits.
    await expect.poll(() => devicePage.locator('[data-attr="fan_swing"] .van-switch--on').count()).toBe(1)

    await expect.poll(() => page.locator('[data-step="2"]').getAttribute('data-step-status'), { timeout: 10_000 }).toBe('done')
    await page.locator('[data-scene-status]').waitFor()
    expect(await page.locator('[data-scene-status]').innerText()).toBe('已完成')
    expect(await page.locator('[data-history-run]').count()).toBe(1)
    await screenshot(page, 'automation-05-scene-done', { fullPage: true })
    expect((await latest(LIVING_ROOM_AC)).switch).toBe(1)
    await devicePage.bringToFront()
    await screenshot(devicePage, 'automation-06-device-page-after-scene')
    await devicePage.close()
  })
})
