// What one of our devices says when it answers WeChat's LAN discovery (`onScanWXDeviceResult`): its payload
// (`base64Data`) is `product_key=…&did=…&mac=…`, plus `&passcode=…` while the device is in binding mode right after
// its Wi-Fi setup — the way Gizwits' modules hand the passcode to the phone that configured them. That passcode,
// checked by the cloud, is what lets the user who just set the device up bind it; a MAC alone binds nothing.
import { normaliseMac } from '@shared/device-label'

export interface LanAnnouncement { productKey: string; did: string; mac: string; passcode: string | null }

const PRODUCT_KEY = /^[0-9a-f]{32}$/
const DID = /^[A-Za-z0-9_-]{1,64}$/
const PASSCODE = /^[A-Za-z0-9]{1,32}$/

/** The announcement in one discovery answer, or null when it is not one of ours. */
export function readLanAnnouncement(device: { deviceId?: string; base64Data?: string }): LanAnnouncement | null {
  if (!device.base64Data) return null
  let text: string
  try {
    text = atob(device.base64Data)
  } catch {
    return null
  }
  const fields = new URLSearchParams(text)
  const productKey = (fields.get('product_key') ?? '').toLowerCase()
  const did = fields.get('did') ?? ''
  const mac = normaliseMac(fields.get('mac') ?? '')
  const passcode = fields.get('passcode')
  if (!PRODUCT_KEY.test(productKey) || !DID.test(did) || !mac) return null
  return { productKey, did, mac, passcode: passcode && PASSCODE.test(passcode) ? passcode : null }
}
