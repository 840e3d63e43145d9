// The user's devices (bindings) and the product definitions their controls are generated from.
import { defineStore } from 'pinia'
import { productAttrs } from '@shared/datapoint'
import type { AttrItem, BoundDevice, ProductDefinition } from '@shared/open-api'
import { fetchBindings, fetchDatapoint } from '@/api/devices'
import type { ApiError } from '@/api/http'

/** The one name a device goes by on every page: the user's alias, their note, the product, its MAC, its did. */
export function deviceName(device: BoundDevice): string {
  return device.dev_alias || device.remark || device.product_name || device.mac || device.did
}

let loading: Promise<void> | null = null

export const useDevicesStore = defineStore('devices', {
  state: () => ({
    list: [] as BoundDevice[],
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    error: null as ApiError | null,
    products: {} as Record<string, ProductDefinition>,
  }),
  getters: {
    byDid: (state) => (did: string) => state.list.find((device) => device.did === did),
    /** A device's name (deviceName), or its did while the list does not have it. */
    nameOf(): (did: string) => string {
      return (did) => {
        const device = this.byDid(did)
        return device ? deviceName(device) : did
      }
    },
    /** A colour index per product, stable for the user's list, so products look different. */
    toneOf: (state) => (productKey: string): number => Math.max(0, [...new Set(state.list.map((device) => device.product_key))].sort().indexOf(productKey)),
    attrsOf: (state) => (productKey: string): AttrItem[] => {
      const product = state.products[productKey]
      return product ? productAttrs(product) : []
    },
  },
  actions: {
    /** The list from the BFF; callers at boot and on the list page share one request rather than asking twice. */
    load(): Promise<void> {
      loading ??= this.fetchList().finally(() => (loading = null))
      return loading
    },
    async fetchList(): Promise<void> {
      if (this.status !== 'ready') this.status = 'loading'
      try {
        this.list = await fetchBindings()
        this.status = 'ready'
        this.error = null
        await Promise.all([...new Set(this.list.map((device) => device.product_key))].map((key) => this.loadProduct(key).catch(() => undefined)))
      } catch (error) {
        this.error = error as ApiError
        this.status = 'error'
      }
    },
    async loadProduct(productKey: string): Promise<ProductDefinition> {
      const known = this.products[productKey]
      if (known) return known
      const product = await fetchDatapoint(productKey)
      this.products[productKey] = product
      return product
    },
    /**
     * Definitions painted from the last visit's cache are asked for again once the first screen is up, so a
     * product the vendor changed is drawn from its new definition by the next render.
     */
    async refreshProducts(productKeys: string[]): Promise<void> {
      await Promise.all(productKeys.map(async (key) => {
        try {
          this.products[key] = await fetchDatapoint(key)
        } catch {
          // The cached definition stays; the next visit asks again.
        }
      }))
    },
    attrOf(did: string, name: string): AttrItem | undefined {
      const device = this.byDid(did)
      return device ? this.attrsOf(device.product_key).find((attr) => attr.name === name) : undefined
    },
  },
})
