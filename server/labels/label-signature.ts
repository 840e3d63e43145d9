// The secret a printed label carries: a MAC is printed on the box and MACs are sequential, so a label URL that
// named only product_key + MAC would let anyone bind a stranger's device. The production line signs each label
// with the vendor's LABEL_KEY (never in the browser); the BFF checks the signature before it binds.
// HMAC-SHA256 truncated to 72 bits (12 base64url characters): short enough for a WeChat scene string (64 chars,
// `bind:<pk>:<mac>:<sig>` is 63), and with binding attempts limited per user and per device, far beyond guessing.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { LABEL_SIG_LENGTH } from '@shared/device-label'

const CONTEXT = 'gizwits-wechat-label/v1'

export function labelSignature(labelKey: string, productKey: string, mac: string): string {
  return createHmac('sha256', labelKey)
    .update(`${CONTEXT}:${productKey.toLowerCase()}:${mac.toLowerCase()}`)
    .digest('base64url')
    .slice(0, LABEL_SIG_LENGTH)
}

/** Constant-time check of a label's signature; a malformed one is simply wrong. */
export function labelSignatureValid(labelKey: string, productKey: string, mac: string, sig: string): boolean {
  const expected = Buffer.from(labelSignature(labelKey, productKey, mac))
  const given = Buffer.from(sig)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
