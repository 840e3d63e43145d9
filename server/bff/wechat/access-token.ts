// The Official Account's access_token, from cgi-bin/stable_token (never cgi-bin/token, whose every call
// invalidates the token other holders use). Cached until shortly before expiry, one fetch in flight at a time,
// and a stale-token error answered by one forced refresh — only if the failing token is still the cached one.
import { countWeChatError } from '../ops/metrics'
import { STALE_TOKEN_CODES, WeChatApiError, WeChatErrcode } from './errors'
import type { TokenCache } from './token-cache'

export interface WeChatCredentials { appId: string; appSecret: string; apiBase: string }

const REFRESH_MARGIN_MS = 5 * 60_000

export class AccessTokenSource {
  private inFlight: Promise<string> | null = null

  constructor(
    private readonly credentials: WeChatCredentials,
    private readonly cache: TokenCache,
    private readonly now: () => number = Date.now,
  ) {}

  private get key(): string {
    return `wechat:access_token:${this.credentials.appId}`
  }

  async token(): Promise<string> {
    const cached = await this.cache.get(this.key)
    if (cached && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return cached.value
    return this.fetch(false)
  }

  /** Runs a call with the token; if WeChat calls the token stale, refreshes once and retries once. */
  async withToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.token()
    try {
      return await call(token)
    } catch (error) {
      if (!(error instanceof WeChatApiError) || !STALE_TOKEN_CODES.has(error.errcode)) throw error
      const cached = await this.cache.get(this.key)
      // Someone else already replaced it: use theirs instead of forcing (force_refresh is limited to 20 a day).
      const fresh = cached && cached.value !== token ? cached.value : await this.fetch(true, token)
      return call(fresh)
    }
  }

  /** `stale`: the token WeChat just refused; another instance's newer one is taken instead of forcing again. */
  private fetch(forceRefresh: boolean, stale?: string): Promise<string> {
    if (!this.inFlight) {
      const { singleFlight } = this.cache
      const usable = (cached: { value: string; expiresAt: number } | null) => cached !== null && cached.value !== stale && cached.expiresAt - REFRESH_MARGIN_MS > this.now()
      const request = () => this.request(forceRefresh)
      this.inFlight = (singleFlight ? singleFlight(this.key, usable, request) : request()).finally(() => {
        this.inFlight = null
      })
    }
    return this.inFlight
  }

  private async request(forceRefresh: boolean): Promise<string> {
    const { appId, appSecret, apiBase } = this.credentials
    const response = await fetch(`${apiBase}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh }),
      signal: AbortSignal.timeout(10_000),
    })
    const body = (await response.json()) as { access_token?: string; expires_in?: number; errcode?: number; errmsg?: string }
    if (!body.access_token || !body.expires_in) countWeChatError(body.errcode ?? WeChatErrcode.NO_ERRCODE, `${apiBase}/cgi-bin/stable_token`)
    if (!body.access_token || !body.expires_in) throw new WeChatApiError(body.errcode ?? WeChatErrcode.NO_ERRCODE, body.errmsg ?? 'no access_token')
    await this.cache.set(this.key, { value: body.access_token, expiresAt: this.now() + body.expires_in * 1000 })
    return body.access_token
  }
}

/** Calls a WeChat API that answers `{errcode, errmsg, ...}`; a non-zero errcode becomes a WeChatApiError. */
export async function wechatCall<T extends object>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) })
  const body = (await response.json()) as T & { errcode?: number; errmsg?: string }
  // Every WeChat API answer with an errcode passes here or through the two fetches of the token and OAuth: counted once.
  if (body.errcode) countWeChatError(body.errcode, url)
  if (body.errcode) throw new WeChatApiError(body.errcode, body.errmsg ?? '')
  return body
}
