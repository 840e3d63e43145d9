// Getting devices in and out of the user's list and naming them. Every change reloads the devices store here, in
// one place, so no page can forget to and the list, the device page and the live subscriptions follow.
import type { ProductSummary } from '@shared/api'
import { GizwitsErrorCode, type BindingUpdateBody } from '@shared/open-api'
import * as api from '@/api/binding'
import { ApiError } from '@/api/http'
import { useDevicesStore } from '@/stores/devices'

/** The device already has an owner, so a second person cannot bind it (they need to be shared it instead). */
export function isOwnerTaken(error: unknown): boolean {
  return error instanceof ApiError && error.body?.error_code === GizwitsErrorCode.OWNER_EXISTS
}

export function useBinding() {
  const devices = useDevicesStore()
  const changed = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work
    await devices.load()
    return result
  }
  return {
    /** A signed device label (product_key + MAC + the label's signature). */
    bindByLabel: (productKey: string, mac: string, sig: string) => changed(api.bindByLabel(productKey, mac, sig)),
    /** The Gizwits app QR form, or a device that answered on the LAN after Wi-Fi setup. */
    bindByPasscode: (did: string, passcode: string) => changed(api.bindByPasscode(did, passcode)),
    /** A code made by Gizwits' QR service. */
    bindByQrService: (content: string) => changed(api.bindByQrService(content)),
    unbind: (did: string) => changed(api.unbindDevice(did)),
    /** The user's own name and note for a device. */
    rename: (did: string, fields: BindingUpdateBody) => changed(api.updateBinding(did, fields)),
    /** The products a user can set up over Wi-Fi. */
    products: (): Promise<ProductSummary[]> => api.fetchProducts(),
  }
}
