// Who is signed in: the page asks on start, and a 401 sends it to the silent WeChat login. The nickname is the one
// the user gave through snsapi_userinfo (null until they tap something that asks for it).
import { ApiErrorBody, Me } from '@shared/api'
import type { Context } from '../context'
import type { RouteScope } from './route-schemas'

export async function meRoutes(app: RouteScope, context: Context): Promise<void> {
  app.get('/api/me', { schema: { response: { 200: Me, 401: ApiErrorBody } } }, async (request) => {
    const { openid } = request
    const credentials = await context.accounts.credentials(openid)
    return { openid, uid: credentials.uid, nickname: await context.users.nickname(openid) }
  })
}
