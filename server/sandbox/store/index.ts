// The sandbox's store layer: one SQLite file, one store per owner. Raw SQL lives in this folder only.
import { openSandboxStore } from './database'
import { AutomationStore } from './automation'
import { BindingStore } from './bindings'
import { DeviceStore } from './devices'
import { RawDataStore } from './raw-data'
import { RuleStore } from './rules'
import { SchedulerStore } from './schedulers'
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
  rawData: RawDataStore
  /** Groups and scenes (automation/). */
  automation: AutomationStore
  rules: RuleStore
  schedulers: SchedulerStore
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
    rawData: new RawDataStore(db),
    automation: new AutomationStore(db),
    rules: new RuleStore(db),
    schedulers: new SchedulerStore(db),
    close: () => db.close(),
  }
}
