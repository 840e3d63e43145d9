// The three SHA-1 signatures WeChat uses: server push, safe-mode push, and the JS-SDK's wx.config.
import { createHash, timingSafeEqual } from 'node:crypto'

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

/** `signature` of a push: sha1 of token, timestamp and nonce, sorted and joined. */
export function pushSignature(token: string, timestamp: string, nonce: string): string {
  return sha1([token, timestamp, nonce].sort().join(''))
}

/** `msg_signature` of a safe-mode push: the same with the encrypted body added. */
export function messageSignature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  return sha1([token, timestamp, nonce, encrypted].sort().join(''))
}

/**
 * How far a push's `timestamp` may be from our clock. A signature has no expiry of its own: without a window, one
 * seen once (a log line, a proxy) signs forever. WeChat stamps with its real clock and retries within ~15 s.
 */
export const PUSH_TIMESTAMP_WINDOW_S = 300

/** Whether a push's decimal `timestamp` is within ±PUSH_TIMESTAMP_WINDOW_S of now. */
export function timestampInWindow(timestamp: string, nowS: number): boolean {
  if (!/^[0-9]{1,12}$/.test(timestamp)) return false
  return Math.abs(Number(timestamp) - nowS) <= PUSH_TIMESTAMP_WINDOW_S
}

/** wx.config's signature: keys in ASCII order, raw values, and the page URL without its `#` part. */
export function jssdkSignature(ticket: string, nonceStr: string, timestamp: number, url: string): string {
  return sha1(`jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url.split('#')[0]}`)
}

export function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
