// The sandbox's stand-in of Gizwits' enterprise event stream, SNoti 2.x: a TLS socket that carries every event of
// every device of a product to the vendor's server, with the frames, queues and refusals described in
// server/sandbox/snoti/README.md. It only listens to the World's events, so it sees exactly what devices report.
import { createHash, randomUUID } from 'node:crypto'
import tls from 'node:tls'
import { generate } from 'selfsigned'
import type { Attrs, AttrValue } from '@shared/open-api'
import { rejectValue } from '../device-rules'
import type { SandboxProduct } from '../products/product'
import type { WriteOrigin } from '../raw-log'
import type { DeviceSimulator } from '../simulator'
import type { World } from '../world'

/** The subscription names a client logs in with, and the `event_type` each is pushed as (they differ). */
export const SNOTI_EVENTS: Record<string, string> = {
  'device.online': 'device_online',
  'device.offline': 'device_offline',
  'device.status.kv': 'device_status_kv',
  'device.attr_alert': 'attr_alert',
  'device.attr_fault': 'attr_fault',
  'device.bind': 'device_bind',
  'device.unbind': 'device_unbind',
  'device.app2dev.kv': 'app2dev_kv',
  'center_control.sub_device_added': 'sub_device_added',
  'center_control.sub_device_deleted': 'sub_device_deleted',
}

/** `invalid_msg` codes. Gizwits publishes no table; these are the ones its Python client acts on. */
export const SNOTI_NOT_RECOGNISED = 4001
export const SNOTI_NOT_LOGGED_IN = 4003
export const SNOTI_ALREADY_LOGGED_IN = 4009

export const DEFAULT_PREFETCH = 50
const MAX_PREFETCH = 32767
const MAX_SUBKEYS = 5
const MAX_LINE_BYTES = 16 * 1024
const SUBKEY = /^[a-zA-Z0-9_]{1,32}$/

export interface SnotiCredential { product_key: string; auth_id: string; auth_secret: string }

/** Each product's SNoti authorisation (Gizwits issues them in the console); derived so restarts keep them. */
export function snotiCredentials(products: Iterable<SandboxProduct>): SnotiCredential[] {
  const digest = (label: string, secret: string) => createHash('sha256').update(`${label}:${secret}`).digest('hex')
  return [...products].map((product) => ({
    product_key: product.definition.product_key,
    auth_id: digest('snoti-auth-id', product.secret).slice(0, 22),
    auth_secret: digest('snoti-auth-secret', product.secret).slice(0, 32),
  }))
}

export interface SnotiOptions {
  world: World
  gizwitsAppId: string
  /** 0 picks a free port; the real service listens on 2017. */
  port?: number
  host?: string
  /** Silence from a client after which it gets `No Heartbeat!` and is closed (the spec's clients ping at 5 min). */
  idleTimeoutMs?: number
  /** How long events wait in a queue nobody consumes (3 days on the real service). */
  retentionS?: number
  /** Remote control: the virtual device applies and reports, as for any other control path. */
  write: (did: string, attrs: Attrs) => void
  /** Every control sent to a device, with its origin: pushed as `app2dev_kv` (the simulator's `controls`). */
  controls?: DeviceSimulator['controls']
}

export interface SnotiServer {
  host: string
  port: number
  /** The self-signed certificate clients must trust (PEM). */
  ca: string
  credentials: SnotiCredential[]
  /** Open connections, per queue (`product_key:subkey`): for tests and the control surface. */
  connections: () => Record<string, number>
  close: () => Promise<void>
}

interface Message { body: Record<string, unknown>; enqueuedAt: number }

class Queue {
  pending: Message[] = []
  consumers: Connection[] = []
  events = new Set<string>()
  private turn = 0

  constructor(readonly productKey: string, readonly subkey: string) {}

  /** Round robin over the consumers that still have room in their prefetch window. */
  nextConsumer(): Connection | undefined {
    for (let i = 0; i < this.consumers.length; i++) {
      const candidate = this.consumers[(this.turn + i) % this.consumers.length]
      if (candidate.inflight.size < candidate.prefetch) {
        this.turn = (this.turn + i + 1) % this.consumers.length
        return candidate
      }
    }
    return undefined
  }
}

interface Connection {
  socket: tls.TLSSocket
  loggedIn: boolean
  prefetch: number
  nextDeliveryId: number
  inflight: Map<number, { queue: Queue; message: Message }>
  queues: Set<Queue>
  idle?: NodeJS.Timeout
}

const msgId = () => Buffer.from(randomUUID().replace(/-/g, '').slice(0, 16)).toString('base64').replace(/=+$/, '')

/** kv as SNoti pushes it: bools (alerts and faults too) as 0/1, binary as a hex string, the rest as displayed. */
function kv(attrs: Attrs): Record<string, number | string> {
  const out: Record<string, number | string> = {}
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'boolean') out[name] = value ? 1 : 0
    else if (Array.isArray(value)) out[name] = Buffer.from(value as number[]).toString('hex')
    else out[name] = value as number | string
  }
  return out
}

export async function startSnoti(options: SnotiOptions): Promise<SnotiServer> {
  const { world } = options
  // A certificate made at each start, never kept in the repository: no private key is committed, and a consumer
  // trusts exactly this run's (the sandbox hands it out as `ca`; Gizwits' real service has a public CA's).
  const tlsIdentity = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
  })
  const ca = tlsIdentity.cert
  const credentials = snotiCredentials(world.products.values())
  const queues = new Map<string, Queue>()
  const connections = new Set<Connection>()
  const retentionS = options.retentionS ?? 3 * 24 * 3600

  const write = (connection: Connection, frame: Record<string, unknown> | string) => {
    if (!connection.socket.writable) return
    connection.socket.write(`${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n`)
  }

  const dispatch = (queue: Queue) => {
    const cutoff = world.clock.nowS() - retentionS
    queue.pending = queue.pending.filter((message) => message.enqueuedAt >= cutoff)
    while (queue.pending.length > 0) {
      const consumer = queue.nextConsumer()
      if (!consumer) return
      const message = queue.pending.shift()!
      const deliveryId = consumer.nextDeliveryId++
      consumer.inflight.set(deliveryId, { queue, message })
      write(consumer, { cmd: 'event_push', delivery_id: deliveryId, ...message.body })
    }
  }

  const publish = (productKey: string, eventType: string, fields: Record<string, unknown>) => {
    const body = { msg_id: msgId(), event_type: eventType, product_key: productKey, ...fields, created_at: world.clock.nowMs() / 1000 }
    for (const queue of queues.values()) {
      if (queue.productKey !== productKey || !queue.events.has(eventType)) continue
      queue.pending.push({ body, enqueuedAt: world.clock.nowS() })
      dispatch(queue)
    }
  }

  // ---- what the devices do, as events ----
  const device = (did: string) => world.devices.get(did)
  const envelope = (did: string) => {
    const state = device(did)!
    return { did, mac: state.seed.mac, group_id: '' }
  }
  // The alarm and fault datapoints as last reported, so a raise and its clear are pushed once each, with one event_id.
  const raised = new Map<string, { value: boolean; eventId: string }>()
  for (const state of world.devices.values()) {
    for (const attr of state.product.attrs) {
      if (attr.type === 'alert' || attr.type === 'fault') raised.set(`${state.seed.did}:${attr.name}`, { value: state.attrs[attr.name] === true, eventId: randomUUID() })
    }
  }
  const onReport = (did: string, attrs: Attrs) => {
    const state = device(did)
    if (!state) return
    const productKey = state.seed.product_key
    publish(productKey, 'device_status_kv', { ...envelope(did), data: kv(attrs) })
    for (const attr of state.product.attrs) {
      if (attr.type !== 'alert' && attr.type !== 'fault') continue
      const key = `${did}:${attr.name}`
      const before = raised.get(key)!
      const now = attrs[attr.name] === true
      if (now === before.value) continue
      const eventId = now ? randomUUID() : before.eventId
      raised.set(key, { value: now, eventId })
      publish(productKey, attr.type === 'alert' ? 'attr_alert' : 'attr_fault', {
        ...envelope(did), event_id: eventId, data: { attr_name: attr.name, attr_displayname: attr.display_name, value: now ? 1 : 0 },
      })
    }
  }
  const onOnline = (did: string, online: boolean) => {
    const state = device(did)
    if (!state) return
    publish(state.seed.product_key, online ? 'device_online' : 'device_offline', {
      ...envelope(did), ...(online ? { ip: '183.233.131.216', country: 'China', region: 'Guangdong', city: 'Guangzhou' } : {}),
    })
  }
  const onBinding = (uid: string, did: string, bind: boolean) => {
    const state = device(did)
    if (!state) return
    publish(state.seed.product_key, bind ? 'device_bind' : 'device_unbind', { ...envelope(did), app_id: options.gizwitsAppId, uid })
  }
  // A gateway's sub-device joined or was removed: pushed on the gateway's product with the child's identity
  // (`child_passcode` is AES-encrypted with the gateway's passcode on the real stream; not imitated).
  const onSubDevice = (gwDid: string, did: string, added: boolean) => {
    const gw = device(gwDid)
    const child = device(did)
    if (!gw || !child) return
    publish(gw.seed.product_key, added ? 'sub_device_added' : 'sub_device_deleted', {
      ...envelope(gwDid), child_product_key: child.seed.product_key, child_did: did, child_mac: child.seed.mac,
    })
  }
  // A control on its way to a device (SNoti 设备控制事件): who sent it and how. `appid` and `uid` are absent for
  // the enterprise API, as the spec says; the scheduler and the rule engine carry their maker's uid and our app's id.
  const onControl = (did: string, attrs: Attrs, origin: WriteOrigin) => {
    const state = device(did)
    if (!state) return
    const who = origin.source === 'enterprise_api' ? {} : { appid: origin.source === 'client' ? origin.appid : options.gizwitsAppId, ...(origin.uid ? { uid: origin.uid } : {}) }
    publish(state.seed.product_key, 'app2dev_kv', { ...envelope(did), source: origin.source, ...who, data: kv(attrs) })
  }
  world.devices.on('report', onReport)
  world.devices.on('online', onOnline)
  options.controls?.on('control', onControl)
  world.bindings.on('binding', onBinding)
  world.gateways.on('subDevice', onSubDevice)

  // ---- the protocol ----
  type Entry = { product_key?: unknown; auth_id?: unknown; auth_secret?: unknown; subkey?: unknown; events?: unknown }

  /** Why a login or subscribe entry is refused, or the queue it names and the events it asks for. */
  const check = (entry: Entry, needSecret: boolean): string | { queue: Queue; events: string[] } => {
    const credential = credentials.find((c) => c.product_key === entry.product_key)
    if (!credential) return `product_key ${String(entry.product_key)} is not a product of this account`
    if (entry.auth_id !== credential.auth_id || (needSecret && entry.auth_secret !== credential.auth_secret)) return `auth_id or auth_secret is wrong for product ${credential.product_key}`
    if (typeof entry.subkey !== 'string' || !SUBKEY.test(entry.subkey)) return 'subkey must be 1 to 32 of a-z, A-Z, 0-9, _'
    if (!Array.isArray(entry.events) || !entry.events.every((name) => typeof name === 'string')) return 'events must be a list of event names'
    const key = `${credential.product_key}:${entry.subkey}`
    let queue = queues.get(key)
    if (!queue) {
      if ([...queues.values()].filter((q) => q.productKey === credential.product_key).length >= MAX_SUBKEYS) return `product ${credential.product_key} already has ${MAX_SUBKEYS} subkeys`
      queue = new Queue(credential.product_key, entry.subkey)
      queues.set(key, queue)
    }
    // Names the service does not know are ignored (what it really does with them is undocumented).
    return { queue, events: (entry.events as string[]).map((name) => SNOTI_EVENTS[name]).filter(Boolean) }
  }

  const join_ = (connection: Connection, queue: Queue, events: string[]) => {
    for (const event of events) queue.events.add(event)
    if (!queue.consumers.includes(connection)) queue.consumers.push(connection)
    connection.queues.add(queue)
  }

  const login = (connection: Connection, frame: { prefetch_count?: unknown; data?: unknown }) => {
    const refuse = (msg: string) => {
      write(connection, { cmd: 'login_res', data: { result: false, msg } })
      connection.socket.end()
    }
    const prefetch = frame.prefetch_count ?? DEFAULT_PREFETCH
    if (typeof prefetch !== 'number' || !Number.isInteger(prefetch) || prefetch <= 0 || prefetch > MAX_PREFETCH) return refuse(`prefetch_count must be an integer from 1 to ${MAX_PREFETCH}`)
    if (!Array.isArray(frame.data)) return refuse('data must be a list of products')
    const accepted: Array<{ queue: Queue; events: string[] }> = []
    for (const entry of frame.data as Entry[]) {
      const result = check(entry ?? {}, true)
      if (typeof result === 'string') return refuse(result)
      accepted.push(result)
    }
    connection.loggedIn = true
    connection.prefetch = prefetch
    for (const { queue, events } of accepted) join_(connection, queue, events)
    write(connection, { cmd: 'login_res', data: { result: true, msg: 'ok' } })
    for (const { queue } of accepted) dispatch(queue)
  }

  const subscribe = (connection: Connection, frame: { cmd: string; data?: unknown }) => {
    const subscribing = frame.cmd === 'subscribe_req'
    const reply = subscribing ? 'subscribe_res' : 'unsubscribe_res'
    if (!Array.isArray(frame.data)) return write(connection, { cmd: reply, result: false, msg: 'data must be a list', data: [] })
    for (const entry of frame.data as Entry[]) {
      const result = check(entry ?? {}, subscribing)
      if (typeof result === 'string') return write(connection, { cmd: reply, result: false, msg: result, data: frame.data })
      if (subscribing) join_(connection, result.queue, result.events)
      else for (const event of result.events) result.queue.events.delete(event)
    }
    write(connection, { cmd: reply, result: true, msg: 'ok', data: frame.data })
    if (subscribing) for (const queue of connection.queues) dispatch(queue)
  }

  const ack = (connection: Connection, frame: { delivery_id?: unknown }) => {
    // Acks of ids this connection was never given (another connection's, or a previous session's) change nothing.
    const entry = typeof frame.delivery_id === 'number' ? connection.inflight.get(frame.delivery_id) : undefined
    if (!entry) return
    connection.inflight.delete(frame.delivery_id as number)
    for (const queue of connection.queues) dispatch(queue)
  }

  const control = (connection: Connection, frame: { cmd: string; msg_id?: unknown; data?: unknown }) => {
    const succeed: Array<{ did: string }> = []
    const failed: Array<{ did: string; reason: string }> = []
    for (const item of Array.isArray(frame.data) ? (frame.data as Array<{ cmd?: unknown; data?: { did?: unknown; mac?: unknown; product_key?: unknown; attrs?: unknown } }>) : []) {
      const target = item?.data ?? {}
      const did = String(target.did ?? '')
      const state = world.devices.get(did)
      const allowed = state && connection.queues.size > 0 && [...connection.queues].some((queue) => queue.productKey === state.seed.product_key)
      if (!state || !allowed || target.product_key !== state.seed.product_key || target.mac !== state.seed.mac) failed.push({ did, reason: 'device not found' })
      else if (item.cmd !== 'write_attrs' || !target.attrs || typeof target.attrs !== 'object') failed.push({ did, reason: 'only write_attrs is supported for datapoint products' })
      else if (!state.online) failed.push({ did, reason: 'device offline' })
      else {
        const attrs = target.attrs as Record<string, unknown>
        const problem = Object.entries(attrs).map(([name, value]) => {
          const attr = state.product.attrs.find((candidate) => candidate.name === name && candidate.type === 'status_writable')
          return attr ? rejectValue(attr, typeof value === 'number' && attr.data_type === 'bool' ? value === 1 : value, 'ws') : `unknown or read-only datapoint ${name}`
        }).find(Boolean)
        if (problem) failed.push({ did, reason: problem })
        else {
          options.write(did, Object.fromEntries(Object.entries(attrs).map(([name, value]) => [name, typeof value === 'number' && state.product.attrs.find((a) => a.name === name)?.data_type === 'bool' ? value === 1 : value])) as Record<string, AttrValue>)
          succeed.push({ did })
        }
      }
    }
    write(connection, { cmd: 'remote_control_v2_res', ...(frame.msg_id !== undefined ? { msg_id: frame.msg_id } : {}), result: { succeed, failed } })
  }

  const handle = (connection: Connection, line: string) => {
    let frame: { cmd?: unknown } & Record<string, unknown>
    try {
      frame = JSON.parse(line)
    } catch {
      return write(connection, { cmd: 'invalid_msg', error_code: SNOTI_NOT_RECOGNISED, msg: 'not a JSON object; each frame is one JSON object followed by \\n' })
    }
    const cmd = frame?.cmd
    if (cmd === 'ping') return write(connection, { cmd: 'pong' })
    if (cmd === 'login_req') {
      if (connection.loggedIn) return write(connection, { cmd: 'invalid_msg', error_code: SNOTI_ALREADY_LOGGED_IN, msg: 'already logged in' })
      return login(connection, frame as { prefetch_count?: unknown; data?: unknown })
    }
    const known = ['event_ack', 'subscribe_req', 'unsubscribe_req', 'remote_control_v2_req']
    if (typeof cmd !== 'string' || !known.includes(cmd)) return write(connection, { cmd: 'invalid_msg', error_code: SNOTI_NOT_RECOGNISED, msg: `unknown cmd ${String(cmd)}` })
    if (!connection.loggedIn) return write(connection, { cmd: 'invalid_msg', error_code: SNOTI_NOT_LOGGED_IN, msg: 'login first' })
    if (cmd === 'event_ack') return ack(connection, frame as { delivery_id?: unknown })
    if (cmd === 'remote_control_v2_req') return control(connection, frame as { cmd: string })
    return subscribe(connection, frame as { cmd: string })
  }

  const drop = (connection: Connection) => {
    if (!connections.delete(connection)) return
    clearTimeout(connection.idle)
    // What it held and never acknowledged goes back to the front of its queue, in order, for the others or the next login.
    const held = [...connection.inflight.entries()].sort(([a], [b]) => a - b)
    connection.inflight.clear()
    for (let i = held.length - 1; i >= 0; i--) held[i][1].queue.pending.unshift(held[i][1].message)
    for (const queue of connection.queues) {
      queue.consumers = queue.consumers.filter((consumer) => consumer !== connection)
      dispatch(queue)
    }
  }

  const idleTimeoutMs = options.idleTimeoutMs ?? 6 * 60_000
  const server = tls.createServer({
    key: tlsIdentity.private,
    cert: ca,
  }, (socket) => {
    const connection: Connection = { socket, loggedIn: false, prefetch: DEFAULT_PREFETCH, nextDeliveryId: 1, inflight: new Map(), queues: new Set() }
    connections.add(connection)
    const watch = () => {
      clearTimeout(connection.idle)
      connection.idle = setTimeout(() => {
        write(connection, 'No Heartbeat!')
        socket.end()
      }, idleTimeoutMs)
    }
    watch()
    let buffer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk: string) => {
      watch()
      buffer += chunk
      let newline: number
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim()
        buffer = buffer.slice(newline + 1)
        if (line) handle(connection, line)
      }
      if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) {
        write(connection, { cmd: 'invalid_msg', error_code: SNOTI_NOT_RECOGNISED, msg: `frame longer than ${MAX_LINE_BYTES} bytes` })
        socket.end()
      }
    })
    socket.on('close', () => drop(connection))
    socket.on('error', () => drop(connection))
  })
  server.on('tlsClientError', () => {})
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`SNoti cannot listen on ${host}:${options.port ?? 0} (${error.message}); set SNOTI_PORT to a free port, or 0 for any`)))
    server.listen(options.port ?? 0, host, resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    host: host === '0.0.0.0' ? '127.0.0.1' : host,
    port,
    ca,
    credentials,
    connections: () => Object.fromEntries([...queues.entries()].map(([key, queue]) => [key, queue.consumers.length])),
    close: async () => {
      world.devices.off('report', onReport)
      world.devices.off('online', onOnline)
      options.controls?.off('control', onControl)
      world.bindings.off('binding', onBinding)
      world.gateways.off('subDevice', onSubDevice)
      for (const connection of connections) connection.socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
