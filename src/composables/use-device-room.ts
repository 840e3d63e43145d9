// Where one device sits (its home and room) and moving it to another room, for the room picker of the gateway
// panel and of every device page. The homes store is the one source (the list groups by it), and a move is the
// homes page's own call (PUT /api/homes/devices/:did) followed by a fresh load of that store, so the list shows
// the device under its new room as soon as it is back. Only the home's owner moves devices; a member of a shared
// home sees the room (the BFF refuses them too).
import { computed, ref } from 'vue'
import type { HomeView } from '@shared/homes'
import { placeDevice } from '@/api/homes'
import { useHomesStore } from '@/stores/homes'

export interface Placement { home: HomeView; roomId: number | null }

export function useDeviceRoom(did: () => string, hub?: () => string | undefined) {
  const homes = useHomesStore()
  /** The room asked for and not yet confirmed by the store, so the picker answers the tap at once. */
  const pending = ref<{ roomId: number | null } | null>(null)
  let queue: Promise<unknown> = Promise.resolve()

  const placementOf = (which: string | undefined): Placement | null => {
    for (const home of homes.homes) {
      const placed = home.devices.find((device) => device.did === which)
      if (placed) return { home, roomId: placed.room_id }
    }
    return null
  }
  const placement = computed(() => placementOf(did()))
  const hubPlacement = computed(() => (hub ? placementOf(hub()) : null))
  /**
   * The home the device is arranged in; for a sub-device the homes do not know yet (it just joined), its hub's
   * home when the user owns it, else their first own home — where the BFF puts any new device.
   */
  const home = computed<HomeView | null>(() => {
    if (placement.value) return placement.value.home
    const hubHome = hubPlacement.value?.home
    return hubHome?.role === 'owner' ? hubHome : homes.homes.find((one) => one.role === 'owner') ?? null
  })
  const roomId = computed(() => (pending.value ? pending.value.roomId : placement.value?.roomId ?? null))
  const roomName = computed(() => home.value?.rooms.find((room) => room.id === roomId.value)?.name ?? null)
  const editable = computed(() => home.value?.role === 'owner')

  /**
   * The last visit's layout (the first-screen cache) answers at once, so a device page opened straight from a
   * WeChat notice costs no extra request (reads are budgeted per user); the homes are asked when they know nothing
   * of this device, or when `fresh` (the owner is about to move it).
   */
  async function ready(fresh = false): Promise<void> {
    if (homes.status !== 'ready' && (fresh || !placementOf(did()))) await homes.load()
  }

  /** Puts the device in a room (null: 未分配) of its home, or of `homeId`; moves run one after another. */
  function move(target: number | null, homeId = home.value?.id): Promise<void> {
    const run = queue.then(async () => {
      if (homeId === undefined) return
      pending.value = { roomId: target }
      try {
        await placeDevice(did(), homeId, target)
        await homes.load(true)
      } finally {
        pending.value = null
      }
    })
    queue = run.catch(() => undefined)
    return run
  }

  /**
   * A sub-device that just joined goes where its hub is (Mi Home and Tuya do the same), unless it already has a
   * room: the user then only changes it when the hub's room is not the one they want.
   */
  async function followHub(): Promise<void> {
    await ready()
    const at = hubPlacement.value
    if (!at || at.home.role !== 'owner' || (placement.value && placement.value.roomId !== null)) return
    if (placement.value?.home.id === at.home.id && at.roomId === null) return
    await move(at.roomId, at.home.id)
  }

  return { home, roomId, roomName, editable, placement, ready, move, followHub }
}
