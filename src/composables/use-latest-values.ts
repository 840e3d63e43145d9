// A device's current values over REST (`latest`): the socket only pushes changes, so the device page starts from
// these and takes them again when it comes back to the foreground. Live reports that arrived first stay newer.
import { fetchLatest } from '@/api/devices'
import { fromRestAttrs } from '@/live/rest-attrs'
import { useDevicesStore } from '@/stores/devices'
import { useLiveStore } from '@/stores/live'

export function useLatestValues() {
  const devices = useDevicesStore()
  const live = useLiveStore()
  /** Loads the product definition (to read REST's encodings) and the latest values into the live store. */
  return async function loadLatest(did: string, productKey: string): Promise<void> {
    await devices.loadProduct(productKey)
    const latest = await fetchLatest(did)
    live.applyLatest(did, fromRestAttrs(devices.attrsOf(productKey), latest.attr))
  }
}
