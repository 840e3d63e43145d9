// The cloud's own log of each device (Open API `raw_data`, seed 003 获取设备的通信日志和上下线记录): every report
// the device sent (dev2app), every control sent to it (app2dev, with who sent it and how: `source` client or d3)
// and every online/offline change. Recorded here, as the devices and the write paths act, so the Open API
// answers with what really happened in the sandbox.
import type { Attrs } from '@shared/open-api'
import type { SandboxClock } from './clock'
import type { Devices } from './devices'
import type { RawDataStore } from './store/raw-data'

/** Kept a month, like the reports agg_data answers from. */
const KEEP_S = 31 * 24 * 3600
/** The address the sandbox's devices and apps talk from (the cloud logs the peer's IP). */
const LOCAL_IP = '127.0.0.1'

/**
 * Who sent a control, in SNoti's words (its `app2dev_kv` event's `source`): an app user (`client`, uid + appid),
 * the Open API on a user's behalf (`open_api`: a group control, a scene step), the cloud's scheduler (`scheduler`,
 * the schedule's maker), its linkage rules (`d3`, the rule's maker), or the enterprise API / SNoti's own remote
 * control (`enterprise_api`, nobody). raw_data knows only `client` and `d3` (seed 003): everything not an app's is
 * logged there as `d3`.
 */
export type WriteOrigin =
  | { source: 'client'; uid: string; appid: string }
  | { source: 'open_api' | 'scheduler'; uid: string }
  | { source: 'd3'; uid?: string }
  | { source: 'enterprise_api' }

/**
 * The P0 frame as hex: header 00000003, length, flag 00, command 0090 (to the device) or 0091 (from it), action
 * (01 write, 04 report) and the datapoints. Real devices carry their product's binary layout there; the sandbox
 * puts the datapoints as UTF-8 JSON (README, "Invented"): clients treat payload_bin as opaque either way.
 */
function p0(command: '0090' | '0091', action: '01' | '04', attrs: Attrs): string {
  const body = `00${command}${action}${Buffer.from(JSON.stringify(attrs)).toString('hex')}`
  let length = body.length / 2
  let varlen = ''
  do {
    let byte = length & 0x7f
    length >>= 7
    if (length > 0) byte |= 0x80
    varlen += byte.toString(16).padStart(2, '0')
  } while (length > 0)
  return `00000003${varlen}${body}`
}

export class RawLog {
  constructor(private readonly store: RawDataStore, devices: Devices, private readonly clock: SandboxClock) {
    devices.on('report', (did, attrs) => this.add(did, 'cmd', 'dev2app', { ip: LOCAL_IP, payload_bin: p0('0091', '04', attrs) }))
    devices.on('online', (did, online) => this.add(did, 'online', online ? 'dev_online' : 'dev_offline', { ip: LOCAL_IP }))
  }

  /** A control on its way to the device. */
  app2dev(did: string, attrs: Attrs, origin: WriteOrigin): void {
    this.add(did, 'cmd', 'app2dev', { ...(origin.source === 'client' ? { uid: origin.uid, appid: origin.appid } : {}), ip: LOCAL_IP, payload_bin: p0('0090', '01', attrs), source: origin.source === 'client' ? 'client' : 'd3' })
  }

  page(...args: Parameters<RawDataStore['page']>): ReturnType<RawDataStore['page']> {
    return this.store.page(...args)
  }

  private add(did: string, kind: 'cmd' | 'online', type: string, entry: object): void {
    const timestamp = this.clock.nowMs() / 1000
    this.store.add(did, kind, type, timestamp, { ...entry, type, timestamp })
    if (Math.random() < 0.01) this.store.forgetBefore(timestamp - KEEP_S)
  }
}
