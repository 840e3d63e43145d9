// A gateway's sub-devices and its pairing window, for the gateway panel. The sub-devices are the user's own
// devices whose `gw_did` is this gateway, from the devices store: a sub-device that joins is bound to the user by
// the cloud, the binding change arrives on the page socket and the store reloads, so it appears live. The
// window's countdown is kept here from the cloud's `pairing_left`; it closes by itself in the cloud too.
import { computed, ref, watch } from 'vue'
import type { BoundDevice } from '@shared/open-api'
import { updateBinding } from '@/api/binding'
import { fetchSubDevices, openPairing, removeSubDevice } from '@/api/gateway'
import { useCountdown } from '@/composables/use-countdown'
import { useDevicesStore } from '@/stores/devices'

/** How long the window stays open when the user opens it (Zigbee allows up to 254 s). */
export const PAIRING_SECONDS = 120

export function useGateway(gwDid: () => string) {
  const devices = useDevicesStore()
  const closesAt = ref<number | null>(null)
  const countdown = useCountdown(() => closesAt.value)
  const pairing = computed(() => closesAt.value !== null && countdown.secondsLeft.value > 0)
  const subDevices = computed<BoundDevice[]>(() => devices.list.filter((device) => device.type === 'sub_dev' && device.gw_did === gwDid()))
  /** Sub-devices that joined while this page had the window open, newest last: the user names them. */
  const joined = ref<string[]>([])
  let before = new Set<string>()

  watch(subDevices, (list) => {
    if (!pairing.value) return
    for (const device of list) if (!before.has(device.did) && !joined.value.includes(device.did)) joined.value.push(device.did)
  })

  async function load(): Promise<void> {
    const { pairing_left: left } = await fetchSubDevices(gwDid())
    closesAt.value = left > 0 ? Date.now() + left * 1000 : null
  }

  async function open(): Promise<void> {
    before = new Set(subDevices.value.map((device) => device.did))
    const { pairing_left: left } = await openPairing(gwDid(), PAIRING_SECONDS)
    closesAt.value = Date.now() + left * 1000
  }

  async function remove(did: string): Promise<void> {
    await removeSubDevice(gwDid(), did)
    joined.value = joined.value.filter((candidate) => candidate !== did)
    await devices.fetchList()
  }

  /** The user's name for a sub-device that just joined; it stays in the list of those to name until saved. */
  async function name(did: string, alias: string): Promise<void> {
    await updateBinding(did, { dev_alias: alias })
    const device = devices.byDid(did)
    if (device) device.dev_alias = alias
    joined.value = joined.value.filter((candidate) => candidate !== did)
  }

  return { subDevices, joined, pairing, secondsLeft: countdown.secondsLeft, countdownText: countdown.text, load, open, remove, name }
}
