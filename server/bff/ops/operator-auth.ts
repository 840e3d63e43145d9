// Who is an operator. Two ways in, both checked on the server for every request under /ops: the configured
// OPERATOR_TOKEN, typed once into the page's form, which leaves a signed cookie of its own (never the users' session);
// or a WeChat user listed in OPERATOR_OPENIDS, signed in through the app's normal WeChat login. A signed-in user who
// is neither is refused (403); nothing of the operator's view is in the SPA's bundles.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config'
import type { Session } from '../store/session-store'

export const OPERATOR_COOKIE = 'h5_ops'
/** An operator's sign-in lasts a working day; a changed OPERATOR_TOKEN ends every one at once. */
const OPERATOR_SESSION_MS = 12 * 3600_000

export type Operator = { via: 'token' } | { via: 'openid'; openid: string }
export type Verdict = { operator: Operator } | { refused: 'not_operator' | 'not_signed_in' }

/** Compares the hashes, never the texts: equal lengths whatever is typed, and a constant-time comparison. */
export function tokenMatches(config: Config, given: string): boolean {
  const expected = config.operator.tokenHash
  if (!expected) return false
  return timingSafeEqual(createHash('sha256').update(given).digest(), expected)
}

/** Ties a cookie to the token in force: a new OPERATOR_TOKEN makes every older cookie worthless. */
function cookieMac(config: Config, expiresAt: number): string {
  return createHmac('sha256', config.operator.tokenHash ?? Buffer.alloc(0)).update(`ops:${expiresAt}`).digest('base64url')
}

export function setOperatorCookie(config: Config, reply: FastifyReply, now = Date.now()): void {
  const expiresAt = now + OPERATOR_SESSION_MS
  reply.setCookie(OPERATOR_COOKIE, `${expiresAt}.${cookieMac(config, expiresAt)}`, {
    signed: true, httpOnly: true, sameSite: 'strict', path: '/ops', secure: config.publicUrl?.startsWith('https:') ?? false, maxAge: OPERATOR_SESSION_MS / 1000,
  })
}

export function clearOperatorCookie(reply: FastifyReply): void {
  reply.clearCookie(OPERATOR_COOKIE, { path: '/ops' })
}

function tokenCookieValid(config: Config, request: FastifyRequest, now: number): boolean {
  const raw = request.cookies[OPERATOR_COOKIE]
  if (!raw || !config.operator.tokenHash) return false
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return false
  const [at, mac] = unsigned.value.split('.')
  const expiresAt = Number(at)
  if (!Number.isInteger(expiresAt) || expiresAt <= now || !mac) return false
  const expected = Buffer.from(cookieMac(config, expiresAt))
  const given = Buffer.from(mac)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export async function operatorVerdict(config: Config, request: FastifyRequest, sessionOf: (request: FastifyRequest) => Promise<Session | null>, now = Date.now()): Promise<Verdict> {
  if (tokenCookieValid(config, request, now)) return { operator: { via: 'token' } }
  const session = await sessionOf(request)
  if (session && config.operator.openids.has(session.openid)) return { operator: { via: 'openid', openid: session.openid } }
  return { refused: session ? 'not_operator' : 'not_signed_in' }
}
