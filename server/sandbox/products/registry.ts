// Registers every product folder beside this file: a folder with `definition.json` and an `index.ts` whose default
// export is a `ProductModule` is a product, and adding one is all it takes (README, "Adding a product"). Each is
// checked as it loads, so a slip in a new folder stops the sandbox with a message instead of misbehaving later.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ProductDefinition } from '@shared/open-api'
import { rejectValue } from '../device-rules'
import type { ProductModule, SandboxProduct } from './product'

const ROOT = import.meta.dirname
const PRODUCT_KEY = /^[0-9a-f]{32}$/
const MAC = /^[0-9a-f]{12}$/

/** Every product folder in `root` (this folder unless a test names another). */
export async function loadProducts(root = ROOT): Promise<Map<string, SandboxProduct>> {
  const products = new Map<string, SandboxProduct>()
  const dids = new Set<string>()
  const folders = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort()
  for (const folder of folders) {
    const where = `sandbox product ${folder}/`
    const definitionFile = join(root, folder, 'definition.json')
    const moduleFile = join(root, folder, 'index.ts')
    if (!existsSync(definitionFile) || !existsSync(moduleFile)) throw new Error(`${where} needs definition.json and index.ts`)
    const definition = JSON.parse(readFileSync(definitionFile, 'utf8')) as ProductDefinition
    const module = (await import(pathToFileURL(moduleFile).href) as { default?: ProductModule }).default
    if (!module?.cloud || !Array.isArray(module.devices)) throw new Error(`${where}index.ts must export default defineProduct({...})`)
    if (!PRODUCT_KEY.test(definition.product_key ?? '')) throw new Error(`${where}definition.json has no 32-hex product_key`)
    if (products.has(definition.product_key)) throw new Error(`${where} repeats product_key ${definition.product_key}`)
    if (!module.cloud.productSecret) throw new Error(`${where} has no productSecret`)
    const attrs = definition.entities.flatMap((entity) => entity.attrs)
    for (const [name, value] of Object.entries(module.startingValues)) {
      const attr = attrs.find((candidate) => candidate.name === name)
      const problem = attr ? rejectValue(attr, value, 'ws') : `unknown datapoint ${name}`
      if (problem) throw new Error(`${where} starting value: ${problem}`)
    }
    for (const device of module.devices) {
      if (dids.has(device.did)) throw new Error(`${where} repeats device ${device.did}`)
      if (!MAC.test(device.mac)) throw new Error(`${where} device ${device.did}: mac must be 12 lower-case hex digits`)
      dids.add(device.did)
    }
    products.set(definition.product_key, { folder, definition, secret: module.cloud.productSecret, sharing: module.cloud.sharing, kind: module.kind ?? 'normal', attrs, module })
  }
  return products
}
