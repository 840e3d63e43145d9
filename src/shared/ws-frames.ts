// Frames of the Gizwits app WebSocket (`/ws/app/v1`: JSON text frames, each with a `cmd`, over which the app logs
// in with its appid and user token, subscribes to devices and reads and writes datapoints), and of our page socket
// `/ws`, which reuses the same command names and shapes and adds only what a page needs beyond them. The page
// socket's frames are declared once, as JSON Schema literals (TypeBox infers their types and accepts them as
// schemas), and checked with the same compiled checks on both ends: `checkPageClientFrame` in the BFF,
// `checkPageServerFrame` in the SPA.
import type { Static } from 'typebox'
import type { Attrs } from './open-api'
import { compileSchema } from './schema-check'

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

/** `s2c_invalid_msg` codes the real cloud sends: not logged in, socket replaced (log in again), heartbeat missed. */
export const WsErrorCode = {
  NOT_LOGGED_IN: 1003,
  SOCKET_CLOSED_LOGIN_AGAIN: 1009,
  NO_HEARTBEAT: 1011,
} as const

/** Longest heartbeat interval the cloud accepts, seconds. */
export const MAX_HEARTBEAT_INTERVAL_S = 180

// ---- Page socket `/ws` (BFF ↔ page). Authenticated by the session cookie before the upgrade (a socket without a
// session is never opened, so no close code says so); no login frame. ----

/** A command id the page makes up (random), so a retry or a question after a reconnect names the same command. */
const COMMAND_ID_SOURCE = '^[A-Za-z0-9_-]{8,64}$'
export const COMMAND_ID_PATTERN = new RegExp(COMMAND_ID_SOURCE)
/** Most command ids one `c2s_command_status` may ask about. */
export const MAX_COMMAND_STATUS_IDS = 50
/** Most devices one `subscribe_req` may name. */
export const MAX_SUBSCRIBE_DIDS = 200
/** Most datapoints one `c2s_write` may carry (as the REST control route). */
export const MAX_WRITE_ATTRS = 64

const Did = { type: 'string', minLength: 1, maxLength: 64 } as const
const CommandId = { type: 'string', pattern: COMMAND_ID_SOURCE } as const
/** A datapoint value as the cloud reports it: bool, number, enum text, or bytes. */
const AttrValue = { anyOf: [{ type: 'boolean' }, { type: 'number' }, { type: 'string' }, { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 } }] } as const
const AttrsSchema = { type: 'object', additionalProperties: AttrValue } as const

// ---- Page socket: page → BFF ----
// Each frame is checked for what the BFF needs to route it; the datapoints of a write are checked against the
// product's definition afterwards (answered in `s2c_write_res`), and extra fields are ignored, as the cloud does.

export const PagePing = { type: 'object', properties: { cmd: { const: 'ping' } }, required: ['cmd'] } as const
export const PageSubscribeReq = {
  type: 'object',
  properties: { cmd: { const: 'subscribe_req' }, data: { type: 'array', maxItems: MAX_SUBSCRIBE_DIDS, items: { type: 'object', properties: { did: { type: 'string' } }, required: ['did'] } } },
  required: ['cmd', 'data'],
} as const
export const PageC2sRead = {
  type: 'object',
  properties: { cmd: { const: 'c2s_read' }, data: { type: 'object', properties: { did: Did }, required: ['did'] } },
  required: ['cmd', 'data'],
} as const
/** A page's write: the Gizwits frame plus the page's command id (a retry with the same id is never sent twice). */
export const PageC2sWrite = {
  type: 'object',
  properties: {
    cmd: { const: 'c2s_write' },
    req_sn: { type: 'integer' },
    id: CommandId,
    // At least one datapoint, as the REST route demands: an empty write would reach the cloud and be "ok".
    data: { type: 'object', properties: { did: Did, attrs: { type: 'object', minProperties: 1, maxProperties: MAX_WRITE_ATTRS } }, required: ['did', 'attrs'] },
  },
  required: ['cmd', 'data'],
} as const
/** What became of these commands (asked after a reconnect or a reload). */
export const C2sCommandStatus = {
  type: 'object',
  properties: { cmd: { const: 'c2s_command_status' }, data: { type: 'object', properties: { ids: { type: 'array', maxItems: MAX_COMMAND_STATUS_IDS, items: CommandId } }, required: ['ids'] } },
  required: ['cmd', 'data'],
} as const
/** What a page may send: the Gizwits frames, minus login, plus the command status question. */
export const PageClientFrame = { anyOf: [PagePing, PageSubscribeReq, PageC2sRead, PageC2sWrite, C2sCommandStatus] } as const

type Write = Static<typeof PageC2sWrite>
/** The datapoints of a checked write: their values are judged against the product's definition next. */
export type PageC2sWrite = Omit<Write, 'data'> & { data: { did: string; attrs: Attrs } }
export type PageClientFrame = Exclude<Static<typeof PageClientFrame>, { cmd: 'c2s_write' }> | PageC2sWrite
/** The BFF's check of every frame a page sends. */
export const checkPageClientFrame = /* @__PURE__ */ compileSchema(PageClientFrame) as (value: unknown) => value is PageClientFrame

// ---- Page socket: BFF → page ----

/**
 * Where a command is, as the BFF records it:
 * queued — waiting for a link to the cloud proven alive, nothing sent yet;
 * sent — on the wire to the cloud: its fate belongs to the device, whose own report decides what is shown;
 * confirmed — the device reported it; expired — its window passed before it could be sent: nothing changed;
 * failed — refused before sending (not bound, invalid, offline): nothing changed;
 * unknown — the BFF never received it (so never sent it).
 */
const CommandOutcomeSchema = { enum: ['queued', 'sent', 'confirmed', 'expired', 'failed', 'unknown'] } as const
export type CommandOutcome = Static<typeof CommandOutcomeSchema>

const SubscribeItem = { type: 'object', properties: { did: { type: 'string' }, error_code: { type: 'integer' }, msg: { type: 'string' } }, required: ['did', 'error_code', 'msg'] } as const
const serverFrame = <const Cmd extends string, const Data extends object>(cmd: Cmd, data: Data) =>
  ({ type: 'object', properties: { cmd: { const: cmd }, data }, required: ['cmd', 'data'] }) as const

export const PageServerFrame = {
  anyOf: [
    serverFrame('subscribe_res', { type: 'object', properties: { success: { type: 'array', items: SubscribeItem }, failed: { type: 'array', items: SubscribeItem } }, required: ['success', 'failed'] }),
    // `res_sn` answers the page's own write (echoed from its req_sn, as the cloud does).
    { type: 'object', properties: { cmd: { const: 's2c_noti' }, res_sn: { type: 'integer' }, data: { type: 'object', properties: { did: { type: 'string' }, attrs: AttrsSchema }, required: ['did', 'attrs'] } }, required: ['cmd', 'data'] },
    serverFrame('s2c_online_status', { type: 'object', properties: { did: { type: 'string' }, passcode: { type: 'string' }, mac: { type: 'string' }, online: { type: 'boolean' } }, required: ['did', 'passcode', 'mac', 'online'] }),
    serverFrame('s2c_binding_changed', { type: 'object', properties: { did: { type: 'string' }, bind: { type: 'boolean' } }, required: ['did', 'bind'] }),
    { type: 'object', properties: { cmd: { const: 'pong' } }, required: ['cmd'] },
    serverFrame('s2c_invalid_msg', { type: 'object', properties: { error_code: { type: 'integer' }, msg: { type: 'string' } }, required: ['error_code', 'msg'] }),
    /**
     * Outcome of a page's `c2s_write`, keyed by its `req_sn` (echoed as `res_sn`, as the cloud does).
     * `ok: true` means the cloud took it (state `sent`, or `confirmed` for a retry); the device confirms later with
     * its own `s2c_noti`. `ok: false` means it was not sent and nothing changed (state `failed` or `expired`).
     */
    {
      type: 'object',
      properties: {
        cmd: { const: 's2c_write_res' },
        res_sn: { type: 'integer' },
        data: { type: 'object', properties: { did: { type: 'string' }, ok: { type: 'boolean' }, id: { type: 'string' }, state: CommandOutcomeSchema, error_code: { type: 'string' }, msg: { type: 'string' } }, required: ['did', 'ok'] },
      },
      required: ['cmd', 'res_sn', 'data'],
    },
    /** Answer to `c2s_command_status`, one entry per id asked. */
    serverFrame('s2c_command_status', { type: 'object', properties: { commands: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, state: CommandOutcomeSchema }, required: ['id', 'state'] } } }, required: ['commands'] }),
    /** Whether the BFF's own connection to the cloud is up, for this user. Sent on connect and on every change. */
    serverFrame('s2c_cloud_status', { type: 'object', properties: { connected: { type: 'boolean' } }, required: ['connected'] }),
    /** A new alert or recovery for this user (issue 13): a banner on whatever page is open. */
    serverFrame('s2c_alert', {
      type: 'object',
      properties: { id: { type: 'integer' }, did: { type: 'string' }, device_name: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' }, edge: { enum: ['fire', 'clear'] }, created_at: { type: 'number' } },
      required: ['id', 'did', 'device_name', 'title', 'detail', 'edge', 'created_at'],
    }),
  ],
} as const
export type PageServerFrame = Static<typeof PageServerFrame>
export type S2cWriteRes = Extract<PageServerFrame, { cmd: 's2c_write_res' }>
/** The SPA's check of every frame the BFF sends. */
export const checkPageServerFrame = /* @__PURE__ */ compileSchema(PageServerFrame) as (value: unknown) => value is PageServerFrame

/** Page socket error codes carried in `s2c_invalid_msg` (ours, above the cloud's range). */
export const PageWsErrorCode = {
  BAD_FRAME: 4400,
  NOT_BOUND: 4403,
  UNKNOWN_CMD: 4404,
  /** Too many frames: this one was refused and nothing was forwarded. */
  RATE_LIMITED: 4429,
} as const

/** Why a write was not sent, in `s2c_write_res` (a datapoint check that refused it gives its own code). */
export const WriteErrorCode = {
  NOT_BOUND: 'not_bound',
  /** Its window passed before a live link could carry it: nothing changed. */
  NOT_SENT: 'not_sent',
  DEVICE_OFFLINE: 'device_offline',
  CLOUD_UNAVAILABLE: 'cloud_unavailable',
  RATE_LIMITED: 'rate_limited',
} as const

/** Close codes of the page socket (application range 4000–4999, and the standard ones we use). */
export const PageWsCloseCode = {
  /** The socket kept sending past its limit. */
  FLOODING: 4429,
  /** RFC 6455's "service restart": this BFF is stopping gracefully; reconnect at once (to another instance). */
  SERVICE_RESTART: 1012,
} as const
