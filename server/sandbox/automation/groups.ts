// Device groups (seed 003 设备分组): a user's named sets of their devices, single-product or mixed, and one control
// for a single-product group that the cloud fans out to each device. Groups belong to the user who made them;
// another user's group is "not found", as the cloud does not tell whose it is.
import { randomBytes } from 'node:crypto'
import type { AttrValue } from '@shared/open-api'
import { ErrorCode, GizwitsFailure } from '../gizwits-errors'
import type { AutomationStore, GroupRow } from '../store/automation'
import { controlDeviceAndConfirm, type DeviceControlDeps, type DeviceOutcome } from './device-control'

/** A Mongo ObjectId's form, as the cloud's ids look (`59c4deba8c7d50001ba06df3`). */
export const newCloudId = (): string => randomBytes(12).toString('hex')
/** The cloud's UTC timestamps, without milliseconds (`2017-09-22T09:57:44Z`). */
export const cloudTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

export interface GroupDetail { did: string; error_code: number; error_message: string; detail_msg: string | null }

export class Groups {
  constructor(private readonly store: AutomationStore, private readonly deps: DeviceControlDeps) {}

  private get world() {
    return this.deps.world
  }

  list(uid: string): GroupRow[] {
    return this.store.groupsOf(uid)
  }

  /** The user's group, or 9230 (also for someone else's). */
  own(uid: string, id: string): GroupRow {
    const group = this.store.group(id)
    if (!group || group.uid !== uid) throw new GizwitsFailure(ErrorCode.GROUP_NOT_FOUND)
    return group
  }

  create(uid: string, name: string, productKey: string | undefined): string {
    if (productKey && !this.world.products.has(productKey)) throw new GizwitsFailure(ErrorCode.PRODUCT_KEY_INVALID)
    const now = cloudTime(this.world.clock.nowMs())
    const id = newCloudId()
    this.store.insertGroup({ id, uid, group_name: name, product_key: productKey ?? '', created_at: now, updated_at: now })
    return id
  }

  rename(uid: string, id: string, name: string): void {
    this.own(uid, id)
    this.store.renameGroup(id, name, cloudTime(this.world.clock.nowMs()))
  }

  delete(uid: string, id: string): void {
    this.own(uid, id)
    this.store.deleteGroup(id)
  }

  /** The group's devices the user is still bound to (an unbound device drops out of the user's groups). */
  devices(uid: string, id: string): string[] {
    this.own(uid, id)
    return this.store.members(id).filter((did) => this.world.bindings.get(uid, did))
  }

  /** Adds each device the user is bound to (and, for a single-product group, of its product); says why not for the others. */
  add(uid: string, id: string, dids: string[]): { success: string[]; failed: string[]; detail: GroupDetail[] } {
    const group = this.own(uid, id)
    const success: string[] = []
    const failed: string[] = []
    const detail: GroupDetail[] = []
    const refuse = (did: string, code: number, message: string, detailMsg: string | null = null) => {
      failed.push(did)
      detail.push({ did, error_code: code, error_message: message, detail_msg: detailMsg })
    }
    for (const did of dids) {
      const device = this.world.devices.get(did)
      if (!device) refuse(did, ErrorCode.DEVICE_NOT_FOUND, 'device not found!')
      else if (!this.world.bindings.get(uid, did)) refuse(did, ErrorCode.DEVICE_NOT_BOUND, 'device not bound!')
      else if (group.product_key && device.seed.product_key !== group.product_key) refuse(did, ErrorCode.FORM_INVALID, 'form invalid!', `the group is for product ${group.product_key}`)
      else {
        this.store.addMember(id, did, this.world.clock.nowMs())
        success.push(did)
      }
    }
    return { success, failed, detail }
  }

  remove(uid: string, id: string, dids: string[]): { success: string[]; failed: string[] } {
    this.own(uid, id)
    const success: string[] = []
    const failed: string[] = []
    for (const did of dids) (this.store.removeMember(id, did) ? success : failed).push(did)
    return { success, failed }
  }

  /**
   * One control to every device of a single-product group, at once; each device answers for itself (seed 003:
   * `[{did, result}]`). Exported for the other automation (a rule's or a schedule's "control a group" action).
   */
  async control(uid: string, id: string, attrs: Record<string, AttrValue>): Promise<DeviceOutcome[]> {
    const group = this.own(uid, id)
    if (!group.product_key) throw new GizwitsFailure(ErrorCode.FORM_INVALID, 'only a group of one product can be controlled')
    return Promise.all(this.devices(uid, id).map((did) => controlDeviceAndConfirm(this.deps, uid, did, attrs)))
  }
}
