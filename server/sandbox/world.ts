// The sandbox's cloud-side state, one owner per concept: users and tokens (`Accounts`), the virtual devices
// (`Devices`), who is bound to what (`Bindings`), sharing with its messages (`SharingDesk`), gateways and their
// sub-devices (`Gateways`) and firmware (`Firmware`). This file only
// wires them together over the store and seeds the demo users on an empty one.
import { Accounts } from './accounts'
import { Bindings } from './bindings'
import type { SandboxClock } from './clock'
import { Devices } from './devices'
import { Firmware } from './firmware'
import { Gateways } from './gateways'
import type { SandboxProduct } from './products/product'
import { RawLog } from './raw-log'
import { SEED_SUB_DEVICES, SEED_USERS } from './seed'
import { SharingDesk } from './sharing'
import type { SandboxStores } from './store/index'

export class World {
  readonly accounts: Accounts
  readonly devices: Devices
  readonly bindings: Bindings
  readonly sharing: SharingDesk
  /** The cloud's communication and online log of each device (Open API raw_data). */
  readonly rawLog: RawLog
  readonly gateways: Gateways
  readonly firmware: Firmware

  /** `otaStepMs`: how long each step of a firmware upgrade takes (tests make it short). */
  constructor(stores: SandboxStores, readonly products: Map<string, SandboxProduct>, readonly clock: SandboxClock, otaStepMs: () => number = () => 1500) {
    this.accounts = new Accounts(stores.users, clock)
    this.devices = new Devices(stores.devices, products, clock)
    this.bindings = new Bindings(stores.bindings, this.devices, clock)
    this.rawLog = new RawLog(stores.rawData, this.devices, clock)
    this.sharing = new SharingDesk(stores.sharings, this.accounts, this.bindings, this.devices, clock)
    this.gateways = new Gateways(stores.gateways, this.devices, this.bindings, clock)
    this.firmware = new Firmware(stores.gateways, this.devices, clock, otaStepMs)
    if (stores.wechat.userCount() === 0) {
      for (const user of SEED_USERS) {
        stores.wechat.addUser(user.openid, user.nickname, clock.nowS())
        const { uid } = this.accounts.userForPhoneId(user.openid)
        for (const binding of user.bindings) {
          if (!this.devices.has(binding.did)) throw new Error(`seed user ${user.nickname} is bound to unknown device ${binding.did}`)
          this.bindings.bind(uid, binding.did, binding)
        }
      }
      for (const { did, gw_did: gwDid, dev_alias: alias } of SEED_SUB_DEVICES) {
        this.gateways.openPairing(gwDid, 1)
        this.gateways.join(did, gwDid)
        this.gateways.closePairing(gwDid)
        for (const row of this.bindings.ofDevice(did)) this.bindings.update(row.uid, did, { dev_alias: alias })
      }
    }
  }
}
