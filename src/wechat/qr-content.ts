// What a scanned code means to us. Binding acts on these; the scanner only reads and explains them.
export type QrMeaning =
  | { kind: 'device'; productKey: string; did: string; passcode: string }
  | { kind: 'share'; code: string }
  | { kind: 'unknown'; text: string }

export function readQrContent(text: string): QrMeaning {
  const trimmed = text.trim()
  const share = /(?:^|[?&])type=share&code=([0-9a-zA-Z]+)/.exec(trimmed)
  if (share) return { kind: 'share', code: share[1] }
  try {
    const url = new URL(trimmed)
    const productKey = url.searchParams.get('product_key')
    const did = url.searchParams.get('did')
    const passcode = url.searchParams.get('passcode')
    if (productKey && did && passcode) return { kind: 'device', productKey, did, passcode }
  } catch {
    // not a URL
  }
  return { kind: 'unknown', text: trimmed }
}
