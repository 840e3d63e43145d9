// The sandbox's store layer: one SQLite file, one store per owner. Raw SQL lives in this folder only.
import { openSandboxStore } from './database'
import { BindingStore } from './bindings'
import { DeviceStore } from './devices'
import { GatewayStore } from './gateways'
import { SharingStore } from './sharings'
import { UserStore } from './users'
import { WechatStore } from './wechat'

export interface SandboxStores {
  users: UserStore
  bindings: BindingStore
  devices: DeviceStore
  gateways: GatewayStore
  sharings: SharingStore
  wechat: WechatStore
  close: () => void
}

/** Opens (and if need be creates or upgrades) the store in `file`; ':memory:' for tests. */
export function openStores(file: string): SandboxStores {
  const db = openSandboxStore(file)
  return {
    users: new UserStore(db),
    bindings: new BindingStore(db),
    devices: new DeviceStore(db),
    gateways: new GatewayStore(db),
    sharings: new SharingStore(db),
    wechat: new WechatStore(db),
    close: () => db.close(),
  }
}
