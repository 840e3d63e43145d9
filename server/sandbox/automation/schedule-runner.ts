// What a schedule does when it fires, in the sandbox: a device schedule writes its attrs to the virtual device as
// a control would (SNoti's source "scheduler", with the maker's uid), and the run's result is the device's answer, the report that applies the
// write; an offline device, or one the schedule's owner is no longer bound to, fails at once. Group and scene
// schedules are handed to whoever runs groups and scenes, if that part of the sandbox is there.
import type { Attrs, AttrValue } from '@shared/open-api'
import { fromWire, toRest } from '../device-rules'
import type { DeviceSimulator } from '../simulator'
import type { World } from '../world'
import type { RunEnd, ScheduleExecutor } from './scheduler'

/** Runs a group's control or a scene for a schedule; each answers with a RunEnd. */
export interface AutomationTargets {
  group?: (uid: string, groupId: string, attrs: Attrs) => Promise<RunEnd>
  scene?: (uid: string, sceneId: string) => Promise<RunEnd>
}

export function scheduleRunner(world: World, simulator: Pick<DeviceSimulator, 'write' | 'undelivered'>, targets: () => AutomationTargets = () => ({})): ScheduleExecutor {
  const waiting = new Map<number, { did: string; finish: (end: RunEnd) => void }>()
  world.devices.on('report', (did, attrs, answers) => {
    const run = answers === undefined ? undefined : waiting.get(answers)
    if (!run) return
    waiting.delete(answers!)
    const device = world.devices.get(did)
    run.finish({ status: 'succeed', detail: { [did]: true }, attrs: device ? toRest(device.product.attrs, attrs) : attrs })
  })
  world.devices.on('online', (did, online) => {
    if (online) return
    for (const [write, run] of waiting) {
      if (run.did !== did) continue
      waiting.delete(write)
      run.finish({ status: 'failed', detail: { [did]: false }, error: 'device offline' })
    }
  })

  const settle = (finish: (end: RunEnd) => void, work: Promise<RunEnd>) =>
    void work.then(finish, (error: Error) => finish({ status: 'failed', detail: {}, error: error.message }))

  return ({ row, fields }, finish) => {
    if (row.scene_id) {
      const scene = targets().scene
      return scene ? settle(finish, scene(row.uid, row.scene_id)) : finish({ status: 'failed', detail: {}, error: 'scenes are not run by this sandbox' })
    }
    if (row.group_id) {
      const group = targets().group
      return group ? settle(finish, group(row.uid, row.group_id, fields.attrs as Attrs)) : finish({ status: 'failed', detail: {}, error: 'groups are not run by this sandbox' })
    }
    const did = row.did
    const device = world.devices.get(did)
    if (!device) return finish({ status: 'failed', detail: { [did]: false }, error: 'device not found' })
    if (!world.bindings.get(row.uid, did)) return finish({ status: 'failed', detail: { [did]: false }, error: 'device not bound' })
    const values: Attrs = {}
    for (const [name, value] of Object.entries(fields.attrs)) {
      const attr = world.devices.attrDef(did, name)
      if (attr) values[name] = fromWire(attr, value as AttrValue, 'rest')
    }
    if (Object.keys(values).length === 0) return finish({ status: 'failed', detail: { [did]: false }, error: 'the sandbox devices take attrs only, not raw' })
    // Marked as the scheduler's, for the schedule's maker (SNoti app2dev_kv source "scheduler"); sent to an offline
    // device too, so the control is announced, and failed at once.
    if (!device.online) {
      simulator.undelivered(did, values, { source: 'scheduler', uid: row.uid })
      return finish({ status: 'failed', detail: { [did]: false }, error: 'device offline' })
    }
    waiting.set(simulator.write(did, values, { source: 'scheduler', uid: row.uid }), { did, finish })
  }
}
