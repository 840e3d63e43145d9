// The Gizwits app WebSocket (`/ws/app/v1`), frame for frame as research/gizwits.md §1.3–1.5 records it.
import type { FastifyInstance } from 'fastify'
import type { WebSocket } from 'ws'
import type { Attrs, AttrValue } from '@shared/open-api'
import { MAX_HEARTBEAT_INTERVAL_S, WsErrorCode, type GizwitsServerFrame } from '@shared/ws-frames'
import { rejectWrite } from './device-rules'
import type { DeviceSimulator } from './simulator'
import type { World } from './world'

export interface GizwitsWsOptions {
  world: World
  simulator: DeviceSimulator
  appId: string
  heartbeatGraceMs: number
}

/** Codes the cloud does not document for refused reads/writes; ours, kept apart from the documented 10xx ones. */
export const SANDBOX_WS_ERRORS = {
  BAD_FRAME: 1000,
  DEVICE_NOT_BOUND: 1017,
  ATTR_INVALID: 1025,
  DEVICE_OFFLINE: 1042,
} as const

interface Connection {
  id: number
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
  const byUser = new Map<string, Set<Connection>>()
  let nextId = 1

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
    const device = world.devices.get(did)!
    return { cmd: 's2c_noti', ...(sn ?? {}), data: { did, attrs: { ...device.attrs } } }
  }

  const onReport = (did: string, attrs: Attrs, reply?: { uid: string; connectionId: number; sn: number }) => {
    for (const uid of world.usersBoundTo(did)) {
      for (const connection of byUser.get(uid) ?? []) {
        if (!connection.subscribed.has(did)) continue
        const answering = reply && reply.connectionId === connection.id
        send(connection, { cmd: 's2c_noti', ...(answering ? { res_sn: reply.sn } : {}), data: { did, attrs } })
      }
    }
  }
  const onOnline = (did: string, online: boolean) => {
    const device = world.devices.get(did)!
    for (const uid of world.usersBoundTo(did)) {
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
  world.on('report', onReport)
  world.on('online', onOnline)
  world.on('binding', onBinding)

  const handle = (connection: Connection, frame: Record<string, unknown>) => {
    const data = frame.data as Record<string, unknown> | undefined
    if (frame.cmd === 'ping') {
      if (!connection.uid) return invalid(connection, WsErrorCode.NOT_LOGGED_IN, 'Websocket client not login!')
      armHeartbeat(connection)
      return send(connection, { cmd: 'pong' })
    }
    if (frame.cmd === 'login_req') {
      const token = world.checkToken(typeof data?.token === 'string' ? data.token : undefined)
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
      if (data?.auto_subscribe !== false) for (const binding of world.bindingsOf(token.uid)) connection.subscribed.add(binding.did)
      armHeartbeat(connection)
      return send(connection, { cmd: 'login_res', data: { success: true } })
    }
    if (!connection.uid) return invalid(connection, WsErrorCode.NOT_LOGGED_IN, 'Websocket client not login!')
    const uid = connection.uid

    if (frame.cmd === 'subscribe_req') {
      if (!Array.isArray(frame.data)) return invalid(connection, SANDBOX_WS_ERRORS.BAD_FRAME, 'subscribe_req data must be an array')
      const success = []
      const failed = []
      for (const item of frame.data as Array<{ did?: unknown }>) {
        const did = typeof item?.did === 'string' ? item.did : ''
        if (world.binding(uid, did)) {
          connection.subscribed.add(did)
          success.push({ did, error_code: 0, msg: 'ok' })
        } else failed.push({ did, error_code: 9017, msg: 'device not bound!' })
      }
      return send(connection, { cmd: 'subscribe_res', data: { success, failed } })
    }

    const did = typeof data?.did === 'string' ? data.did : ''
    const reqSn = typeof frame.req_sn === 'number' ? frame.req_sn : undefined
    if (frame.cmd === 'c2s_read' || frame.cmd === 'c2s_write') {
      if (!world.binding(uid, did)) return invalid(connection, SANDBOX_WS_ERRORS.DEVICE_NOT_BOUND, `device not bound: ${did}`)
      const device = world.devices.get(did)!
      if (!device.online) return invalid(connection, SANDBOX_WS_ERRORS.DEVICE_OFFLINE, `device offline: ${did}`)
      if (frame.cmd === 'c2s_read') return send(connection, fullStatus(did, reqSn === undefined ? undefined : { res_sn: reqSn }))
      const attrs = data?.attrs
      if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) return invalid(connection, SANDBOX_WS_ERRORS.ATTR_INVALID, 'attrs must be an object')
      for (const [name, value] of Object.entries(attrs as Record<string, AttrValue>)) {
        const problem = rejectWrite(world.attrDef(did, name), value, 'ws')
        if (problem) return invalid(connection, SANDBOX_WS_ERRORS.ATTR_INVALID, problem)
      }
      return simulator.write(did, attrs as Attrs, reqSn === undefined ? undefined : { uid, connectionId: connection.id, sn: reqSn })
    }
    if (frame.cmd === 'c2s_ack' || frame.cmd === 'c2s_raw') return
    invalid(connection, SANDBOX_WS_ERRORS.BAD_FRAME, `unknown cmd: ${String(frame.cmd)}`)
  }

  app.get('/ws/app/v1', { websocket: true }, (socket) => {
    const connection: Connection = { id: nextId++, socket, uid: null, subscribed: new Set(), heartbeat: undefined, heartbeatMs: MAX_HEARTBEAT_INTERVAL_S * 1000 }
    armHeartbeat(connection)
    socket.on('message', (raw) => {
      let frame: unknown
      try {
        frame = JSON.parse(String(raw))
      } catch {
        return invalid(connection, SANDBOX_WS_ERRORS.BAD_FRAME, 'frames must be JSON')
      }
      if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return invalid(connection, SANDBOX_WS_ERRORS.BAD_FRAME, 'frames must be JSON objects')
      handle(connection, frame as Record<string, unknown>)
    })
    socket.on('close', () => {
      clearTimeout(connection.heartbeat)
      logout(connection)
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
      world.off('report', onReport)
      world.off('online', onOnline)
      world.off('binding', onBinding)
      for (const connections of byUser.values()) for (const connection of connections) clearTimeout(connection.heartbeat)
    },
  }
}
