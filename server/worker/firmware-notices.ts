// "Your device has a firmware update": the owner is told in WeChat once per device, firmware type and version.
// Firmware availability is something a client asks the cloud for (GizDeviceOTA checkDeviceUpdate; there is no
// SNoti event for it), so the worker asks, as each known user (the way it reads their bindings), for the devices
// they own — when a device comes online (a device that was upgraded elsewhere, or a new version published while
// it was off) and on a slow timer. Each notice goes into the same outbox as alerts; its key names the version, so
// asking again adds nothing (INSERT OR IGNORE on notice_key) and no version is announced twice. Guests and normal
// users are not told: they cannot update. A forced version starts by itself in the cloud; the notice says so.
import type { HistoryStore } from '../bff/worker-seam'

interface Offer { current: string; latest: string | null; forced: boolean }
interface OtaAnswer { wifi: Offer; mcu: Offer; upgrade: { state: string; to_version: string; started_by: string } | null }
interface Binding { did: string; dev_alias: string; product_name?: string; role: string }

export interface FirmwareNoticeDeps {
  store: HistoryStore
  /** An Open API call as the user whose phone_id is `openid` (the worker's own login). */
  asUser: <T>(openid: string, path: string) => Promise<T>
  now: () => number
  log: (message: string) => void
}

/** Checks the owners' devices (all of them, or only `did`) and stores a notice for each version not yet announced. */
export async function checkFirmware(deps: FirmwareNoticeDeps, did?: string): Promise<void> {
  for (const { openid } of await deps.store.knownUsers()) {
    let devices: Binding[]
    try {
      devices = (await deps.asUser<{ devices: Binding[] }>(openid, '/app/bindings?limit=100&skip=0')).devices
    } catch (error) {
      deps.log(`bindings of ${openid} not read for firmware (${(error as Error).message}); next time`)
      continue
    }
    for (const device of devices) {
      if ((did && device.did !== did) || (device.role !== 'owner' && device.role !== 'special')) continue
      let ota: OtaAnswer
      try {
        ota = await deps.asUser<OtaAnswer>(openid, `/app/devices/${encodeURIComponent(device.did)}/ota`)
      } catch {
        continue
      }
      for (const type of ['wifi', 'mcu'] as const) {
        const offer = ota[type]
        if (!offer.latest || !(await deps.store.receives(openid, device.did))) continue
        const name = device.dev_alias || device.product_name || device.did
        const module = type === 'wifi' ? 'Wi-Fi 模组' : '主控'
        await deps.store.addNotice({
          notice_key: `ota:${device.did}:${type}:${offer.latest}:${openid}`, openid, did: device.did, device_name: name,
          title: offer.forced ? `重要固件更新 ${offer.latest}` : `固件可更新 ${offer.latest}`,
          detail: offer.forced ? `${module}将自动升级` : `${module}：点开设备查看并升级`,
          created_at: deps.now(), edge: 'fire', alert_key: `ota:${device.did}:${type}`,
        })
      }
    }
  }
}
