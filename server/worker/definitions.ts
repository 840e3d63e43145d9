// Each product's datapoint definition (`GET /app/datapoint?product_key=…`, the endpoint the BFF reads for the
// device page), held by the worker so its command notices name values as the app's log does ("设定温度 27°C", not
// "set_temp=27"). Loaded once per product and refreshed rarely (a definition changes when the maker publishes a new
// one); read synchronously while a notice is written, so no cloud call ever sits inside a database transaction —
// the worker awaits `load` before its transaction instead. Which product a device is comes from SNoti itself (every
// event carries `product_key`). When the cloud is down the notice uses the raw names: a notice is never held back.
import type { AttrItem, ProductDefinition } from '@shared/open-api'

/** A definition older than this is read again (at the next notice). */
export const DEFINITION_TTL_MS = 6 * 3600_000
/** After a failed read, wait this long before asking again, so a cloud outage does not slow every tick. */
export const DEFINITION_RETRY_MS = 60_000

export interface Definitions {
  /** SNoti told us this device belongs to this product. */
  noteDevice(did: string, productKey: string): void
  /** Reads the definitions not held or stale, of the given products and every one noted; never throws. */
  load(productKeys?: readonly string[]): Promise<void>
  /**
   * The datapoints of a device's product, or [] when not known. A device no event has named since the start (a page
   * command that found it silent) takes the first product held that defines every one of `names`.
   */
  attrsOf(did: string, names?: readonly string[]): AttrItem[]
}

export function definitions(read: (productKey: string) => Promise<ProductDefinition>, log: (message: string) => void, nowMs: () => number = Date.now): Definitions {
  const products = new Map<string, string>()
  const held = new Map<string, { attrs: AttrItem[]; at: number }>()
  const failedAt = new Map<string, number>()
  const known = new Set<string>()

  const reading = new Map<string, Promise<void>>()

  /** One read per product at a time: ticks that come while the cloud is slow wait for the same answer. */
  function loadOne(productKey: string): Promise<void> {
    let pending = reading.get(productKey)
    if (!pending) {
      pending = readOne(productKey).finally(() => reading.delete(productKey))
      reading.set(productKey, pending)
    }
    return pending
  }

  async function readOne(productKey: string): Promise<void> {
    const now = nowMs()
    const current = held.get(productKey)
    if (current && now - current.at < DEFINITION_TTL_MS) return
    const failed = failedAt.get(productKey)
    if (failed !== undefined && now - failed < DEFINITION_RETRY_MS) return
    try {
      const definition = await read(productKey)
      held.set(productKey, { attrs: definition.entities.flatMap((entity) => entity.attrs), at: now })
      failedAt.delete(productKey)
    } catch (error) {
      failedAt.set(productKey, now)
      // A stale definition still names the values better than none; the raw names when there is none.
      log(`datapoints of ${productKey} not read (${(error as Error).message}); notices use ${current ? 'the last ones read' : 'raw names'}`)
    }
  }

  return {
    noteDevice(did, productKey) {
      products.set(did, productKey)
      known.add(productKey)
    },
    async load(productKeys) {
      for (const key of productKeys ?? []) known.add(key)
      await Promise.all([...known].map(loadOne))
    },
    attrsOf(did, names = []) {
      const productKey = products.get(did)
      if (productKey) return held.get(productKey)?.attrs ?? []
      if (names.length === 0) return []
      const fits = [...held.values()].find(({ attrs }) => names.every((name) => attrs.some((attr) => attr.name === name)))
      return fits?.attrs ?? []
    },
  }
}
