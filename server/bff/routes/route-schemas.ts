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
