// The URL printed as a QR on each device: it opens our bind page, so WeChat's own scanner binds directly.
// Shared by the label CLI, the sandbox's label list and the SPA's scanner, so all three agree on one form.
export const LABEL_PATH = '/bind'

export function deviceLabelUrl(appUrl: string, productKey: string, mac: string): string {
  return `${appUrl.replace(/\/+$/, '')}${LABEL_PATH}?product_key=${productKey.toLowerCase()}&mac=${mac.toLowerCase()}`
}

export function normaliseMac(mac: string): string | null {
  const hex = mac.replace(/[:\-\s]/g, '').toLowerCase()
  return /^[0-9a-f]{12}$/.test(hex) ? hex : null
}
