// What a virtual product is to the sandbox, one folder each (server/sandbox/README.md, "Adding a product"):
// `definition.json`, the product's datapoints in Gizwits' own format (what `GET /app/datapoint` answers), and
// `index.ts`, a `ProductModule`: what the cloud keeps beside the definition, the devices on the shelf, and how
// those devices behave. Nothing outside a product's folder knows which product it is.
import type { AttrItem, Attrs, AttrValue, ProductDefinition } from '@shared/open-api'

/** One virtual device of the product, as it leaves the factory. */
export interface DeviceSeed {
  did: string
  /** 12 lower-case hex digits. */
  mac: string
  /** What proves possession when binding by did (`POST /app/bindings`); printed on the Gizwits app's QR form. */
  passcode: string
  /** Online on an empty store. */
  online: boolean
  /** Drops offline now and then in 'live' mode. */
  flaky?: boolean
  /** Firmware versions as it leaves the factory (Gizwits' 8-digit form, e.g. `04020020`); defaults below. */
  firmware?: { wifi?: string; mcu?: string }
}

/** What a device is to the cloud (the `type` of a binding, seed 003): on its own, a central-control gateway, or a
 * sub-device that reaches the cloud only through a gateway (gateways.ts). */
export type DeviceKind = 'normal' | 'center_control' | 'sub_dev'

/** One 'live' tick of one device: what its behaviour sees, and the helpers it changes values with. */
export interface Tick {
  /** The device's values before this tick. */
  readonly attrs: Readonly<Attrs>
  /** What this tick changes; automations may write here directly (`next.pump = true`). */
  readonly next: Attrs
  /** A value as a number (0 when it is not one). */
  num: (value: AttrValue | undefined) => number
  /** Sets a numeric datapoint, snapped to its grid and range; no change when the snapped value is the same. */
  set: (name: string, value: number) => void
  /** Raises or clears a boolean (an alarm, a motion sensor); no change when it already is. */
  flag: (name: string, on: boolean) => void
  /** Uniform noise within ±size. */
  jitter: (size: number) => number
  /** A rare fault that fires now and then and clears itself a few ticks later. */
  fault: (name: string) => void
  /** The hour of the day where the device is (China time, 0 ≤ hour < 24, fractional): for daily cycles. */
  hour: number
}

export interface ProductModule {
  /** What the cloud keeps beside the definition: the secret `bind_mac` signs with, and whether device sharing is on
   * (sharing decides the roles bindings get, seed 003 设备绑定). */
  cloud: { productSecret: string; sharing: boolean }
  /** `center_control` for a gateway, `sub_dev` for a product that joins one (normal when left out). */
  kind?: DeviceKind
  /** The product's virtual devices. */
  devices: DeviceSeed[]
  /** Plausible first readings on an empty store, so a new demo looks alive at once (display values). Datapoints
   * left out start at their lowest value, false, the first enum item or zero bytes. */
  startingValues: Attrs
  /** What the device does by itself every tick in 'live' mode: sensors drift, automations run, alarms and faults. */
  tick?: (tick: Tick) => void
  /** What its owner typically does with it at this hour (China time) — the air conditioner switched on in the
   * evening — applied as writes while the sandbox generates the weeks of history a new demo starts with. */
  habits?: (hour: number, current: Readonly<Attrs>) => Attrs
  /** A control the device received: what else changes when it applies it (the written values always do). */
  applyWrite?: (written: Attrs, current: Readonly<Attrs>) => Attrs
}

/** Gives a product module its type where it is written (as a component library's `defineComponent` does). */
export const defineProduct = (module: ProductModule): ProductModule => module

/** A registered product, as the rest of the sandbox uses it. */
export interface SandboxProduct {
  /** The folder it was registered from. */
  folder: string
  definition: ProductDefinition
  secret: string
  sharing: boolean
  kind: DeviceKind
  attrs: AttrItem[]
  module: ProductModule
}
