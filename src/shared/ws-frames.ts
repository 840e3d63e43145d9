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

/** A command id the page makes up (random), so a retry or a question after a reconnect names the same command. */
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/
/** Most command ids one `c2s_command_status` may ask about. */
export const MAX_COMMAND_STATUS_IDS = 50

/** A page's write: the Gizwits frame plus the page's command id (a retry with the same id is never sent twice). */
export interface PageC2sWrite { cmd: 'c2s_write'; req_sn?: number; id?: string; data: { did: string; attrs: Attrs } }
/** What became of these commands (asked after a reconnect or a reload). */
export interface C2sCommandStatus { cmd: 'c2s_command_status'; data: { ids: string[] } }

/** What a page may send: the Gizwits frames, minus login, plus the command status question. */
export type PageClientFrame = SubscribeReq | C2sRead | PageC2sWrite | C2sCommandStatus | Ping

/**
 * Where a command is, as the BFF records it:
 * queued — waiting for a link to the cloud proven alive, nothing sent yet;
 * sent — on the wire to the cloud: its fate belongs to the device, whose own report decides what is shown;
 * confirmed — the device reported it; expired — its window passed before it could be sent: nothing changed;
 * failed — refused before sending (not bound, invalid, offline): nothing changed;
 * unknown — the BFF never received it (so never sent it).
 */
export type CommandOutcome = 'queued' | 'sent' | 'confirmed' | 'expired' | 'failed' | 'unknown'

/**
 * Outcome of a page's `c2s_write`, keyed by its `req_sn` (echoed as `res_sn`, as the cloud does).
 * `ok: true` means the cloud took it (state `sent`, or `confirmed` for a retry); the device confirms later with its
 * own `s2c_noti`. `ok: false` means it was not sent and nothing changed (state `failed` or `expired`).
 */
export interface S2cWriteRes {
  cmd: 's2c_write_res'
  res_sn: number
  data: { did: string; ok: boolean; id?: string; state?: CommandOutcome; error_code?: string; msg?: string }
}

/** Answer to `c2s_command_status`, one entry per id asked. */
export interface S2cCommandStatus { cmd: 's2c_command_status'; data: { commands: Array<{ id: string; state: CommandOutcome }> } }

/** Whether the BFF's own connection to the cloud is up, for this user. Sent on connect and on every change. */
export interface S2cCloudStatus { cmd: 's2c_cloud_status'; data: { connected: boolean } }

export type PageServerFrame =
  | SubscribeRes | S2cNoti | S2cOnlineStatus | S2cBindingChanged | Pong | S2cInvalidMsg | S2cWriteRes | S2cCommandStatus | S2cCloudStatus

/** Page socket error codes carried in `s2c_invalid_msg` (ours, above the cloud's range). */
export const PageWsErrorCode = {
  BAD_FRAME: 4400,
  NOT_BOUND: 4403,
  UNKNOWN_CMD: 4404,
  /** Too many frames: this one was refused and nothing was forwarded. */
  RATE_LIMITED: 4429,
} as const

/** Close codes of the page socket (application range 4000–4999). */
export const PageWsCloseCode = {
  NOT_LOGGED_IN: 4401,
  /** The socket kept sending past its limit. */
  FLOODING: 4429,
} as const
