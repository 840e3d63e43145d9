// Product definitions, loaded from the Gizwits-format JSON files beside this one, and what the cloud keeps beside
// each: its secret, and whether device sharing is on (which decides the roles bindings get, seed 003).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AttrItem, ProductDefinition } from '@shared/open-api'

export interface SandboxProduct {
  definition: ProductDefinition
  secret: string
  sharing: boolean
  attrs: AttrItem[]
}

const folder = join(import.meta.dirname, 'products')
const SETTINGS = 'cloud-settings.json'

export function loadProducts(): Map<string, SandboxProduct> {
  const settings = JSON.parse(readFileSync(join(folder, SETTINGS), 'utf8')) as Record<string, { product_secret: string; sharing: boolean }>
  const products = new Map<string, SandboxProduct>()
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json') && name !== SETTINGS)) {
    const definition = JSON.parse(readFileSync(join(folder, file), 'utf8')) as ProductDefinition
    const cloud = settings[definition.product_key]
    if (!cloud?.product_secret) throw new Error(`sandbox product ${file} has no product_secret in ${SETTINGS}`)
    products.set(definition.product_key, { definition, secret: cloud.product_secret, sharing: cloud.sharing === true, attrs: definition.entities.flatMap((e) => e.attrs) })
  }
  return products
}
