// Open API calls for the user's devices, their product definitions and latest values, relayed by the BFF under
// /api/app with Gizwits' own paths and shapes.
import type { BindingsResponse, BoundDevice, DevdataLatest, ProductDefinition } from '@shared/open-api'
import { http } from './http'

export async function fetchBindings(): Promise<BoundDevice[]> {
  return (await http.get<BindingsResponse>('/api/app/bindings', { params: { limit: 100, skip: 0 } })).data.devices
}

export async function fetchDatapoint(productKey: string): Promise<ProductDefinition> {
  return (await http.get<ProductDefinition>('/api/app/datapoint', { params: { product_key: productKey } })).data
}

export async function fetchLatest(did: string): Promise<DevdataLatest> {
  return (await http.get<DevdataLatest>(`/api/app/devdata/${encodeURIComponent(did)}/latest`)).data
}
