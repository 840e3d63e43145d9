// The products this deployment supports (its allowlist), named from their datapoint definitions.
import { Type } from 'typebox'
import { ApiErrorBody, ProductSummary } from '@shared/api'
import type { Context } from '../context'
import type { RouteScope } from './route-schemas'

export async function productRoutes(app: RouteScope, context: Context): Promise<void> {
  app.get('/api/products', { schema: { response: { 200: Type.Array(ProductSummary), 401: ApiErrorBody } } }, async () => {
    const keys = [...context.config.gizwits.products.keys()]
    const products = await Promise.all(keys.map(async (key) => ({ product_key: key, name: (await context.access.product(key)).definition.name })))
    return products.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
  })
}
