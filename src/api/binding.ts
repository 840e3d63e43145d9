// Getting devices in and out of the user's list, and naming them: Gizwits' binding paths, relayed by the BFF.
import type { ProductSummary } from '@shared/api'
import type { BindingUpdateBody, BoundDevice } from '@shared/open-api'
import { http } from './http'

// Which binder becomes owner (seed 003's set_owner) is the BFF's decision, not the page's: it always asks for it.

/** A signed device label (product_key + MAC + the label's signature): the BFF checks the signature. */
export async function bindByLabel(productKey: string, mac: string, sig: string): Promise<BoundDevice> {
  return (await http.post<BoundDevice>('/api/app/bind_label', { product_key: productKey, mac, sig })).data
}

/** The Gizwits app QR form, or a device that answered on the LAN after Wi-Fi setup: did + passcode. */
export async function bindByPasscode(did: string, passcode: string): Promise<void> {
  await http.post('/api/app/bindings', { devices: [{ did, passcode }] })
}

export async function bindByQrService(content: string): Promise<void> {
  await http.post('/api/app/bind_latest', { qr_content: content })
}

export async function unbindDevice(did: string): Promise<void> {
  await http.delete('/api/app/bindings', { data: { devices: [{ did }] } })
}

export async function updateBinding(did: string, fields: BindingUpdateBody): Promise<void> {
  await http.put(`/api/app/bindings/${encodeURIComponent(did)}`, fields)
}

export async function fetchProducts(): Promise<ProductSummary[]> {
  return (await http.get<ProductSummary[]>('/api/products')).data
}
