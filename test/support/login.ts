// Logs a demo WeChat user into the BFF the way a phone does: BFF login → sandbox OAuth (silent, because the
// sandbox's "who is in WeChat" cookie names the user) → BFF callback. Returns the BFF's cookie header.
const SANDBOX_IDENTITY_COOKIE = 'sbx_wechat_openid'

function cookiesFrom(response: Response): string[] {
  return response.headers.getSetCookie().map((line) => line.split(';')[0])
}

function location(response: Response, base: string): string {
  const target = response.headers.get('location')
  if (!target || response.status < 300 || response.status >= 400) {
    throw new Error(`expected a redirect from ${base}, got ${response.status}`)
  }
  return new URL(target, base).toString()
}

/** `userinfo` logs in the way a tap on "use my WeChat nickname" does (snsapi_userinfo). */
export async function loginThroughSandbox(bffUrl: string, openid: string, next = '/', { userinfo = false } = {}): Promise<string> {
  const start = `${bffUrl}/auth/wechat/login?next=${encodeURIComponent(next)}${userinfo ? '&scope=userinfo' : ''}`
  const login = await fetch(start, { redirect: 'manual' })
  const bffCookies = cookiesFrom(login)
  const authorizeUrl = location(login, start)

  const authorize = await fetch(authorizeUrl, {
    redirect: 'manual',
    headers: { cookie: `${SANDBOX_IDENTITY_COOKIE}=${encodeURIComponent(openid)}` },
  })
  const callbackUrl = location(authorize, authorizeUrl)

  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: bffCookies.join('; ') } })
  location(callback, callbackUrl)
  const session = cookiesFrom(callback).filter((cookie) => cookie.startsWith('h5_session='))
  if (session.length === 0) throw new Error('the BFF set no session cookie')
  return session.join('; ')
}

/** A new demo WeChat user on the sandbox (its "create a user" page), for tests that need many distinct people. */
export async function newSandboxUser(sandboxUrl: string, nickname: string): Promise<string> {
  const response = await fetch(`${sandboxUrl}/sandbox/wechat/new-user?nickname=${encodeURIComponent(nickname)}`, { redirect: 'manual' })
  if (!response.ok) throw new Error(`the sandbox made no user: ${response.status}`)
  return ((await response.json()) as { openid: string }).openid
}
