// Pieces of route schemas the Open API routes share, and the instance type every route file is given: with the
// TypeBox type provider, the schema a route declares is the type its handler sees (params, query, body, reply).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify'
import { Type } from 'typebox'
import { ApiErrorBody } from '@shared/api'
import { DID_PATTERN } from '@shared/open-api'

export const Did = Type.Object({ did: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false })

export const errorResponses = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody, 410: ApiErrorBody, 415: ApiErrorBody, 429: ApiErrorBody }

/** A Fastify scope whose routes are typed from their TypeBox schemas. */
export type RouteScope = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>

/**
 * A datapoint value as a page may send it: bounded, so nothing large goes upstream (the datapoint checks follow).
 * The page writes datapoints only; raw frames would bypass the datapoint checks. A single control, a group control
 * and a scene step all take it (routes/app-api.ts, routes/automation-api.ts).
 */
export const PageAttrValue = Type.Union([Type.Boolean(), Type.Number(), Type.String({ maxLength: 2048 }), Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { maxItems: 1024 })])
export const PageAttrs = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }), PageAttrValue, { minProperties: 1, maxProperties: 64 })
export const PageControlBody = Type.Object({ attrs: PageAttrs }, { additionalProperties: false })
