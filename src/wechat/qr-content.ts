// What a scanned code means to us, and where it leads: every form a device or an invitation may carry.
import { LABEL_PATH, labelSig, normaliseMac } from '@shared/device-label'

export type QrMeaning =
  /** Our label URL: product_key + MAC + the label's signature (null on an old label, which cannot bind). */
  | { kind: 'label'; productKey: string; mac: string; sig: string | null }
  /** The Gizwits app form `…?product_key=&did=&passcode=`: bound by did + passcode. */
  | { kind: 'device'; productKey: string; did: string; passcode: string }
  /** The opaque content of Gizwits' QR service: only the cloud can read it (bind_latest). */
  | { kind: 'gizwits-qr'; content: string }
  | { kind: 'share'; code: string }
  /** A home's invitation QR (HomesPage): our link to the join page, with the BFF's one-time code. */
  | { kind: 'home-invite'; code: string }
  | { kind: 'unknown'; text: string }

const PRODUCT_KEY = /^[0-9a-f]{32}$/i
/** The path of the page that takes a share; a link to it is what every share QR and card carries. */
export const SHARE_PATH = '/share'
const SHARE_CODE = /^[0-9a-zA-Z]{8,64}$/
/** The page that joins a home by its QR (router.ts), and the BFF's code in it (shared/homes.ts HomeInviteCode). */
export const HOME_JOIN_PATH = '/homes/join'
const HOME_INVITE_CODE = /^[0-9a-f]{32}$/

/**
 * The https link a share QR shows: WeChat's own 扫一扫 opens a link, while Gizwits' `type=share&code=…` is only a
 * line of text there. The cloud's code stays inside the link, so the accept page takes it to the cloud unchanged.
 */
export function shareLink(gizwitsContent: string, origin = window.location.origin): string {
  const meaning = readQrContent(gizwitsContent)
  const code = meaning.kind === 'share' ? meaning.code : gizwitsContent
  return `${origin}${SHARE_PATH}?code=${encodeURIComponent(code)}`
}

/** The code of a share in either form: our link, or Gizwits' own content (an older QR, another app's). */
export function shareCodeOf(value: string): string | null {
  const meaning = readQrContent(value)
  if (meaning.kind === 'share') return meaning.code
  return SHARE_CODE.test(value.trim()) ? value.trim() : null
}
/** Opaque, URL-safe and long: what the QR service's codes look like; anything shorter is not a device code. */
const OPAQUE = /^[0-9A-Za-z_+/=-]{16,512}$/

export function readQrContent(text: string): QrMeaning {
  const trimmed = text.trim()
  const share = /(?:^|[?&])type=share&code=([0-9a-zA-Z]+)/.exec(trimmed)
  if (share) return { kind: 'share', code: share[1] }
  let url: URL | null = null
  try {
    url = new URL(trimmed)
  } catch {
    // not a URL
  }
  if (url) {
    // Our share link, from any of our hosts: its path says what it is, the code is the cloud's.
    const code = url.searchParams.get('code')
    if (url.pathname === SHARE_PATH && code && SHARE_CODE.test(code)) return { kind: 'share', code }
    // A home's invitation, from any of our hosts; a damaged code is not guessed at (the join page would refuse it).
    if (url.pathname === HOME_JOIN_PATH && code && HOME_INVITE_CODE.test(code)) return { kind: 'home-invite', code }
    const productKey = url.searchParams.get('product_key')
    const did = url.searchParams.get('did')
    const passcode = url.searchParams.get('passcode')
    const mac = normaliseMac(url.searchParams.get('mac') ?? '')
    if (productKey && did && passcode) return { kind: 'device', productKey, did, passcode }
    if (productKey && PRODUCT_KEY.test(productKey) && mac) return { kind: 'label', productKey: productKey.toLowerCase(), mac, sig: labelSig(url.searchParams.get('sig')) }
    return { kind: 'unknown', text: trimmed }
  }
  if (OPAQUE.test(trimmed)) return { kind: 'gizwits-qr', content: trimmed }
  return { kind: 'unknown', text: trimmed }
}

/** The page a scanned code opens in this app, or null when it is not ours. */
export function routeFor(meaning: QrMeaning): { path: string; query: Record<string, string> } | null {
  switch (meaning.kind) {
    case 'label':
      return { path: LABEL_PATH, query: { product_key: meaning.productKey, mac: meaning.mac, ...(meaning.sig ? { sig: meaning.sig } : {}) } }
    case 'device':
      return { path: LABEL_PATH, query: { product_key: meaning.productKey, did: meaning.did, passcode: meaning.passcode } }
    case 'gizwits-qr':
      return { path: LABEL_PATH, query: { qr: meaning.content } }
    case 'share':
      return { path: '/share', query: { code: meaning.code } }
    case 'home-invite':
      return { path: HOME_JOIN_PATH, query: { code: meaning.code } }
    default:
      return null
  }
}
