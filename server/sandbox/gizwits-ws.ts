// The Gizwits app WebSocket (`/ws/app/v1`), frame for frame as the cloud speaks it: login, subscribe, read and
// write, status and binding notices, heartbeats and the 10xx error codes. Connections are this file's business
// alone: it remembers which connection wrote what, and stamps the report that applies a write with the writer's
// `req_sn` (as `res_sn`, for that connection only); the devices never hear of sockets.
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import type { Attrs, AttrValue } from '@shared/open-api'
import { MAX_HEARTBEAT_INTERVAL_S, WsErrorCode, type GizwitsServerFrame } from '@shared/ws-frames'
import { rejectWrite } from './device-rules'
import { ErrorCode, InventedWsErrorCode } from './gizwits-errors'
import type { DeviceSimulator } from './simulator'
import type { World } from './world'

export interface GizwitsWsOptions {
  world: World
  simulator: DeviceSimulator
  appId: string
  heartbeatGraceMs: number
}

interface Connection {
  socket: WebSocket
  uid: string | null
  subscribed: Set<string>
  heartbeat: NodeJS.Timeout | undefined
  heartbeatMs: number
}

export interface GizwitsWs {
  /** Sends 1009 to every socket of a user and logs them out, as the cloud does now and then. */
  kick: (uid: string) => number
  close: () => void
}

export function gizwitsWs(app: FastifyInstance, options: GizwitsWsOptions): GizwitsWs {
  const { world, simulator } = options
  const { bindings, devices } = world
  const byUser = new Map<string, Set<Connection>>()
  /** Writes made with a `req_sn`, by the write's number, until the report that applies them. */
  const awaitingAnswer = new Map<number, { connection: Connection; sn: number }>()

  const send = (connection: Connection, frame: GizwitsServerFrame) => {
    if (connection.socket.readyState === connection.socket.OPEN) connection.socket.send(JSON.stringify(frame))
  }
  const invalid = (connection: Connection, errorCode: number, msg: string) => send(connection, { cmd: 's2c_invalid_msg', data: { error_code: errorCode, msg } })

  const logout = (connection: Connection) => {
    if (connection.uid) byUser.get(connection.uid)?.delete(connection)
    connection.uid = null
    connection.subscribed.clear()
  }

  const armHeartbeat = (connection: Connection) => {
    clearTimeout(connection.heartbeat)
    connection.heartbeat = setTimeout(() => {
      invalid(connection, WsErrorCode.NO_HEARTBEAT, 'No heartbeat!')
      connection.socket.close()
    }, connection.heartbeatMs + options.heartbeatGraceMs)
  }

  const fullStatus = (did: string, sn?: { res_sn: number }): GizwitsServerFrame => {
    const device = devices.get(did)!
    return { cmd: 's2c_noti', ...(sn ?? {}), data: { did, attrs: { ...device.attrs } } }
  }

  const onReport = (did: string, attrs: Attrs, answers?: number) => {
    const answer = answers === undefined ? undefined : awaitingAnswer.get(answers)
    if (answers !== undefined) awaitingAnswer.delete(answers)
    for (const uid of bindings.usersBoundTo(did)) {
      for (const connection of byUser.get(uid) ?? []) {
        if (!connection.subscribed.has(did)) continue
        send(connection, { cmd: 's2c_noti', ...(answer?.connection === connection ? { res_sn: answer.sn } : {}), data: { did, attrs } })
      }
    }
  }
  const onOnline = (did: string, online: boolean) => {
    const device = devices.get(did)!
    for (const uid of bindings.usersBoundTo(did)) {
      for (const connection of byUser.get(uid) ?? []) {
        if (connection.subscribed.has(did)) send(connection, { cmd: 's2c_online_status', data: { did, passcode: device.seed.passcode, mac: device.seed.mac, online } })
      }
    }
  }
  const onBinding = (uid: string, did: string, bind: boolean) => {
    for (const connection of byUser.get(uid) ?? []) {
      if (!bind) connection.subscribed.delete(did)
      send(connection, { cmd: 's2c_binding_changed', data: { did, bind } })
    }
  }
  devices.on('report', onReport)
  devices.on('online', onOnline)
  bindings.on('binding', onBinding)

  const handle = (connection: Connection, frame: Record<string, unknown>) => {
    const data = frame.data as Record<string, unknown> | undefined
    if (frame.cmd === 'ping') {
      if (!connection.uid) return invalid(connection, WsErrorCode.NOT_LOGGED_IN, 'Websocket client not login!')
      armHeartbeat(connection)
      return send(connection, { cmd: 'pong' })
    }
    if (frame.cmd === 'login_req') {
      const token = world.accounts.checkToken(typeof data?.token === 'string' ? data.token : undefined)
      const interval = data?.heartbeat_interval
      const ok =
        data?.appid === options.appId &&
        typeof token === 'object' &&
        token.uid === data?.uid &&
        (data?.p0_type === 'attrs_v4' || data?.p0_type === 'custom') &&
        typeof interval === 'number' && interval > 0 && interval <= MAX_HEARTBEAT_INTERVAL_S
      if (!ok) return send(connection, { cmd: 'login_res', data: { success: false } })
      logout(connection)
      connection.uid = token.uid
      connection.heartbeatMs = (interval as number) * 1000
      if (!byUser.has(token.uid)) byUser.set(token.uid, new Set())
      byUser.get(token.uid)!.add(connection)
      if (data?.auto_subscribe !== false) for (const binding of bindings.ofUser(token.uid)) connection.subscribed.add(binding.did)
      armHeartbeat(connection)
      return send(connection, { cmd: 'login_res', data: { success: true } })
    }
    if (!connection.uid) return invalid(connection, WsErrorCode.NOT_LOGGED_IN, 'Websocket client not login!')
    const uid = connection.uid

    if (frame.cmd === 'subscribe_req') {
      if (!Array.isArray(frame.data)) return invalid(connection, InventedWsErrorCode.BAD_FRAME, 'subscribe_req data must be an array')
      const success = []
      const failed = []
      for (const item of frame.data as Array<{ did?: unknown }>) {
        const did = typeof item?.did === 'string' ? item.did : ''
        if (bindings.get(uid, did)) {
          connection.subscribed.add(did)
          success.push({ did, error_code: 0, msg: 'ok' })
        } else failed.push({ did, error_code: ErrorCode.DEVICE_NOT_BOUND, msg: 'device not bound!' })
      }
      return send(connection, { cmd: 'subscribe_res', data: { success, failed } })
    }

    const did = typeof data?.did === 'string' ? data.did : ''
    const reqSn = typeof frame.req_sn === 'number' ? frame.req_sn : undefined
    if (frame.cmd === 'c2s_read' || frame.cmd === 'c2s_write') {
      if (!bindings.get(uid, did)) return invalid(connection, InventedWsErrorCode.DEVICE_NOT_BOUND, `device not bound: ${did}`)
      const device = devices.get(did)!
      if (!device.online) return invalid(connection, InventedWsErrorCode.DEVICE_OFFLINE, `device offline: ${did}`)
      if (frame.cmd === 'c2s_read') return send(connection, fullStatus(did, reqSn === undefined ? undefined : { res_sn: reqSn }))
      const attrs = data?.attrs
      if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) return invalid(connection, InventedWsErrorCode.ATTR_INVALID, 'attrs must be an object')
      for (const [name, value] of Object.entries(attrs as Record<string, AttrValue>)) {
        const problem = rejectWrite(devices.attrDef(did, name), value, 'ws')
        if (problem) return invalid(connection, InventedWsErrorCode.ATTR_INVALID, problem)
      }
      const write = simulator.write(did, attrs as Attrs, { source: 'client', uid, appid: options.appId })
      if (reqSn !== undefined) awaitingAnswer.set(write, { connection, sn: reqSn })
      return
    }
    if (frame.cmd === 'c2s_ack' || frame.cmd === 'c2s_raw') return
    invalid(connection, InventedWsErrorCode.BAD_FRAME, `unknown cmd: ${String(frame.cmd)}`)
  }

  app.get('/ws/app/v1', { websocket: true }, (socket) => {
    const connection: Connection = { socket, uid: null, subscribed: new Set(), heartbeat: undefined, heartbeatMs: MAX_HEARTBEAT_INTERVAL_S * 1000 }
    armHeartbeat(connection)
    socket.on('message', (raw) => {
      let frame: unknown
      try {
        frame = JSON.parse(String(raw))
      } catch {
        return invalid(connection, InventedWsErrorCode.BAD_FRAME, 'frames must be JSON')
      }
      if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return invalid(connection, InventedWsErrorCode.BAD_FRAME, 'frames must be JSON objects')
      handle(connection, frame as Record<string, unknown>)
    })
    socket.on('close', () => {
      clearTimeout(connection.heartbeat)
      logout(connection)
      // A write whose device dropped offline before applying it is never answered.
      for (const [write, answer] of awaitingAnswer) if (answer.connection === connection) awaitingAnswer.delete(write)
    })
  })

  return {
    kick: (uid) => {
      const connections = [...(byUser.get(uid) ?? [])]
      for (const connection of connections) {
        invalid(connection, WsErrorCode.SOCKET_CLOSED_LOGIN_AGAIN, 'M2M socket has closed, please login again!')
        logout(connection)
      }
      return connections.length
    },
    close: () => {
      devices.off('report', onReport)
      devices.off('online', onOnline)
      bindings.off('binding', onBinding)
      for (const connections of byUser.values()) for (const connection of connections) clearTimeout(connection.heartbeat)
    },
  }
}
