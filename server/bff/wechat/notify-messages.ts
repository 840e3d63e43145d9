// The two WeChat channels beside template messages that the vendor's worker sends notices by: subscription notices
// (订阅通知, cgi-bin/message/subscribe/bizsend — a service account's, not the mini-program's subscribe/send: one
// consent from the user per notice, 43101 without one; `page` is the web page it opens) and customer-service
// messages (cgi-bin/message/custom/send, text with a link — only within 48 hours of the user's last message, menu
// click or scan, 45015 outside). Refusals come back as WeChatApiError with WeChat's errcode: the caller decides.
import { wechatCall, type AccessTokenSource } from './access-token'

export interface SubscribeMessage {
  touser: string
  template_id: string
  /** The web page the notice opens (a service account's notices jump to web pages). */
  page?: string
  data: Record<string, { value: string }>
}

export async function sendSubscribeMessage(apiBase: string, accessToken: AccessTokenSource, message: SubscribeMessage): Promise<void> {
  await accessToken.withToken((token) =>
    wechatCall(`${apiBase}/cgi-bin/message/subscribe/bizsend?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    }),
  )
}

export async function sendCustomText(apiBase: string, accessToken: AccessTokenSource, touser: string, content: string): Promise<void> {
  await accessToken.withToken((token) =>
    wechatCall(`${apiBase}/cgi-bin/message/custom/send?access_token=${encodeURIComponent(token)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ touser, msgtype: 'text', text: { content } }),
    }),
  )
}
