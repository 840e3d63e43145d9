// What "a toast the user can read" means in the browser: Vant's toast with its own dark background (the
// --van-toast-background token as the browser resolves it), its words in a colour that differs from it, and at the
// position asked for — not the white, centred `.van-popup` box it became when the popup sheet was linked after
// the toast's (src/components/feedback.ts).
import type { Page } from 'playwright-core'
import { expect } from 'vitest'

export async function expectReadableToast(page: Page, text: string): Promise<void> {
  const toast = page.locator('.van-toast').filter({ hasText: text })
  await toast.waitFor()
  const look = await toast.evaluate((element) => {
    const probe = document.createElement('div')
    probe.style.background = 'var(--van-toast-background)'
    document.body.append(probe)
    const expected = getComputedStyle(probe).backgroundColor
    probe.remove()
    const words = element.querySelector('.van-toast__text') as HTMLElement
    const box = words.getBoundingClientRect()
    return {
      background: getComputedStyle(element).backgroundColor, expected, color: getComputedStyle(words).color, text: words.innerText,
      width: box.width, height: box.height, bottom: element.getBoundingClientRect().bottom, viewport: window.innerHeight,
    }
  })
  expect(look.background).toBe(look.expected)
  expect(look.background).not.toBe('rgb(255, 255, 255)')
  expect(look.color).not.toBe(look.background)
  expect(look.text).toBe(text)
  expect(look.width).toBeGreaterThan(0)
  expect(look.height).toBeGreaterThan(0)
  // feedback.ts asks for the bottom; `.van-popup--center` would put it in the middle.
  expect(look.bottom).toBeGreaterThan(look.viewport * 0.6)
}
