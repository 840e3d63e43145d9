// WeChat web OAuth: the authorize URL (parameter order matters to WeChat) and the code → openid exchange.
import { countWeChatError } from '../ops/metrics'
import { WeChatErrcode } from './errors'

export class WeChatOauthError extends Error {
  constructor(readonly errcode: number, readonly errmsg: string) {
    super(`WeChat ${errcode}: ${errmsg}`)
  }
}

export interface OauthClientOptions { appId: string; appSecret: string; apiBase: string }

/** WeChat matches the authorize link strictly: appid, redirect_uri, response_type, scope, state, then the hash. */
export function authorizeUrl(openBase: string, appId: string, redirectUri: string, state: string, scope: 'snsapi_base' | 'snsapi_userinfo' = 'snsapi_base'): string {
  return `${openBase}/connect/oauth2/authorize?appid=${encodeURIComponent(appId)}&redirect_uri=${encodeURIComponent(redirectUri)}&response_type=code&scope=${scope}&state=${state}#wechat_redirect`
}

export async function exchangeCode(options: OauthClientOptions, code: string): Promise<{ openid: string; scope: string; accessToken: string }> {
  const params = new URLSearchParams({ appid: options.appId, secret: options.appSecret, code, grant_type: 'authorization_code' })
  const response = await fetch(`${options.apiBase}/sns/oauth2/access_token?${params}`, { signal: AbortSignal.timeout(10_000) })
  const body = (await response.json()) as { openid?: string; scope?: string; access_token?: string; errcode?: number; errmsg?: string }
  if (body.errcode || !body.openid) countWeChatError(body.errcode ?? WeChatErrcode.NO_ERRCODE, `${options.apiBase}/sns/oauth2/access_token`)
  if (body.errcode || !body.openid) throw new WeChatOauthError(body.errcode ?? WeChatErrcode.NO_ERRCODE, body.errmsg ?? 'no openid')
  return { openid: body.openid, scope: body.scope ?? 'snsapi_base', accessToken: body.access_token ?? '' }
}

/** The user's nickname, with the web access token of an snsapi_userinfo login (snsapi_base gives 48001). */
export async function fetchNickname(options: Pick<OauthClientOptions, 'apiBase'>, accessToken: string, openid: string): Promise<string> {
  const params = new URLSearchParams({ access_token: accessToken, openid, lang: 'zh_CN' })
  const response = await fetch(`${options.apiBase}/sns/userinfo?${params}`, { signal: AbortSignal.timeout(10_000) })
  const body = (await response.json()) as { nickname?: string; errcode?: number; errmsg?: string }
  if (body.errcode || typeof body.nickname !== 'string') countWeChatError(body.errcode ?? WeChatErrcode.NO_ERRCODE, `${options.apiBase}/sns/userinfo`)
  if (body.errcode || typeof body.nickname !== 'string') throw new WeChatOauthError(body.errcode ?? WeChatErrcode.NO_ERRCODE, body.errmsg ?? 'no nickname')
  return body.nickname
}
