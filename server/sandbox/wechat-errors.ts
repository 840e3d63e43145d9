// WeChat's error codes as the sandbox answers them: `errcode` of api.weixin.qq.com (HTTP 200, `errmsg` ending in
// a request id), and the codes of the coded error pages `connect/oauth2/authorize` shows in WeChat's browser.
export const WechatErrcode = {
  OK: 0,
  SYSTEM_ERROR: -1,
  INVALID_CREDENTIAL: 40001,
  INVALID_GRANT_TYPE: 40002,
  INVALID_OPENID: 40003,
  INVALID_MESSAGE_TYPE: 40008,
  INVALID_APPID: 40013,
  INVALID_BUTTON_SIZE: 40016,
  INVALID_BUTTON_TYPE: 40017,
  INVALID_BUTTON_NAME_SIZE: 40018,
  INVALID_BUTTON_KEY_SIZE: 40019,
  INVALID_SUB_BUTTON_SIZE: 40023,
  INVALID_SUB_BUTTON_NAME_SIZE: 40024,
  INVALID_CODE: 40029,
  INVALID_REFRESH_TOKEN: 40030,
  INVALID_TEMPLATE_ID: 40037,
  INVALID_BUTTON_URL: 40055,
  INVALID_ARGS: 40097,
  INVALID_APPSECRET: 40125,
  CODE_USED: 40163,
  IP_NOT_IN_WHITELIST: 40164,
  ACCESS_TOKEN_MISSING: 41001,
  REFRESH_TOKEN_MISSING: 41003,
  CODE_MISSING: 41008,
  OPENID_MISSING: 41009,
  ACCESS_TOKEN_EXPIRED: 42001,
  REFRESH_TOKEN_EXPIRED: 42002,
  REQUIRE_SUBSCRIBE: 43004,
  /** Subscription notice without a consent left (the user refused, or used it up). */
  USER_REFUSED: 43101,
  DAILY_QUOTA_REACHED: 45009,
  /** Customer-service message outside the 48-hour window, or to a user who unfollowed. */
  RESPONSE_OUT_OF_TIME: 45015,
  MENU_NOT_EXIST: 46003,
  DATA_FORMAT_ERROR: 47001,
  /** A keyword's value breaks its type's rules (errmsg names it). */
  ARGUMENT_INVALID: 47003,
  API_UNAUTHORIZED: 48001,
} as const

/** The authorize page's error codes (shown on a page, not sent as JSON). */
export const OauthPageError = {
  REDIRECT_URI_DOMAIN: 10003,
  RESPONSE_TYPE: 10004,
  SCOPE_NOT_ALLOWED: 10005,
  SCOPE_MISSING: 10010,
  REDIRECT_URI_MISSING: 10011,
  APPID_MISSING: 10012,
  STATE_INVALID: 10013,
  APPID_NOT_SUPPORTED: 10016,
} as const
