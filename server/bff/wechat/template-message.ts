// Template messages (cgi-bin/message/template/send), with WeChat's refusals turned into kinds callers act on.
import { wechatCall, type AccessTokenSource } from './access-token'
import { wechatQuota, wechatTemplateSentTotal } from '../ops/metrics'
import { WeChatApiError, WeChatErrcode } from './errors'

export interface TemplateMessage {
  touser: string
  template_id: string
  url?: string
  client_msg_id?: string
  data: Record<string, { value: string }>
}

export type TemplateFailure = 'not_subscribed' | 'bad_template' | 'quota' | 'bad_openid' | 'api_error'

export class TemplateMessageError extends Error {
  constructor(readonly kind: TemplateFailure, readonly errcode: number, errmsg: string) {
    super(`template message refused (${kind}, ${errcode}): ${errmsg}`)
  }
}

const KINDS: Record<number, TemplateFailure> = {
  [WeChatErrcode.NOT_SUBSCRIBED]: 'not_subscribed',
  [WeChatErrcode.INVALID_TEMPLATE_ID]: 'bad_template',
  [WeChatErrcode.QUOTA_REACHED]: 'quota',
  [WeChatErrcode.INVALID_OPENID]: 'bad_openid',
}

export async function sendTemplateMessage(apiBase: string, accessToken: AccessTokenSource, message: TemplateMessage): Promise<{ msgid: number }> {
  try {
    const sent = await accessToken.withToken((token) =>
      wechatCall<{ msgid: number }>(`${apiBase}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      }),
    )
    wechatTemplateSentTotal.inc()
    return sent
  } catch (error) {
    if (error instanceof WeChatApiError) throw new TemplateMessageError(KINDS[error.errcode] ?? 'api_error', error.errcode, error.errmsg)
    throw error
  }
}

export interface TemplateQuota { daily_limit: number; used: number; remain: number }

/**
 * Today's template-message quota as WeChat counts it (cgi-bin/openapi/quota/get for the send path): what the
 * operator watches before 45009 starts holding notices back. Kept in the h5_wechat_template_quota gauge too.
 */
export async function templateQuota(apiBase: string, accessToken: AccessTokenSource): Promise<TemplateQuota> {
  const { quota } = await accessToken.withToken((token) =>
    wechatCall<{ quota: TemplateQuota }>(`${apiBase}/cgi-bin/openapi/quota/get?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cgi_path: '/cgi-bin/message/template/send' }),
    }),
  )
  for (const kind of ['daily_limit', 'used', 'remain'] as const) wechatQuota.set({ kind }, quota[kind])
  return quota
}
