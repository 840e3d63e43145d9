// The look is tokens in one file: the built stylesheet, with src/theme.css as it is and with a vendor's theme file
// in its place, in a real browser. The app's own classes and Vant's components take the theme's colours, and no
// component carries a colour literal that a theme could not reach.
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { launchChromium, newPhoneContext, screenshot } from '../support/browser'

const root = join(import.meta.dirname, '..', '..')
const THEME_BLOCK = /:root:root\s*\{[^}]*\}/g

/** Every stylesheet `npm run build` made (the first route's and the lazy pages'), as one. */
function builtCss(): string {
  const assets = join(root, 'dist', 'assets')
  return readdirSync(assets).filter((name) => name.endsWith('.css')).sort().map((name) => readFileSync(join(assets, name), 'utf8')).join('\n')
}

/** The built stylesheet as if `theme` had been src/theme.css. */
function withTheme(theme: string): string {
  const css = builtCss()
  expect(css.match(THEME_BLOCK), 'the build carries exactly one theme block').toHaveLength(1)
  return css.replace(THEME_BLOCK, theme)
}

const SAMPLE = `
  <p class="panel-title">面板标题</p>
  <p class="muted">说明文字</p>
  <button type="button" class="pill-button pill-button--primary">确定</button>
  <button type="button" class="pill-button pill-button--danger">删除</button>
  <span class="van-tag van-tag--success van-tag--plain van-tag--round">主人</span>
  <span class="avatar" style="background: var(--app-tone-0)">空</span>
`

let browser: Browser
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
  page = await (await newPhoneContext(browser)).newPage()
})
afterAll(async () => {
  await browser?.close()
})

async function colours(css: string) {
  await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body>${SAMPLE}</body></html>`)
  // A string, because this runs in the page (the test's own types have no DOM).
  const colour = (selector: string, property: 'color' | 'background-color') =>
    page.evaluate(`getComputedStyle(document.querySelector('${selector}')).getPropertyValue('${property}')`) as Promise<string>
  return {
    page: await colour('body', 'background-color'),
    title: await colour('.panel-title', 'color'),
    muted: await colour('.muted', 'color'),
    primary: await colour('.pill-button--primary', 'background-color'),
    primaryText: await colour('.pill-button--primary', 'color'),
    danger: await colour('.pill-button--danger', 'color'),
    vantSuccessTag: await colour('.van-tag--success', 'color'),
    avatar: await colour('.avatar', 'background-color'),
  }
}

describe('theme', () => {
  test('should draw the app in the default theme\'s colours', async () => {
    // Vant's neutrals and WeChat's green, each deepened just enough for 4.5:1 text contrast (issue 11 §6).
    expect(await colours(builtCss())).toEqual({
      page: 'rgb(247, 248, 250)',
      title: 'rgb(50, 50, 51)',
      muted: 'rgb(107, 109, 112)',
      primary: 'rgb(6, 127, 67)',
      primaryText: 'rgb(255, 255, 255)',
      danger: 'rgb(220, 10, 34)',
      vantSuccessTag: 'rgb(6, 127, 67)',
      avatar: 'rgb(6, 127, 67)',
    })
  })

  test('should rebrand the app and Vant\'s components with one other theme file', async () => {
    const vendor = readFileSync(join(import.meta.dirname, 'fixtures', 'vendor-theme.css'), 'utf8')
    expect(await colours(withTheme(vendor))).toEqual({
      page: 'rgb(250, 250, 250)',
      title: 'rgb(31, 31, 31)',
      muted: 'rgb(140, 140, 140)',
      primary: 'rgb(255, 106, 0)',
      primaryText: 'rgb(255, 255, 255)',
      danger: 'rgb(212, 56, 13)',
      vantSuccessTag: 'rgb(255, 106, 0)',
      avatar: 'rgb(255, 106, 0)',
    })
    await screenshot(page, '95-vendor-theme')
  })

  test('should leave no colour literal in a component, where a theme could not reach it', () => {
    const literals: string[] = []
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (/\.(vue|ts)$/.test(entry.name)) {
          for (const match of readFileSync(path, 'utf8').matchAll(/#[0-9a-f]{3}(?:[0-9a-f]{3})?\b|rgba?\(/gi)) literals.push(`${relative(root, path)}: ${match[0]}`)
        }
      }
    }
    walk(join(root, 'src'))
    expect(literals).toEqual([])
  })
})
