// Firmware: every device's Wi-Fi module and MCU versions, each product's published firmware (the catalogue the
// vendor fills in Gizwits' console; here `POST /sandbox/firmware`), and upgrades as Gizwits' OTA runs them
// (GizDeviceOTA in GizWifiSDK: check → {latest, current} per firmware type, upgrade one type, status pushed while it
// runs: downloading, download OK, installing, rebooting, done, or failed with 8353/8357/8358). An upgrade starts
// only when a user asks, unless the catalogue marks the version forced; a device that drops offline before it
// reboots fails the upgrade and keeps its old version.
import { EventEmitter } from 'node:events'
import type { SandboxClock } from './clock'
import type { Devices } from './devices'
import { ErrorCode, GizwitsFailure } from './gizwits-errors'
import type { CatalogueRow, FirmwareType, GatewayStore } from './store/gateways'

export type { FirmwareType } from './store/gateways'

/** What a Wi-Fi module reports unless its product folder says otherwise (the value bindings carried before). */
const DEFAULT_WIFI = '04020020'
const DEFAULT_MCU = '01000000'

export type OtaState = 'downloading' | 'installing' | 'rebooting' | 'done' | 'failed'

/** Why an upgrade failed: GizWifiSDK's OTA codes, and the device dropping off. */
export const OtaFailure = {
  download_failed: 8353,
  verify_failed: 8357,
  upgrade_failed: 8358,
  device_offline: 9042,
} as const
export type OtaFailureReason = keyof typeof OtaFailure

export interface OtaStatus {
  firmware_type: FirmwareType
  state: OtaState
  /** 0–100 while downloading; 100 after. */
  progress: number
  from_version: string
  to_version: string
  /** `user` when the owner confirmed it, `forced` when the catalogue's forced version started it. */
  started_by: 'user' | 'forced'
  reason: OtaFailureReason | null
  error_code: number | null
  updated_at: number
}

export interface FirmwareOffer { current: string; latest: string | null; notes: string | null; forced: boolean }

interface FirmwareEvents {
  ota: [did: string, status: OtaStatus]
  /** A version was published for a product (the cloud's "device has an update" notice, GizDeviceOTA didNotifyDeviceUpdate). */
  published: [productKey: string, row: CatalogueRow]
}

/** Versions are 8 hex digits (`04020020`); a longer or differently cased one still compares by value. */
const newer = (candidate: string, current: string): boolean => parseInt(candidate, 16) > parseInt(current, 16)

export class Firmware extends EventEmitter<FirmwareEvents> {
  private readonly versions: Map<string, { wifi: string; mcu: string }>
  private readonly jobs = new Map<string, OtaStatus>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private readonly failNext = new Map<string, OtaFailureReason>()

  constructor(private readonly store: GatewayStore, private readonly devices: Devices, private readonly clock: SandboxClock, private readonly stepMs: () => number) {
    super()
    this.setMaxListeners(0)
    this.versions = store.versions()
    devices.on('online', (did, online) => {
      const job = this.jobs.get(did)
      if (!online && job && (job.state === 'downloading' || job.state === 'installing')) this.fail(did, 'device_offline')
    })
  }

  versionsOf(did: string): { wifi: string; mcu: string } {
    const known = this.versions.get(did)
    if (known) return known
    const seed = this.devices.get(did)?.seed.firmware
    return { wifi: seed?.wifi ?? DEFAULT_WIFI, mcu: seed?.mcu ?? DEFAULT_MCU }
  }

  catalogue(productKey: string): CatalogueRow[] {
    return this.store.catalogue().filter((row) => row.product_key === productKey)
  }

  /** GizDeviceOTA checkDeviceUpdate: per firmware type, the current version and a newer published one, if any. */
  check(did: string): Record<FirmwareType, FirmwareOffer> {
    const device = this.devices.get(did)!
    const current = this.versionsOf(did)
    const offer = (type: FirmwareType): FirmwareOffer => {
      const row = this.catalogue(device.seed.product_key).find((candidate) => candidate.firmware_type === type)
      return row && newer(row.version, current[type])
        ? { current: current[type], latest: row.version, notes: row.notes, forced: row.forced }
        : { current: current[type], latest: null, notes: null, forced: false }
    }
    return { wifi: offer('wifi'), mcu: offer('mcu') }
  }

  status(did: string): OtaStatus | null {
    return this.jobs.get(did) ?? null
  }

  /** The vendor publishes a version; a forced one starts on every online device of the product that lacks it. */
  publish(productKey: string, type: FirmwareType, version: string, notes: string, forced: boolean): CatalogueRow {
    const row: CatalogueRow = { product_key: productKey, firmware_type: type, version, notes, forced, published_at: this.clock.nowS() }
    this.store.publish(row)
    this.emit('published', productKey, row)
    if (forced) {
      for (const device of this.devices.values()) {
        if (device.seed.product_key !== productKey || !device.online || this.running(device.seed.did)) continue
        if (this.check(device.seed.did)[type].latest) this.upgrade(device.seed.did, type, 'forced')
      }
    }
    return row
  }

  /** The next upgrade of this device fails this way (the control surface's fault injection). */
  failNextUpgrade(did: string, reason: OtaFailureReason): void {
    this.failNext.set(did, reason)
  }

  private running(did: string): boolean {
    const state = this.jobs.get(did)?.state
    return state === 'downloading' || state === 'installing' || state === 'rebooting'
  }

  /** GizDeviceOTA upgradeDevice: download, install, reboot, then report the new version. */
  upgrade(did: string, type: FirmwareType, startedBy: 'user' | 'forced' = 'user'): OtaStatus {
    const device = this.devices.get(did)
    if (!device) throw new GizwitsFailure(ErrorCode.DEVICE_NOT_FOUND)
    if (!device.online) throw new GizwitsFailure(ErrorCode.DEVICE_OFFLINE)
    if (this.running(did)) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'device busy: an upgrade is running (8354)')
    const offer = this.check(did)[type]
    if (!offer.latest) throw new GizwitsFailure(ErrorCode.FIRMWARE_NOT_FOUND)
    this.set(did, { firmware_type: type, state: 'downloading', progress: 0, from_version: offer.current, to_version: offer.latest, started_by: startedBy, reason: null, error_code: null, updated_at: this.clock.nowS() })
    const steps: Array<() => void> = [
      () => this.advance(did, { progress: 50 }),
      () => (this.failNext.get(did) === 'download_failed' ? this.fail(did, 'download_failed') : this.advance(did, { progress: 100 })),
      () => (this.failNext.get(did) === 'verify_failed' ? this.fail(did, 'verify_failed') : this.advance(did, { state: 'installing' })),
      () => (this.failNext.get(did) === 'upgrade_failed' ? this.fail(did, 'upgrade_failed') : this.reboot(did)),
      () => this.finish(did),
    ]
    const run = (index: number) => {
      const timer = setTimeout(() => {
        this.timers.delete(did)
        if (!this.running(did)) return
        steps[index]()
        if (index + 1 < steps.length && this.running(did)) run(index + 1)
      }, this.stepMs())
      this.timers.set(did, timer)
    }
    run(0)
    return this.jobs.get(did)!
  }

  private set(did: string, status: OtaStatus): void {
    this.jobs.set(did, status)
    this.emit('ota', did, { ...status })
  }

  private advance(did: string, change: Partial<OtaStatus>): void {
    this.set(did, { ...this.jobs.get(did)!, ...change, updated_at: this.clock.nowS() })
  }

  /** The module restarts into the new image: offline for a moment, then back. */
  private reboot(did: string): void {
    this.advance(did, { state: 'rebooting' })
    this.devices.setOnline(did, false)
  }

  private finish(did: string): void {
    const job = this.jobs.get(did)!
    const versions = { ...this.versionsOf(did), [job.firmware_type]: job.to_version }
    this.versions.set(did, versions)
    this.store.saveVersions(did, versions)
    this.devices.setOnline(did, true)
    this.advance(did, { state: 'done' })
  }

  private fail(did: string, reason: OtaFailureReason): void {
    clearTimeout(this.timers.get(did))
    this.timers.delete(did)
    this.failNext.delete(did)
    this.advance(did, { state: 'failed', reason, error_code: OtaFailure[reason] })
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer)
    this.timers.clear()
  }
}
