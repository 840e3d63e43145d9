// The jsapi_ticket behind wx.config signatures, cached like the access_token (WeChat limits how often it is
// fetched), and the config a page needs for one URL.
import { randomBytes } from 'node:crypto'
import { wechatCall, type AccessTokenSource } from './access-token'
import { jssdkSignature } from './signatures'
import type { TokenCache } from './token-cache'

const REFRESH_MARGIN_MS = 5 * 60_000
/** getticket has a low daily limit: a page's report of a bad signature refreshes at most this often. */
const FORCED_REFRESH_EVERY_MS = 60_000

export interface JssdkConfig { appId: string; timestamp: number; nonceStr: string; signature: string }

export class JsapiTicketSource {
  private inFlight: Promise<string> | null = null
  private lastForced = 0

  constructor(
    private readonly appId: string,
    private readonly apiBase: () => string,
    private readonly accessToken: AccessTokenSource,
    private readonly cache: TokenCache,
    private readonly now: () => number = Date.now,
  ) {}

  async ticket({ fresh = false } = {}): Promise<string> {
    const key = `wechat:jsapi_ticket:${this.appId}`
    const cached = await this.cache.get(key)
    const force = fresh && this.now() - this.lastForced > FORCED_REFRESH_EVERY_MS
    if (force) this.lastForced = this.now()
    if (!force && cached && cached.expiresAt - REFRESH_MARGIN_MS > this.now()) return cached.value
    if (!this.inFlight) {
      const request = () => this.accessToken
        .withToken((token) => wechatCall<{ ticket: string; expires_in: number }>(`${this.apiBase()}/cgi-bin/ticket/getticket?access_token=${encodeURIComponent(token)}&type=jsapi`))
        .then(async ({ ticket, expires_in: expiresIn }) => {
          await this.cache.set(key, { value: ticket, expiresAt: this.now() + expiresIn * 1000 })
          return ticket
        })
      const stale = force ? cached?.value : undefined
      const usable = (entry: { value: string; expiresAt: number } | null) => entry !== null && entry.value !== stale && entry.expiresAt - REFRESH_MARGIN_MS > this.now()
      const { singleFlight } = this.cache
      this.inFlight = (singleFlight ? singleFlight(key, usable, request) : request())
        .finally(() => {
          this.inFlight = null
        })
    }
    return this.inFlight
  }

  /** `fresh`: the page was told its signature is invalid — WeChat may have replaced the ticket we cached. */
  async configFor(url: string, { fresh = false } = {}): Promise<JssdkConfig> {
    const ticket = await this.ticket({ fresh })
    const timestamp = Math.floor(this.now() / 1000)
    const nonceStr = randomBytes(8).toString('hex')
    return { appId: this.appId, timestamp, nonceStr, signature: jssdkSignature(ticket, nonceStr, timestamp, url) }
  }
}
