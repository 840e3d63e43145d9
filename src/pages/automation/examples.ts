// The one-tap examples of the empty states: built from the user's own devices and their datapoint definitions, so
// the example is real and runs at once ("回家": a device on, a setting, a wait, another setting).
import { datapointKind, isWritable } from '@shared/datapoint'
import type { AttrItem, BoundDevice, SceneTaskInput } from '@shared/open-api'

/** Seed 003: owners (and the first binder of a product without sharing) may put a device in automation. */
export const mayAutomate = (device: BoundDevice): boolean => device.role === 'owner' || device.role === 'special'

/** The product the user has most devices of (that they may automate), with those devices. */
export function exampleGroup(devices: BoundDevice[]): { productKey: string; productName: string; dids: string[] } | null {
  const byProduct = new Map<string, BoundDevice[]>()
  for (const device of devices.filter(mayAutomate)) byProduct.set(device.product_key, [...(byProduct.get(device.product_key) ?? []), device])
  const [best] = [...byProduct.values()].sort((a, b) => b.length - a.length)
  return best ? { productKey: best[0].product_key, productName: best[0].product_name ?? '', dids: best.map((device) => device.did) } : null
}

/** "回家": the first automatable device with a switch: on, its first option, a 1 s wait, its second switch on. */
export function exampleScene(devices: BoundDevice[], attrsOf: (productKey: string) => AttrItem[]): { device: BoundDevice; tasks: SceneTaskInput[] } | null {
  for (const device of devices.filter(mayAutomate)) {
    const writable = attrsOf(device.product_key).filter(isWritable)
    const switches = writable.filter((attr) => datapointKind(attr) === 'switch')
    if (switches.length === 0) continue
    const option = writable.find((attr) => datapointKind(attr) === 'enum' && (attr.enum?.length ?? 0) > 1)
    const first: SceneTaskInput = { task_type: 'device', did: device.did, attrs: { [switches[0].name]: true, ...(option ? { [option.name]: option.enum![1] } : {}) } }
    const tasks: SceneTaskInput[] = [first]
    if (switches[1]) tasks.push({ task_type: 'delay', time: 1 }, { task_type: 'device', did: device.did, attrs: { [switches[1].name]: true } })
    return { device, tasks }
  }
  return null
}
