// The URL printed as a QR on each device: it opens our bind page, so WeChat's own scanner binds directly.
// Shared by the label CLI, the sandbox's label list and the SPA's scanner, so all three agree on one form.
// The label carries a signature made with the vendor's label key (server/labels/label-signature.ts): the MAC
// alone is printed on the box and guessable, the signature is what proves the label was in the user's hand.
export const LABEL_PATH = '/bind'

/** Length and alphabet (base64url) of a label's signature. */
export const LABEL_SIG_LENGTH = 12
export const LABEL_SIG_PATTERN = `^[A-Za-z0-9_-]{${LABEL_SIG_LENGTH}}$`

export function deviceLabelUrl(appUrl: string, productKey: string, mac: string, sig: string): string {
  return `${appUrl.replace(/\/+$/, '')}${LABEL_PATH}?product_key=${productKey.toLowerCase()}&mac=${mac.toLowerCase()}&sig=${sig}`
}

export function normaliseMac(mac: string): string | null {
  const hex = mac.replace(/[:\-\s]/g, '').toLowerCase()
  return /^[0-9a-f]{12}$/.test(hex) ? hex : null
}

/** A label's signature as printed, or null when it is missing or malformed (an old-format label). */
export function labelSig(raw: string | null | undefined): string | null {
  return raw && new RegExp(LABEL_SIG_PATTERN).test(raw) ? raw : null
}
