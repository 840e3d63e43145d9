// Sharing a home in Chromium at 375×667, each person in their own browser, on the product as `npm start` runs it:
// the owner invites a family member by user ID, the member accepts on their homes page and their list fills with
// the home's devices as a guest; a device the owner binds afterwards reaches the member by itself; a second member
// joins by the home's invitation QR through the app's scan page; removing one member and the other leaving takes
// every device back from their lists, live.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { enterAs, launchChromium, newPhoneContext, screenshot } from '../support/browser'
import { startStackProcess, type StackProcess } from '../support/stack-process'

const XIAOMING = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const XIAOHONG = 'oDemo_XiaoHong_3bN7cR2tY8uI'
const LAOWANG = 'oDemo_LaoWang_9kL4mV6xZ0oP'
/** XiaoMing's devices that the cloud lets him share (the pet house's product has sharing off). */
const SHAREABLE = ['gKufzxZwYeyd3Skbsb6mza', 'Wc4Tn8bVq2LrXy7PzA1mKe', 'Pl7aNtWt3rR9sKx2Vb5QzH', 'Pl8bOuXu4sS0tLy3Wc6RaJ']
const PET_HOUSE = 'Pt9cPvYv5tT1uMz4Xd7SbK'
const XIAOHONG_AC = 'Ac0dQwZw6uU2vNa5Ye8TcL'
/** A plant sensor not yet bound to anyone: its label is on the sandbox's scan sheet. */
const NEW_PLANT = 'Nw2fSyBy8wW4xPc7Ag0VeN'

let stack: StackProcess
let browser: Browser
const contexts: BrowserContext[] = []

async function openAs(openid: string, path = '/'): Promise<Page> {
  const context = await newPhoneContext(browser)
  contexts.push(context)
  const page = await context.newPage()
  return enterAs(page, stack, openid, path)
}

/** The dids the device list shows right now, in any room. */
const listed = (page: Page) => page.locator('[data-did]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-did')!).sort())

/** Nothing on the page is wider than the phone. */
async function expectNoOverflow(page: Page) {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
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

describe('sharing a home', () => {
  let owner: Page
  let member: Page
  let second: Page

  test('should invite by user ID; the member accepts and gets every shareable device of the home as a guest', async () => {
    member = await openAs(LAOWANG, '/me')
    const memberUid = (await member.locator('[data-my-uid]').innerText({ timeout: 20_000 })).trim()
    expect(memberUid).toMatch(/^\S{8,}$/)

    owner = await openAs(XIAOMING, '/homes')
    await owner.locator('[data-members-panel]').waitFor({ timeout: 20_000 })
    // The panel is drawn before its members arrive: wait for the answer, not the first paint.
    await expect.poll(() => owner.locator('[data-members-panel]').innerText(), { timeout: 10_000 }).toContain('还没有成员')
    await owner.locator('[data-home-invite-uid]').fill(memberUid)
    await owner.locator('[data-home-invite]').click()
    await owner.locator(`[data-home-waiting="${memberUid}"]`).waitFor({ timeout: 10_000 })
    await expectNoOverflow(owner)
    await screenshot(owner, 'home-share-01-owner-invited', { fullPage: true })

    // The member finds the invitation from their own page, with no device of their own yet.
    await member.locator('[data-me-link="homes"]').click()
    const invitation = member.locator('[data-home-invitations] [data-invitation]')
    await invitation.waitFor({ timeout: 15_000 })
    expect(await invitation.innerText()).toContain('我的家')
    await expectNoOverflow(member)
    await screenshot(member, 'home-share-02-member-invitation')
    await invitation.locator('[data-accept]').click()
    await member.locator('[data-leave-home]').waitFor({ timeout: 15_000 })
    await screenshot(member, 'home-share-03-member-joined')

    // Back to their own page, then the devices tab: the list the app was showing all along, not a reload.
    await member.locator('[data-back]').click()
    await member.locator('[data-tab="devices"]').click()
    await member.waitForURL((url) => url.pathname === '/')
    await expect.poll(() => listed(member), { timeout: 20_000 }).toEqual([...SHAREABLE].sort())
    expect(await member.locator(`[data-did="${PET_HOUSE}"]`).count()).toBe(0)
    // Named as the owner names them, in the shared home, which the list opens on.
    await expect.poll(() => member.locator(`[data-did="${SHAREABLE[2]}"]`).innerText()).toContain('阳台绿萝')
    expect(await member.locator('[data-current-home]').innerText()).toBe('我的家（共享）')
    for (const did of SHAREABLE) await member.locator(`[data-did="${did}"][data-live="true"]`).waitFor({ timeout: 15_000 })
    await expectNoOverflow(member)
    await screenshot(member, 'home-share-04-member-list')

    // As a guest: the cloud's own role, and no sharing of someone else's device.
    await member.locator(`[data-did="${SHAREABLE[0]}"]`).click()
    await expect.poll(() => member.locator('[data-role]').innerText(), { timeout: 10_000 }).toBe('访客')
    expect(await member.locator('[data-manage="share"]').count()).toBe(0)
    await member.goBack()
    await member.waitForURL((url) => url.pathname === '/')
  })

  test('should give the member a device the owner binds afterwards, without the member doing anything', async () => {
    await owner.goto(`${stack.bffUrl}/scan`)
    const scanner = owner.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 15_000 })
    await scanner.locator(`[data-qr-kind="label"][data-did="${NEW_PLANT}"]`).click()
    await owner.locator('[data-bind-confirm]').click({ timeout: 15_000 })
    await owner.locator('[data-bind-state="bound"]').waitFor({ timeout: 10_000 })
    await fetch(`${stack.sandboxUrl}/sandbox/devices/${NEW_PLANT}/online`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"online":true}' })

    await member.locator(`[data-did="${NEW_PLANT}"]`).waitFor({ timeout: 20_000 })
    await member.locator(`[data-did="${NEW_PLANT}"][data-live="true"]`).waitFor({ timeout: 15_000 })
    expect(await listed(member)).toEqual([...SHAREABLE, NEW_PLANT].sort())
    await screenshot(member, 'home-share-05-member-new-device')
  })

  test('should let a second member join by the home QR through the scan page', async () => {
    await owner.goto(`${stack.bffUrl}/homes`)
    await owner.locator('[data-home-qr]').click({ timeout: 15_000 })
    const qr = owner.locator('[data-home-qr-image]')
    await qr.waitFor({ timeout: 10_000 })
    const link = (await qr.getAttribute('data-qr-content'))!
    expect(link).toMatch(new RegExp(`^${stack.bffUrl}/homes/join\\?code=[0-9a-f]{32}$`))
    await expectNoOverflow(owner)
    await screenshot(owner, 'home-share-06-owner-qr')

    second = await openAs(XIAOHONG, '/scan')
    const scanner = second.locator('[data-sandbox-sheet="扫一扫"]')
    await scanner.waitFor({ timeout: 15_000 })
    await scanner.locator('[data-qr-input]').fill(link)
    await scanner.getByText('确定').click()
    await second.waitForURL((url) => url.pathname === '/homes/join', { timeout: 10_000 })
    const join = second.locator('[data-home-join-button]')
    await join.waitFor({ timeout: 10_000 })
    expect(await second.locator('[data-home-join]').innerText()).toContain('我的家')
    await expectNoOverflow(second)
    await screenshot(second, 'home-share-07-join-page')
    await join.click()
    await second.waitForURL((url) => url.pathname === '/', { timeout: 15_000 })

    // Her own home and the one she joined: the joined one is shown, her own air conditioner stays in hers.
    await expect.poll(() => listed(second), { timeout: 20_000 }).toEqual([...SHAREABLE, NEW_PLANT].sort())
    expect(await second.locator('[data-home]').count()).toBe(2)
    await expectNoOverflow(second)
    await screenshot(second, 'home-share-08-second-list')
    await second.locator('[data-home]:not([aria-selected="true"])').click()
    await expect.poll(() => listed(second), { timeout: 10_000 }).toEqual([XIAOHONG_AC])

    await owner.reload()
    await owner.locator('[data-member]').nth(1).waitFor({ timeout: 15_000 })
    await expectNoOverflow(owner)
    await screenshot(owner, 'home-share-09-owner-members', { fullPage: true })
  })

  test('should take every device back live when the owner removes a member and when a member leaves', async () => {
    const memberUid = await member.evaluate(async () => ((await (await fetch('/api/me')).json()) as { uid: string }).uid)
    await owner.locator(`[data-member="${memberUid}"] [data-remove-member]`).click()
    await owner.locator('.van-dialog__confirm').click()
    await owner.locator(`[data-member="${memberUid}"]`).waitFor({ state: 'detached', timeout: 15_000 })

    await expect.poll(() => listed(member), { timeout: 20_000 }).toEqual([])
    await member.locator('[data-empty-wifi]').waitFor({ timeout: 10_000 })
    await screenshot(member, 'home-share-10-member-removed')

    // The second member leaves from her homes page; her own device stays.
    await second.locator('[data-home]:not([aria-selected="true"])').click()
    await second.locator('[data-manage-homes]').click()
    await second.locator('[data-leave-home]').click({ timeout: 15_000 })
    // The question, once the dialog has finished opening.
    await second.locator('.van-dialog__confirm').waitFor()
    await second.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'))
    expect(await second.locator('.van-dialog').innerText()).toContain('退出“我的家”？这个家的设备会从你的列表里移除')
    await screenshot(second, 'home-share-11-leave-confirm')
    await second.locator('.van-dialog__confirm').click()
    await second.locator('[data-leave-home]').waitFor({ state: 'detached', timeout: 15_000 })
    await second.locator('[data-back]').click()
    await expect.poll(() => listed(second), { timeout: 20_000 }).toEqual([XIAOHONG_AC])
    expect(await second.locator('[data-home]').count()).toBe(0)
    await screenshot(second, 'home-share-12-second-left')
  })
})
