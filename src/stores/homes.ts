// The user's homes and rooms for the device list: which home is shown (remembered on this phone), its rooms in the
// owner's order, and which devices sit in each; a device the list has but the homes do not know yet (just bound)
// shows in 未分配 until the next load places it.
import { defineStore } from 'pinia'
import type { HomeView } from '@shared/homes'
import { fetchHomes } from '@/api/homes'

const CURRENT_KEY = 'home'
/** The wait after each failed load before the next try; null: the last try. */
const RETRY_MS = [1000, 3000, null] as const

function storedHome(): number | null {
  try {
    const value = Number(window.localStorage.getItem(CURRENT_KEY))
    return Number.isInteger(value) && value > 0 ? value : null
  } catch {
    return null
  }
}

export interface RoomGroup { id: number | null; name: string | null; dids: string[] }

let loading: Promise<void> | null = null

export const useHomesStore = defineStore('homes', {
  state: () => ({
    homes: [] as HomeView[],
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    chosen: storedHome(),
  }),
  getters: {
    /**
     * The home chosen on this phone; else the first with devices, so a member with an empty home of their own
     * (one is made for everyone) opens on the home shared with them rather than on nothing.
     */
    current(state): HomeView | null {
      return state.homes.find((home) => home.id === state.chosen) ?? state.homes.find((home) => home.devices.length > 0) ?? state.homes[0] ?? null
    },
  },
  actions: {
    /** `fresh`: after a change, a load already under way may predate it, so wait for it and load again. */
    load(fresh = false): Promise<void> {
      if (fresh && loading) return loading.then(() => this.load())
      loading ??= (async () => {
        if (this.status !== 'ready') this.status = 'loading'
        // A failed answer (the cloud busy while the BFF places new devices) is asked again twice, a little later:
        // until then, and if all fail, the list still shows every device, ungrouped.
        for (const wait of RETRY_MS) {
          try {
            this.homes = await fetchHomes()
            this.status = 'ready'
            return
          } catch {
            this.status = 'error'
            if (wait !== null) await new Promise((resolve) => setTimeout(resolve, wait))
          }
        }
      })().finally(() => (loading = null))
      return loading
    },
    choose(homeId: number): void {
      this.chosen = homeId
      try {
        window.localStorage.setItem(CURRENT_KEY, String(homeId))
      } catch {
        // Private mode: the choice lasts this visit.
      }
    },
    /**
     * The current home's rooms with their devices, 未分配 (id null) last; `listed` are the dids the list has. A
     * device in no home at all (bound since the last load) goes to the first home's 未分配.
     */
    groups(listed: readonly string[]): RoomGroup[] {
      const home = this.current
      if (!home) return []
      const placed = new Map(this.homes.flatMap((one) => one.devices.map((device) => [device.did, { home: one.id, room: device.room_id }] as const)))
      const inHome = listed.filter((did) => placed.get(did)?.home === home.id || (!placed.has(did) && home.id === this.homes[0]?.id))
      const groups: RoomGroup[] = home.rooms.map((room) => ({ id: room.id, name: room.name, dids: inHome.filter((did) => placed.get(did)?.room === room.id) }))
      groups.push({ id: null, name: null, dids: inHome.filter((did) => (placed.get(did)?.room ?? null) === null) })
      return groups.filter((group) => group.dids.length > 0)
    },
  },
})
