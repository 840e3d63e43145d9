// Debian's Chromium, headless, driven by playwright-core; never a downloaded browser.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'

export const SCREENSHOT_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'e2e')

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** A phone: 375×667 CSS pixels, touch, Chinese first. */
export function newPhoneContext(browser: Browser, locale = 'zh-CN', options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({
    ...options,
    viewport: { width: 375, height: 667 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale,
    userAgent:
      'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  })
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = join(SCREENSHOT_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: options.fullPage ?? false })
  return path
}

/**
 * Signs `page` in as this WeChat user the way a phone does: the sandbox's WeChat knows who is holding the phone,
 * then opens `path` of the app, whose silent login runs; resolves once the app's origin is reached.
 */
export async function enterAs(page: Page, stack: { sandboxUrl: string; bffUrl: string }, openid: string, path = '/'): Promise<Page> {
  await page.goto(`${stack.sandboxUrl}/sandbox/wechat/identity?openid=${openid}&next=${encodeURIComponent(`${stack.bffUrl}${path}`)}`)
  await page.waitForURL((url) => url.href.startsWith(stack.bffUrl))
  return page
}
