// Template messages (cgi-bin/message/template/send), with WeChat's refusals turned into kinds callers act on.
import { wechatCall, type AccessTokenSource } from './access-token'
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
    return await accessToken.withToken((token) =>
      wechatCall<{ msgid: number }>(`${apiBase}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(message),
      }),
    )
  } catch (error) {
    if (error instanceof WeChatApiError) throw new TemplateMessageError(KINDS[error.errcode] ?? 'api_error', error.errcode, error.errmsg)
    throw error
  }
}
