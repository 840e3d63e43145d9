// What WeChat's "···" menu shares on each page. WeChat shares the page's own URL unless told otherwise, and a
// private page's URL (a device page, a share page) means nothing to the person who receives it, or worse. So:
// the device list shares the app (the receiver opens their own list); a page that prepared a card (a device's
// share page) shares that card; every other page hides the share items. Outside WeChat all of this is a no-op.
import { wechat } from './jssdk'

export interface ShareCard {
  title: string
  desc: string
  /** An https link of our own origin (WeChat refuses others): it opens through the silent login. */
  link: string
  /** A PNG or JPEG: WeChat shows no SVG in a card. */
  imgUrl: string
}

/** The share items of WeChat's menu we hide or show; the others (open in browser, copy link) stay as they are. */
export const SHARE_ITEMS = ['menuItem:share:appMessage', 'menuItem:share:timeline', 'menuItem:share:qq', 'menuItem:share:weiboApp', 'menuItem:share:QZone', 'menuItem:favorite'] as const

type Wx = Awaited<ReturnType<typeof wechat>>
type Policy = 'app' | 'private' | 'card'

/** What WeChat was last told; 'app' on landing, since WeChat's default for the list page is already right. */
let applied: Policy = 'app'
let queue: Promise<unknown> = Promise.resolve()

export const shareIcon = (origin = window.location.origin) => `${origin}/share-icon.png`

function call(wx: Wx, api: 'hideMenuItems' | 'showMenuItems', menuList: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    ;(wx[api] as (options: object) => void)({ menuList: [...menuList], success: () => resolve(), fail: (error: { errMsg: string }) => reject(new Error(error.errMsg)) })
  })
}

function setCard(wx: Wx, card: ShareCard): Promise<void> {
  return new Promise((resolve, reject) => {
    wx.updateAppMessageShareData({ ...card, success: () => resolve(), fail: (error: { errMsg: string }) => reject(new Error(error.errMsg)) } as Parameters<Wx['updateAppMessageShareData']>[0])
  })
}

/** Runs one change after the other, so a quick page change cannot leave an older page's menu in place. */
function enqueue<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work)
  queue = run.catch(() => undefined)
  return run
}

/** For a page that may not be shared (anything but the list): hides the share items. */
export function hideShare(): Promise<void> {
  return enqueue(async () => {
    if (applied === 'private') return
    await call(await wechat(), 'hideMenuItems', SHARE_ITEMS)
    applied = 'private'
  }).catch(() => undefined)
}

/** For the list: the app itself, as WeChat would share it on landing. */
export function shareApp(card: ShareCard): Promise<void> {
  return enqueue(async () => {
    if (applied === 'app') return
    const wx = await wechat()
    await setCard(wx, card)
    await call(wx, 'showMenuItems', ['menuItem:share:appMessage'])
    applied = 'app'
  }).catch(() => undefined)
}

/**
 * This page's card for "发送给朋友". Rejects outside WeChat or when the client cannot, so the page can offer the
 * QR instead. The menu's other share items stay hidden: a card meant for family does not belong on Moments.
 */
export function offerCard(card: ShareCard): Promise<void> {
  return enqueue(async () => {
    const wx = await wechat()
    if (applied !== 'private') await call(wx, 'hideMenuItems', SHARE_ITEMS)
    await setCard(wx, card)
    await call(wx, 'showMenuItems', ['menuItem:share:appMessage'])
    applied = 'card'
  })
}

/** Forgets what WeChat was told (tests). */
export function resetShareMenu(): void {
  applied = 'app'
  queue = Promise.resolve()
}
