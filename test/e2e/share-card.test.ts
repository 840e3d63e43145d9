// Sharing where people are (issue 11 §1), in Chromium through the sandbox's WeChat client stand-in: the owner
// sends a WeChat card (updateAppMessageShareData), read from the sandbox's "···" menu as WeChat would send it, and
// a second user opens it through the silent login, accepts on our page and sees the owner's name for the device;
// the owner then sees the guest's WeChat nickname. Private pages hide WeChat's share items; every page has its
// own title; the QR holds the same kind of link, so WeChat's own 扫一扫 opens it.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { enterAs, launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const LAOWANG = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const LIVING_ROOM_AC = 'gKufzxZwYeyd3Skbsb6mza'

let stack: StackProcess
let browser: Browser
const contexts: BrowserContext[] = []

async function openAs(openid: string, path = '/'): Promise<Page> {
  const context = await newPhoneContext(browser)
  contexts.push(context)
  const page = await context.newPage()
  return enterAs(page, stack, openid, path)
}

/** What WeChat's "发送给朋友" would send from this page now, read from the sandbox's menu; null when hidden. */
async function menuCard(page: Page): Promise<{ title: string; desc: string; link: string; img: string } | null> {
  await page.locator('[data-sandbox-menu]').click()
  const sheet = page.locator('[data-sandbox-sheet="···"]')
  await sheet.waitFor()
  await expect.poll(async () => (await sheet.locator('[data-share-card]').count()) + (await sheet.locator('[data-share-hidden]').count())).toBe(1)
  const card = sheet.locator('[data-share-card]')
  const result = (await card.count()) === 0
    ? null
    : { title: (await card.getAttribute('data-card-title'))!, desc: (await card.getAttribute('data-card-desc'))!, link: (await card.getAttribute('data-card-link'))!, img: (await card.getAttribute('data-card-img'))! }
  return result
}

async function closeMenu(page: Page) {
  await page.locator('[data-sandbox-sheet="···"]').getByText('取消').click()
}

beforeAll(async () => {
  stack = await startStackProcess()
  browser = await launchChromium()
})

afterAll(async () => {
  for (const context of contexts) await context.close()
  await browser?.close()
  await stack?.stop()
})

describe('sharing a device with family through WeChat', () => {
  let owner: Page
  let card: { title: string; desc: string; link: string; img: string }

  test('should give each page its own title, and hide the share items on private pages', async () => {
    owner = await openAs(XIAOMING, `/devices/${LIVING_ROOM_AC}`)
    await owner.locator('[data-role]').waitFor({ timeout: 15_000 })
    await expect.poll(() => owner.title()).toBe('客厅空调')
    await expect.poll(async () => { const shown = await menuCard(owner); await closeMenu(owner); return shown }, { timeout: 10_000 }).toBeNull()

    // Back on the list, WeChat's menu shares the app again: the receiver opens their own list.
    await owner.locator('header button').first().click()
    await owner.waitForURL(`${stack.bffUrl}/`)
    await expect.poll(() => owner.title()).toBe('我的设备')
    await expect.poll(async () => { const shown = await menuCard(owner); await closeMenu(owner); return shown?.link }, { timeout: 10_000 }).toBe(`${stack.bffUrl}/`)
  })

  test('should ask for the WeChat nickname only when the user taps for it', async () => {
    await owner.locator('[data-tab="me"]').click()
    await expect.poll(() => owner.title()).toBe('我的')
    const panel = owner.locator('[data-my-nickname]')
    await panel.locator('[data-ask-nickname]').waitFor({ timeout: 10_000 })
    await owner.locator('[data-ask-nickname]').click()
    // Through WeChat's authorize page (snsapi_userinfo this time) and back to the same page.
    await owner.waitForURL((url) => url.href.startsWith(`${stack.bffUrl}/me`) && !url.href.includes('/auth/'), { timeout: 15_000 })
    await expect.poll(() => panel.innerText(), { timeout: 10_000 }).toContain('小明')
    await screenshot(owner, '110-me-nickname')
  })

  test('should prepare a card for "发送给朋友" and guide the owner to WeChat\'s menu', async () => {
    await owner.goto(`${stack.bffUrl}/devices/${LIVING_ROOM_AC}/share`)
    await owner.locator('[data-share-card-button]').waitFor({ timeout: 15_000 })
    await expect.poll(() => owner.title()).toBe('分享 客厅空调')
    await screenshot(owner, '111-share-page')
    await owner.locator('[data-share-card-button]').click()
    await owner.locator('[data-share-guide]').waitFor({ timeout: 10_000 })
    await screenshot(owner, '112-share-card-guide')
    await owner.locator('[data-share-guide-close]').click()

    // The QR beside it carries the same kind of link: WeChat's own scanner opens our page.
    expect(await owner.locator('[data-share-qr]').getAttribute('data-qr-content')).toMatch(new RegExp(`^${stack.bffUrl}/share\\?code=[0-9a-f]{32}$`))

    card = (await menuCard(owner))!
    await screenshot(owner, '113-share-card-in-menu')
    await closeMenu(owner)
    expect(card.title).toBe('小明 邀请你一起使用「客厅空调」')
    expect(card.desc).toContain('15 分钟')
    expect(card.link).toMatch(new RegExp(`^${stack.bffUrl}/share\\?code=[0-9a-f]{32}$`))
    expect(card.img).toBe(`${stack.bffUrl}/share-icon.png`)
    const icon = await fetch(card.img)
    expect(icon.headers.get('content-type')).toContain('image/png')
  })

  test('should open the card as another WeChat user, through the silent login, and accept it there', async () => {
    const guest = await openAs(LAOWANG, new URL(card.link).pathname + new URL(card.link).search)
    await guest.locator('[data-accept-confirm]').waitFor({ timeout: 15_000 })
    expect(await guest.locator('[data-accept]').innerText()).toContain('客厅空调')
    await expect.poll(() => guest.title()).toBe('设备分享')
    await screenshot(guest, '114-card-opened-by-guest')

    // Accepting asks WeChat for the guest's nickname (their tap), then accepts on the way back.
    expect(await guest.locator('[data-share-nickname] input').isChecked()).toBe(true)
    await guest.locator('[data-accept-confirm]').click()
    await guest.waitForURL(`${stack.bffUrl}/devices/${LIVING_ROOM_AC}`, { timeout: 20_000 })
    await expect.poll(() => guest.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('访客')
    // The guest sees the name the family uses, not the product's.
    await expect.poll(() => guest.locator('header h1').innerText(), { timeout: 10_000 }).toBe('客厅空调')
    await screenshot(guest, '115-guest-device-named-by-owner')
  })

  test('should show the owner the guest\'s WeChat nickname, not a masked user name', async () => {
    await owner.reload()
    const row = owner.locator('[data-guests] [data-guest]')
    await row.first().waitFor({ timeout: 15_000 })
    await expect.poll(() => row.first().innerText(), { timeout: 10_000 }).toContain('老王')
    expect(await row.first().innerText()).not.toMatch(/\*\*\*\*/)
    await row.first().scrollIntoViewIfNeeded()
    await screenshot(owner, '116-owner-sees-guest-nickname')
  })
})
