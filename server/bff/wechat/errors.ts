// WeChat API errors. Match on errcode only: errmsg carries a " rid: …" suffix that changes every call.
export class WeChatApiError extends Error {
  constructor(readonly errcode: number, readonly errmsg: string) {
    super(`WeChat ${errcode}: ${errmsg}`)
  }
}

/** The errcodes of WeChat's server APIs the BFF acts on. */
export const WeChatErrcode = {
  /** Our own: the answer carried no errcode, yet not what was asked for either. */
  NO_ERRCODE: -1,
  /** access_token invalid, or not the latest one issued. */
  INVALID_CREDENTIAL: 40001,
  INVALID_OPENID: 40003,
  INVALID_ACCESS_TOKEN: 40014,
  /** OAuth: the code is not valid. */
  INVALID_CODE: 40029,
  INVALID_TEMPLATE_ID: 40037,
  /** OAuth: the code was already exchanged. */
  CODE_USED: 40163,
  ACCESS_TOKEN_EXPIRED: 42001,
  /** OAuth: the code expired (five minutes). */
  CODE_EXPIRED: 42003,
  /** Template message to a user who does not follow the account. */
  NOT_SUBSCRIBED: 43004,
  /** Subscription notice without a consent left: the user refused, or used it up. */
  SUBSCRIPTION_REFUSED: 43101,
  /** A daily API quota is used up. */
  QUOTA_REACHED: 45009,
  /** Customer-service message outside the user's 48-hour window (or to one who unfollowed). */
  OUT_OF_WINDOW: 45015,
  /** A keyword's value breaks its type's rule (the errmsg names it): the template's fields are misconfigured. */
  ARGUMENT_INVALID: 47003,
} as const

/** Codes that mean "this access_token is no good" (invalid or not latest, expired, malformed). */
export const STALE_TOKEN_CODES = new Set<number>([WeChatErrcode.INVALID_CREDENTIAL, WeChatErrcode.INVALID_ACCESS_TOKEN, WeChatErrcode.ACCESS_TOKEN_EXPIRED])

/** OAuth codes that mean "this code cannot be exchanged (again)": the user should simply log in again. */
export const SPENT_CODE_CODES = new Set<number>([WeChatErrcode.INVALID_CODE, WeChatErrcode.CODE_USED, WeChatErrcode.CODE_EXPIRED])
