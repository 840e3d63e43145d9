// Frames of the Gizwits app WebSocket (`/ws/app/v1`, research/gizwits.md §1.3), and of our page socket `/ws`,
// which reuses the same command names and shapes and adds only what a page needs beyond them.
import type { Attrs } from './open-api'

// ---- Gizwits app WebSocket: client → cloud ----
export interface LoginReq {
  cmd: 'login_req'
  data: { appid: string; uid: string; token: string; p0_type: 'attrs_v4' | 'custom'; heartbeat_interval: number; auto_subscribe?: boolean }
}
export interface SubscribeReq { cmd: 'subscribe_req'; data: Array<{ did: string }> }
export interface C2sRead { cmd: 'c2s_read'; req_sn?: number; data: { did: string; names?: string[] } }
export interface C2sWrite { cmd: 'c2s_write'; req_sn?: number; data: { did: string; attrs: Attrs } }
export interface C2sAck { cmd: 'c2s_ack'; res_sn: number; did: string }
export interface C2sRaw { cmd: 'c2s_raw'; data: { did: string; raw: number[] } }
export interface Ping { cmd: 'ping' }

// ---- Gizwits app WebSocket: cloud → client ----
export interface LoginRes { cmd: 'login_res'; data: { success: boolean } }
export interface SubscribeItem { did: string; error_code: number; msg: string }
export interface SubscribeRes { cmd: 'subscribe_res'; data: { success: SubscribeItem[]; failed: SubscribeItem[] } }
export interface S2cNoti { cmd: 's2c_noti'; req_sn?: number; res_sn?: number; data: { did: string; attrs: Attrs } }
export interface S2cOnlineStatus { cmd: 's2c_online_status'; data: { did: string; passcode: string; mac: string; online: boolean } }
export interface S2cBindingChanged { cmd: 's2c_binding_changed'; data: { did: string; bind: boolean } }
export interface S2cAck { cmd: 's2c_ack'; res_sn: number; did: string }
export interface S2cRaw { cmd: 's2c_raw'; data: { did: string; raw: number[] } }
export interface Pong { cmd: 'pong' }
export interface S2cInvalidMsg { cmd: 's2c_invalid_msg'; data: { error_code: number; msg: string } }

export type GizwitsClientFrame = LoginReq | SubscribeReq | C2sRead | C2sWrite | C2sAck | C2sRaw | Ping
export type GizwitsServerFrame =
  | LoginRes | SubscribeRes | S2cNoti | S2cOnlineStatus | S2cBindingChanged | S2cAck | S2cRaw | Pong | S2cInvalidMsg

/** `s2c_invalid_msg` codes seen from the real cloud (research/gizwits.md §1.5). */
export const WsErrorCode = {
  NOT_LOGGED_IN: 1003,
  SOCKET_CLOSED_LOGIN_AGAIN: 1009,
  NO_HEARTBEAT: 1011,
} as const

/** Longest heartbeat interval the cloud accepts, seconds. */
export const MAX_HEARTBEAT_INTERVAL_S = 180

// ---- Page socket `/ws` (BFF ↔ page). Authenticated by the session cookie; no login frame. ----

/** What a page may send: the Gizwits frames, minus login. Writes must carry a `req_sn` to get an outcome. */
export type PageClientFrame = SubscribeReq | C2sRead | C2sWrite | Ping

/**
 * Outcome of a page's `c2s_write`, keyed by its `req_sn` (echoed as `res_sn`, as the cloud does).
 * `ok: true` means the BFF validated it and the cloud took it; the device confirms later with its own `s2c_noti`.
 */
export interface S2cWriteRes {
  cmd: 's2c_write_res'
  res_sn: number
  data: { did: string; ok: boolean; error_code?: string; msg?: string }
}

/** Whether the BFF's own connection to the cloud is up, for this user. Sent on connect and on every change. */
export interface S2cCloudStatus { cmd: 's2c_cloud_status'; data: { connected: boolean } }

export type PageServerFrame =
  | SubscribeRes | S2cNoti | S2cOnlineStatus | S2cBindingChanged | Pong | S2cInvalidMsg | S2cWriteRes | S2cCloudStatus

/** Page socket error codes carried in `s2c_invalid_msg` (ours, above the cloud's range). */
export const PageWsErrorCode = {
  BAD_FRAME: 4400,
  NOT_BOUND: 4403,
  UNKNOWN_CMD: 4404,
} as const
