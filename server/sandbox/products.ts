// Product definitions, loaded from the Gizwits-format JSON files beside this one, and their secrets.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AttrItem, ProductDefinition } from '@shared/open-api'

export interface SandboxProduct {
  definition: ProductDefinition
  secret: string
  attrs: AttrItem[]
}

const folder = join(import.meta.dirname, 'products')

export function loadProducts(): Map<string, SandboxProduct> {
  const secrets = JSON.parse(readFileSync(join(folder, 'secrets.json'), 'utf8')) as Record<string, string>
  const products = new Map<string, SandboxProduct>()
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.json') && name !== 'secrets.json')) {
    const definition = JSON.parse(readFileSync(join(folder, file), 'utf8')) as ProductDefinition
    const secret = secrets[definition.product_key]
    if (!secret) throw new Error(`sandbox product ${file} has no secret in secrets.json`)
    products.set(definition.product_key, { definition, secret, attrs: definition.entities.flatMap((e) => e.attrs) })
  }
  return products
}
