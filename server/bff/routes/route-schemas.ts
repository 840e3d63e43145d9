// Pieces of route schemas the Open API routes share.
import { Type } from 'typebox'
import { ApiErrorBody } from '@shared/api'
import { DID_PATTERN } from '@shared/open-api'

export const Did = Type.Object({ did: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false })

export const errorResponses = { 400: ApiErrorBody, 401: ApiErrorBody, 403: ApiErrorBody, 404: ApiErrorBody, 409: ApiErrorBody, 410: ApiErrorBody, 415: ApiErrorBody, 429: ApiErrorBody }
