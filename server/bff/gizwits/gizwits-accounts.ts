// The Gizwits user behind each WeChat user: logs in with phone_id = openid when there is no token or it is
// about to expire, and once more when the cloud says the token is invalid or expired. One login in flight per user.
import { GizwitsErrorCode } from '@shared/open-api'
import type { GizwitsCredentials, UserRepository } from '../store/user-repository'
import { GizwitsApiError, type OpenApiClient } from './open-api-client'

const REFRESH_MARGIN_S = 500

export class GizwitsAccounts {
  private logins = new Map<string, Promise<GizwitsCredentials>>()

  constructor(private readonly client: OpenApiClient, private readonly users: UserRepository) {}

  async credentials(openid: string, { fresh = false } = {}): Promise<GizwitsCredentials> {
    const stored = await this.users.credentials(openid)
    if (!fresh && stored && stored.expireAt - REFRESH_MARGIN_S > Date.now() / 1000) return stored
    return this.login(openid)
  }

  private login(openid: string): Promise<GizwitsCredentials> {
    let pending = this.logins.get(openid)
    if (!pending) {
      pending = this.client
        .createAnonymousUser(openid)
        .then(async (token) => {
          const credentials = { uid: token.uid, token: token.token, expireAt: token.expire_at }
          await this.users.saveCredentials(openid, credentials)
          return credentials
        })
        .finally(() => this.logins.delete(openid))
      this.logins.set(openid, pending)
    }
    return pending
  }

  /** Runs a call with the user's token, logging in again once if the cloud rejects the token. */
  async withToken<T>(openid: string, call: (token: string, uid: string) => Promise<T>): Promise<T> {
    const first = await this.credentials(openid)
    try {
      return await call(first.token, first.uid)
    } catch (error) {
      if (!isTokenRejection(error)) throw error
      const second = await this.credentials(openid, { fresh: true })
      return call(second.token, second.uid)
    }
  }
}

export function isTokenRejection(error: unknown): boolean {
  return error instanceof GizwitsApiError && (error.code === GizwitsErrorCode.TOKEN_INVALID || error.code === GizwitsErrorCode.TOKEN_EXPIRED)
}
