// Pieces of route schemas the Open API routes share.
import { Type } from 'typebox'
import { ApiErrorBody } from '@shared/api'

export const Did = Type.Object({ did: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) })

export const errorResponses = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody, 410: ApiErrorBody }
