// Gizwits users as seed 003's 用户管理 describes them: anonymous users (phone_id, what the product uses), users with a
// username or email and a password, `POST /app/login`, and `GET/PUT /app/users` (profile, conversion of an anonymous
// user, password change). Official SDKs and older apps still make these calls, so a faithful cloud serves them.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import { objectBody, optionalString, userFrom } from './gizwits-http'
import type { UserRow } from './store/database'
import type { World } from './world'

const LANGS = ['en', 'zh-cn']
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{1,63}$/
const USERNAME = /^[^\s]{1,64}$/
const BIRTHDAY = /^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/

/** Seed 003: at least 8 characters, from at least 3 of upper case, lower case, digits and other symbols. */
function weakPassword(password: string): string | null {
  if (password.length < 8 || password.length > 128) return 'password must be 8 to 128 characters'
  const kinds = [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z\d]/].filter((kind) => kind.test(password)).length
  return kinds >= 3 ? null : 'password must mix at least 3 of: upper case, lower case, digits, symbols'
}

function hashPassword(password: string): string {
  const salt = randomBytes(16)
  return `scrypt:${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`
}

function passwordMatches(stored: string | null, password: string): boolean {
  const [scheme, salt, hash] = (stored ?? '').split(':')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  return timingSafeEqual(Buffer.from(hash, 'hex'), scryptSync(password, Buffer.from(salt, 'hex'), 32))
}

const isAnonymous = (user: UserRow) => user.phone_id !== null && !user.username && !user.email && !user.phone

function profileJson(user: UserRow): Record<string, unknown> {
  return {
    uid: user.uid,
    username: user.username ?? '',
    phone: user.phone ?? '',
    email: user.email ?? '',
    name: user.name ?? '',
    gender: user.gender ?? 'N',
    birthday: user.birthday ?? '',
    address: user.address ?? '',
    lang: user.lang,
    remark: user.remark ?? '',
    is_anonymous: isAnonymous(user),
  }
}

export async function gizwitsAccountHttp(app: FastifyInstance, options: { world: World; appId: string }): Promise<void> {
  const { world } = options
  const userOf = userFrom(world, options.appId)
  const checkApp = (request: FastifyRequest) => {
    const appId = request.headers['x-gizwits-application-id']
    if ((Array.isArray(appId) ? appId[0] : appId) !== options.appId) throw new GizwitsFailure(ErrorCode.APPID_INVALID)
  }
  const langOf = (body: Record<string, unknown>): string | undefined => {
    const lang = optionalString(body, 'lang')
    if (lang !== undefined && !LANGS.includes(lang)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'lang must be en or zh-cn')
    return lang
  }
  const strongPassword = (password: string | undefined): string => {
    if (!password) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'password is required')
    const problem = weakPassword(password)
    if (problem) throw new GizwitsFailure(ErrorCode.FORM_INVALID, problem)
    return password
  }

  app.post('/app/users', async (request, reply) => {
    checkApp(request)
    const body = objectBody(request)
    const lang = langOf(body)
    const phoneId = optionalString(body, 'phone_id')
    if (phoneId !== undefined) {
      if (!phoneId || phoneId.length > 128) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'phone_id must be 1 to 128 characters')
      const { uid } = world.accounts.userForPhoneId(phoneId)
      return reply.status(201).send(world.accounts.issueToken(uid))
    }
    const username = optionalString(body, 'username')
    const email = optionalString(body, 'email')
    if (username !== undefined || email !== undefined) {
      if (username !== undefined && !USERNAME.test(username)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'username must be 1 to 64 characters without spaces')
      if (email !== undefined && !EMAIL.test(email)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'email is not an email address')
      const password = strongPassword(optionalString(body, 'password'))
      if (username !== undefined && world.accounts.loginTaken('username', username)) throw new GizwitsFailure(ErrorCode.USERNAME_UNAVAILABLE)
      if (email !== undefined && world.accounts.loginTaken('email', email)) throw new GizwitsFailure(ErrorCode.EMAIL_UNAVAILABLE)
      const { uid } = world.accounts.createPasswordUser({ username, email, passwordHash: hashPassword(password), lang: lang ?? 'en' })
      return reply.status(201).send(world.accounts.issueToken(uid))
    }
    if (body.phone !== undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'the sandbox sends no SMS codes: register by phone_id, username or email')
    if (body.src !== undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'the sandbox has no third-party login: register by phone_id, username or email')
    throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'give phone_id, username and password, or email and password')
  })

  app.post('/app/login', async (request) => {
    checkApp(request)
    const body = objectBody(request)
    const login = optionalString(body, 'username')
    const password = optionalString(body, 'password')
    if (!login || !password) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'username and password are required')
    const lang = langOf(body)
    const user = world.accounts.byLogin(login)
    if (!user || !passwordMatches(user.password_hash, password)) throw new GizwitsFailure(ErrorCode.USERNAME_OR_PASSWORD_ERROR)
    if (lang && lang !== user.lang) world.accounts.update(user.uid, { lang })
    return world.accounts.issueToken(user.uid)
  })

  app.get('/app/users', async (request) => {
    const user = world.accounts.profile(userOf(request))
    if (!user) throw new GizwitsFailure(ErrorCode.USER_NOT_EXIST)
    return profileJson(user)
  })

  app.put('/app/users', async (request) => {
    const uid = userOf(request)
    const user = world.accounts.profile(uid)
    if (!user) throw new GizwitsFailure(ErrorCode.USER_NOT_EXIST)
    const body = objectBody(request)
    const changes: Partial<UserRow> = {}

    const username = optionalString(body, 'username')
    const email = optionalString(body, 'email')
    if (username !== undefined || email !== undefined) {
      // Seed 003: username (or email) with password turns an anonymous user into a normal one.
      if (!isAnonymous(user)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'only an anonymous user can become a username or email user')
      if (username !== undefined && !USERNAME.test(username)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'username must be 1 to 64 characters without spaces')
      if (email !== undefined && !EMAIL.test(email)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'email is not an email address')
      const password = strongPassword(optionalString(body, 'password'))
      if (username !== undefined && world.accounts.loginTaken('username', username, uid)) throw new GizwitsFailure(ErrorCode.USERNAME_UNAVAILABLE)
      if (email !== undefined && world.accounts.loginTaken('email', email, uid)) throw new GizwitsFailure(ErrorCode.EMAIL_UNAVAILABLE)
      Object.assign(changes, { username, email, password_hash: hashPassword(password) })
    } else if (body.password !== undefined) {
      throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'password goes with username or email; to change it give old_pwd and new_pwd')
    }
    if (body.phone !== undefined || body.code !== undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'the sandbox sends no SMS codes: phone numbers cannot be set')

    const oldPassword = optionalString(body, 'old_pwd')
    const newPassword = optionalString(body, 'new_pwd')
    if (oldPassword !== undefined || newPassword !== undefined) {
      if (oldPassword === undefined || newPassword === undefined) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'old_pwd and new_pwd go together')
      if (!passwordMatches(user.password_hash, oldPassword)) throw new GizwitsFailure(ErrorCode.USERNAME_OR_PASSWORD_ERROR)
      changes.password_hash = hashPassword(strongPassword(newPassword))
    }

    for (const field of ['name', 'address', 'remark'] as const) {
      const value = optionalString(body, field)
      if (value !== undefined && value.length > 256) throw new GizwitsFailure(ErrorCode.FORM_INVALID, `${field} is at most 256 characters`)
      if (value !== undefined) changes[field] = value
    }
    const gender = optionalString(body, 'gender')
    if (gender !== undefined && !['M', 'F', 'N'].includes(gender)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'gender must be M, F or N')
    if (gender !== undefined) changes.gender = gender
    const birthday = optionalString(body, 'birthday')
    if (birthday !== undefined && birthday !== '' && !BIRTHDAY.test(birthday)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'birthday must be YYYY-MM-DD or MM-DD')
    if (birthday !== undefined) changes.birthday = birthday
    const lang = langOf(body)
    if (lang !== undefined) changes.lang = lang

    if (Object.keys(changes).length === 0) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'nothing to change')
    const updated = world.accounts.update(uid, changes)
    return { updatedAt: updated.updated_at }
  })
}
