// WeChat API errors. Match on errcode only: errmsg carries a " rid: …" suffix that changes every call.
export class WeChatApiError extends Error {
  constructor(readonly errcode: number, readonly errmsg: string) {
    super(`WeChat ${errcode}: ${errmsg}`)
  }
}

/** Codes that mean "this access_token is no good" (invalid or not latest, expired, malformed). */
export const STALE_TOKEN_CODES = new Set([40001, 40014, 42001])
