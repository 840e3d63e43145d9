// One error type for every BFF route; the error handler turns it into ApiErrorBody in the user's language.
import type { MessageKey } from './i18n/messages'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | string,
    readonly messageKey: MessageKey,
    readonly params: Record<string, string | number> = {},
    readonly detail: string | null = null,
  ) {
    super(`${code}: ${messageKey}`)
  }
}
