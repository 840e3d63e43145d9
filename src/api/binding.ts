// Getting devices in and out of the user's list, and naming them: Gizwits' binding paths, relayed by the BFF.
import type { ProductSummary } from '@shared/api'
import type { BindingUpdateBody, BoundDevice } from '@shared/open-api'
import { http } from './http'

/** The first binder of a product with sharing on becomes its owner (seed 003's set_owner). */
const SET_OWNER = 1

export async function bindByMac(productKey: string, mac: string): Promise<BoundDevice> {
  return (await http.post<BoundDevice>('/api/app/bind_mac', { product_key: productKey, mac, set_owner: SET_OWNER })).data
}

export async function bindByPasscode(did: string, passcode: string): Promise<void> {
  await http.post('/api/app/bindings', { devices: [{ did, passcode }], set_owner: SET_OWNER })
}

export async function bindByQrService(content: string): Promise<void> {
  await http.post('/api/app/bind_latest', { qr_content: content, set_owner: SET_OWNER })
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
