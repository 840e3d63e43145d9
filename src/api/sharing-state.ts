// What an invitation's status means to the user: an unanswered one past its expiry is expired, not waiting.
import { SharingStatus, type Sharing } from '@shared/open-api'

export function isOpen(sharing: Sharing, nowMs = Date.now()): boolean {
  return sharing.status === SharingStatus.WAITING && Date.parse(sharing.expired_at) > nowMs
}

/** The i18n key under `share.state` for this invitation. */
export function stateKey(sharing: Sharing, nowMs = Date.now()): string {
  return sharing.status === SharingStatus.WAITING && !isOpen(sharing, nowMs) ? 'expired' : String(sharing.status)
}
