// Open API calls the pages need, relayed by the BFF under /api/app with Gizwits' own paths and shapes.
import type { Attrs, BindingsResponse, BoundDevice, DevdataLatest, ProductDefinition } from '@shared/open-api'
import { http } from './http'

export async function fetchBindings(): Promise<BoundDevice[]> {
  return (await http.get<BindingsResponse>('/api/app/bindings', { params: { limit: 100, skip: 0 } })).data.devices
}

export async function fetchDevice(did: string): Promise<BoundDevice> {
  return (await http.get<BoundDevice>(`/api/app/devices/${encodeURIComponent(did)}`)).data
}

export async function fetchDatapoint(productKey: string): Promise<ProductDefinition> {
  return (await http.get<ProductDefinition>('/api/app/datapoint', { params: { product_key: productKey } })).data
}

export async function fetchLatest(did: string): Promise<DevdataLatest> {
  return (await http.get<DevdataLatest>(`/api/app/devdata/${encodeURIComponent(did)}/latest`)).data
}

export async function controlDevice(did: string, attrs: Attrs): Promise<void> {
  await http.post(`/api/app/control/${encodeURIComponent(did)}`, { attrs })
}
