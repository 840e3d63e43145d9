// Where the page runs. Captured at boot: iOS WeChat signs wx.config against the URL the page first loaded with.
export const landingUrl = window.location.href.split('#')[0]

export function isInWeChat(userAgent = navigator.userAgent): boolean {
  return /MicroMessenger/i.test(userAgent)
}

export function isIOS(userAgent = navigator.userAgent): boolean {
  return /iphone|ipad/i.test(userAgent)
}

/** The URL WeChat checks the signature against: the landing URL on iOS, the current one elsewhere. */
export function urlToSign(userAgent = navigator.userAgent, current = window.location.href): string {
  return isIOS(userAgent) ? landingUrl : current.split('#')[0]
}
