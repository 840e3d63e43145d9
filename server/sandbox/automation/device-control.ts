// One control of one device by the cloud on a user's behalf, as group controls and scene steps do it: the same
// checks as `POST /app/control/{did}` (bound, datapoints by device-rules.ts, online), then the write, and the
// answer once the device's report applies it. Never throws: each device gets its own outcome, so one offline
// device does not spoil a group or a scene for the others.
import type { Attrs, AttrValue } from '@shared/open-api'
import { fromWire, rejectWrite } from '../device-rules'
import { ErrorCode } from '../gizwits-errors'
import type { DeviceSimulator } from '../simulator'
import type { World } from '../world'

/** How long the cloud waits for the device to apply a write before calling it failed (the simulator answers in < 0.5 s). */
export const CONFIRM_TIMEOUT_MS = 3000

export interface DeviceOutcome {
  did: string
  /** Seed 003's field: whether the control succeeded. */
  result: boolean
  /** Invented (README, "Invented"): why it did not, with the Open API's own code (9042 offline, 9025 attr invalid…). */
  error_code?: number
  error_message?: string
}

export interface DeviceControlDeps {
  world: World
  simulator: DeviceSimulator
}

const failed = (did: string, code: number, message: string): DeviceOutcome => ({ did, result: false, error_code: code, error_message: message })

/** Turns REST-encoded values (what /app/control and group controls take) into the device's own, or says why not. */
export function deviceValues(world: World, did: string, attrs: Record<string, AttrValue>): Attrs | string {
  const values: Attrs = {}
  for (const [name, value] of Object.entries(attrs)) {
    const attr = world.devices.attrDef(did, name)
    const problem = rejectWrite(attr, value, 'rest')
    if (problem) return problem
    values[name] = fromWire(attr!, value, 'rest')
  }
  return values
}

/**
 * Controls `did` for `uid` with REST-encoded `attrs` and resolves when the device has applied them (result true),
 * or with the reason it did not: not bound (9017), bad value (9025), offline (9042), no answer in time (9021).
 */
export async function controlDeviceAndConfirm({ world, simulator }: DeviceControlDeps, uid: string, did: string, attrs: Record<string, AttrValue>): Promise<DeviceOutcome> {
  const device = world.devices.get(did)
  if (!device) return failed(did, ErrorCode.DEVICE_NOT_FOUND, 'device not found!')
  if (!world.bindings.get(uid, did)) return failed(did, ErrorCode.DEVICE_NOT_BOUND, 'device not bound!')
  const values = deviceValues(world, did, attrs)
  if (typeof values === 'string') return failed(did, ErrorCode.ATTR_INVALID, values)
  if (!device.online) return failed(did, ErrorCode.DEVICE_OFFLINE, 'device offline!')
  return new Promise<DeviceOutcome>((resolve) => {
    let write = -1
    const onReport = (reported: string, _attrs: Attrs, answers?: number) => {
      if (reported !== did || answers !== write) return
      done({ did, result: true })
    }
    const timer = setTimeout(() => done(world.devices.get(did)?.online ? failed(did, ErrorCode.SEND_COMMAND_FAILED, 'send command failed!') : failed(did, ErrorCode.DEVICE_OFFLINE, 'device offline!')), CONFIRM_TIMEOUT_MS)
    const done = (outcome: DeviceOutcome) => {
      clearTimeout(timer)
      world.devices.off('report', onReport)
      resolve(outcome)
    }
    world.devices.on('report', onReport)
    // The Open API acting for the user (a group control, a scene step), as SNoti's app2dev_kv names it.
    write = simulator.write(did, values, { source: 'open_api', uid })
  })
}
