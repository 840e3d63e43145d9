// What the page needs from WeChat's server side: the wx.config signature for one of our own pages.
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ApiErrorBody } from '@shared/api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { WeChatApiError } from '../wechat/errors'
import type { RouteScope } from './route-schemas'

export const JssdkConfig = Type.Object({ appId: Type.String(), timestamp: Type.Integer(), nonceStr: Type.String(), signature: Type.String() })

function ownOrigin(context: Context, request: FastifyRequest): string {
  return context.config.publicUrl ?? `${request.protocol}://${request.host}`
}

export async function wechatRoutes(app: RouteScope, context: Context): Promise<void> {
  app.get('/api/wechat/jssdk-config', {
    schema: {
      querystring: Type.Object({ url: Type.String({ minLength: 1, maxLength: 2048 }), refresh: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })) }, { additionalProperties: false }),
      response: { 200: JssdkConfig, 400: ApiErrorBody, 502: ApiErrorBody },
    },
  }, async (request) => {
    const { url, refresh } = request.query
    let origin: string
    try {
      origin = new URL(url).origin
    } catch {
      throw new ApiError(400, 'url_not_ours', 'url_not_ours')
    }
    if (origin !== ownOrigin(context, request)) throw new ApiError(400, 'url_not_ours', 'url_not_ours')
    try {
      return await context.wechat.jsapiTicket.configFor(url, { fresh: refresh === 1 })
    } catch (error) {
      if (error instanceof WeChatApiError) throw new ApiError(502, 'wechat_unavailable', 'wechat_unavailable', {}, `${error.errcode}`)
      throw error
    }
  })
}
