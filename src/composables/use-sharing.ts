// Sharing a device (seed 003): what one device's owner sees and does, every invitation sent and received, and a
// scanned QR share. Each composable keeps its own lists and reloads them after a change; accepting a share or
// handing a device over reloads the devices store, since the user's list changed.
import { ref } from 'vue'
import type { NamedGuest, NamedSharing } from '@shared/api'
import { SharingStatus, type Guest, type Sharing, type SharingCodeInfo } from '@shared/open-api'
import { updateBinding } from '@/api/binding'
import * as api from '@/api/sharing'
import { failureText } from '@/components/feedback'
import { useDevicesStore } from '@/stores/devices'

/**
 * A guest's binding starts without a name, so the guest would see the product's ("空调") while the family calls it
 * "客厅空调": take the owner's name for it, once, when the guest has not named it. The guest may rename it later.
 */
async function takeOwnersName(did: string | undefined, ownersName: string): Promise<void> {
  const devices = useDevicesStore()
  const device = did ? devices.byDid(did) : undefined
  if (!device || !ownersName || device.dev_alias) return
  try {
    await updateBinding(device.did, { dev_alias: ownersName })
    device.dev_alias = ownersName
  } catch {
    // The device is shared all the same; it keeps the product's name.
  }
}

/** The other party of an invitation as people know them: the owner's note, their WeChat nickname, the cloud's name. */
export function partyName(sharing: NamedSharing): string {
  return sharing.user_alias || sharing.nickname || sharing.username || ''
}

/** Waiting for an answer: an unanswered invitation past its expiry is expired, not waiting. */
export function isOpen(sharing: Sharing, nowMs = Date.now()): boolean {
  return sharing.status === SharingStatus.WAITING && Date.parse(sharing.expired_at) > nowMs
}

/** The i18n key under `share.state` for this invitation. */
export function stateKey(sharing: Sharing, nowMs = Date.now()): string {
  return sharing.status === SharingStatus.WAITING && !isOpen(sharing, nowMs) ? 'expired' : String(sharing.status)
}

/** One device's sharing, as its owner manages it: guests, invitations, a QR, handing the device over. */
export function useDeviceSharing(did: () => string) {
  const devices = useDevicesStore()
  const guests = ref<NamedGuest[]>([])
  const sharings = ref<NamedSharing[]>([])
  const loadError = ref('')

  async function reload(): Promise<void> {
    try {
      const [guestList, sharingList] = await Promise.all([api.fetchGuests(did()), api.fetchSharings({ sharing_type: 0, did: did() })])
      guests.value = guestList
      sharings.value = sharingList.objects
      loadError.value = ''
    } catch (error) {
      loadError.value = failureText(error)
    }
  }
  const thenReload = async (work: Promise<unknown>): Promise<void> => {
    await work
    await reload()
  }

  return {
    guests,
    sharings,
    loadError,
    reload,
    /** A QR share for the person next to the owner; resolves to the QR's content. */
    shareByQr: async (): Promise<string> => {
      const content = await api.shareByQr(did())
      await reload()
      return content
    },
    invite: (uid: string) => thenReload(api.shareWithUser(did(), uid)),
    cancel: (sharing: Sharing) => thenReload(api.cancelSharing(sharing.id)),
    removeGuest: (guest: Guest) => thenReload(api.removeGuest(did(), guest.uid)),
    /** The owner's note for a guest (user_alias on the accepted share). */
    setNote: (sharingId: number, text: string) => thenReload(api.setGuestAlias(sharingId, text)),
    /** The guest becomes owner; this user's list changes. */
    transfer: async (guest: Guest): Promise<void> => {
      await api.transferOwnership(did(), guest.uid)
      await devices.load()
    },
  }
}

/** Every invitation: the ones this user sent and the ones sent to them. */
export function useSharings() {
  const devices = useDevicesStore()
  const sent = ref<NamedSharing[]>([])
  const received = ref<NamedSharing[]>([])
  const problem = ref('')

  async function reload(): Promise<void> {
    try {
      const [mine, theirs] = await Promise.all([api.fetchSharings({ sharing_type: 0 }), api.fetchSharings({ sharing_type: 1 })])
      sent.value = mine.objects
      received.value = theirs.objects
      problem.value = ''
    } catch (error) {
      problem.value = failureText(error)
    }
  }

  return {
    sent,
    received,
    problem,
    reload,
    answer: async (sharing: Sharing, accept: boolean): Promise<void> => {
      await api.answerSharing(sharing.id, accept)
      if (accept) {
        await devices.load()
        await takeOwnersName(sharing.did, sharing.dev_alias)
      }
      await reload()
    },
    cancel: async (sharing: Sharing): Promise<void> => {
      await api.cancelSharing(sharing.id)
      await reload()
    },
  }
}

/** A scanned QR share: what it offers, and accepting it. */
export function useSharingCode(code: string) {
  const devices = useDevicesStore()
  const info = ref<SharingCodeInfo | null>(null)

  return {
    info,
    load: async (): Promise<void> => {
      info.value = await api.fetchSharingCode(code)
    },
    /** Accepts the share; resolves to the did the user's list gained, if it shows which. */
    accept: async (): Promise<string | undefined> => {
      if (devices.status !== 'ready') await devices.load()
      const before = new Set(devices.list.map((device) => device.did))
      await api.acceptSharingCode(code)
      await devices.load()
      const added = devices.list.find((device) => !before.has(device.did))?.did
      await takeOwnersName(added, info.value?.dev_alias ?? '')
      return added
    },
  }
}
