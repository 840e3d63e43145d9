// Plain constants both sides use at run time (no schema library, so the page bundle stays small).

/** Languages the product speaks, first is the default. */
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]

/** Cookie names. The sandbox runs on another port of the same host and browsers share cookies across ports. */
export const SESSION_COOKIE = 'h5_session'
export const OAUTH_STATE_COOKIE = 'h5_oauth_state'
