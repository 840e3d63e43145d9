// Which WeChat channel each notice goes by, and what each WeChat answer means for it: the one place where this is
// decided (server/worker/README.md, "Channels", says the same in a table).
//
// - A device alert goes as a template message: the only channel WeChat allows for repeated proactive notices, and
//   fault warnings are the exception its rules name.
// - A command's result goes as a customer-service message while the user's 48-hour window is open (they messaged
//   the account, clicked its menu or scanned within 48 hours: we know from the pushes we keep), else as a
//   subscription notice (one consent per notice, given on the device page); it never needs the template quota.
//
// Each WeChat answer then decides the notice's fate, channel by channel:
//   0                      → sent (by this channel)
//   43004 not following, 40003 not our user, 43101 refused or no consent left
//                          → in the app only (the banner and the message centre have it already)
//   45015 outside the window (or unfollowed since) → the next channel; none left → in the app only
//   45009 daily quota spent → queued: the hourly digest sends it later (a template message)
//   40037 / 47003 / 48001 template misconfigured or not allowed → failed, logged for the operator, never retried
//   -1 busy, or no answer  → stays pending, tried again in 30 s (a passing trouble)
import type { NoticeKind } from '../bff/worker-seam'

export type Channel = 'template' | 'subscribe' | 'custom'

/** The customer-service window: how long after the user's last message, menu click or scan. */
export const SERVICE_WINDOW_S = 48 * 3600

export function channelsFor(kind: NoticeKind, lastInteractionAt: number | null, now: number): Channel[] {
  if (kind === 'alert') return ['template']
  const windowOpen = lastInteractionAt !== null && now - lastInteractionAt < SERVICE_WINDOW_S
  return windowOpen ? ['custom', 'subscribe'] : ['subscribe']
}

export type Verdict = 'sent' | 'next' | 'in_app_only' | 'queued' | 'failed' | 'retry'

/** The errcodes this table knows by name (WeChat's own numbers). */
export const WechatCode = {
  OK: 0,
  BUSY: -1,
  INVALID_OPENID: 40003,
  INVALID_TEMPLATE_ID: 40037,
  NOT_FOLLOWING: 43004,
  SUBSCRIPTION_REFUSED: 43101,
  QUOTA: 45009,
  OUT_OF_WINDOW: 45015,
  ARGUMENT_INVALID: 47003,
  UNAUTHORIZED: 48001,
} as const

export function verdictOf(errcode: number | null): Verdict {
  switch (errcode) {
    case WechatCode.OK: return 'sent'
    case WechatCode.NOT_FOLLOWING:
    case WechatCode.INVALID_OPENID:
    case WechatCode.SUBSCRIPTION_REFUSED: return 'in_app_only'
    case WechatCode.OUT_OF_WINDOW: return 'next'
    case WechatCode.QUOTA: return 'queued'
    case null:
    case WechatCode.BUSY: return 'retry'
    default: return 'failed'
  }
}

/** What the operator must fix when a channel fails for good. */
export const CONFIG_HINT: Record<Channel, string> = {
  template: 'check WECHAT_ALERT_TEMPLATE_ID and its keywords',
  subscribe: 'check WECHAT_SUBSCRIBE_TEMPLATE_ID and its keywords',
  custom: 'check that customer-service messages are enabled for the account',
}
