// Open API errors as the cloud sends them: integer error_code, the table's error_message, detail_message, and
// the HTTP status the cloud uses for each code (most are 400; 9017 is 401, 9014 404, 9041 429, 9008 500).
// Also the app WebSocket's codes the sandbox made up, where the cloud documents none.
import type { FastifyReply } from 'fastify'
import { RuleErrorCode } from '@shared/rules'
import { GizwitsErrorCode, SchedulerErrorCode, type GizwitsErrorBody } from '@shared/open-api'

/**
 * Every Open API error code the sandbox answers with: the shared table, and the account codes only the sandbox
 * uses (the BFF never registers password users, so src/shared has no names for them).
 */
export const ErrorCode = {
  ...GizwitsErrorCode,
  ...RuleErrorCode,
  ...SchedulerErrorCode,
  USERNAME_UNAVAILABLE: 9019,
  USERNAME_OR_PASSWORD_ERROR: 9020,
  EMAIL_UNAVAILABLE: 9022,
  SCENE_NOT_FOUND: 9220,
  SCENE_NOT_YOURS: 9221,
  /** Invented: seed 003 publishes no group codes (README, "Invented"); 9220's wording, for groups. */
  GROUP_NOT_FOUND: 9230,
} as const
type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode]

/**
 * `s2c_invalid_msg` codes for refused reads and writes on the app WebSocket. The cloud documents only 1003, 1009
 * and 1011 (`WsErrorCode`); these are ours, kept apart from them (README, "Invented").
 */
export const InventedWsErrorCode = {
  BAD_FRAME: 1000,
  DEVICE_NOT_BOUND: 1017,
  ATTR_INVALID: 1025,
  DEVICE_OFFLINE: 1042,
} as const

const ERRORS: Record<number, [status: number, message: string]> = {
  [ErrorCode.MAC_ALREADY_REGISTERED]: [400, 'mac already registered!'],
  [ErrorCode.PRODUCT_KEY_INVALID]: [400, 'product_key invalid'],
  [ErrorCode.APPID_INVALID]: [400, 'appid invalid'],
  [ErrorCode.TOKEN_INVALID]: [400, 'token invalid!'],
  [ErrorCode.USER_NOT_EXIST]: [400, 'user not exist'],
  [ErrorCode.TOKEN_EXPIRED]: [400, 'token expired'],
  [ErrorCode.SERVER_ERROR]: [500, 'server error'],
  [ErrorCode.DEVICE_NOT_FOUND]: [404, 'device not found!'],
  [ErrorCode.FORM_INVALID]: [400, 'form invalid!'],
  [ErrorCode.DID_PASSCODE_INVALID]: [400, 'did or passcode invalid!'],
  [ErrorCode.DEVICE_NOT_BOUND]: [401, 'device not bound!'],
  [ErrorCode.USERNAME_UNAVAILABLE]: [400, 'username unavailable!'],
  [ErrorCode.USERNAME_OR_PASSWORD_ERROR]: [400, 'username or password error!'],
  [ErrorCode.EMAIL_UNAVAILABLE]: [400, 'email unavailable!'],
  [ErrorCode.SCHEDULER_NOT_FOUND]: [404, 'scheduler not found!'],
  [ErrorCode.SEND_COMMAND_FAILED]: [400, 'send command failed!'],
  [ErrorCode.ATTR_INVALID]: [400, 'attr invalid!'],
  [ErrorCode.FIRMWARE_NOT_FOUND]: [400, 'firmware not found!'],
  [ErrorCode.REQUEST_THROTTLED]: [429, 'request was throttled'],
  [ErrorCode.DEVICE_OFFLINE]: [400, 'device offline!'],
  [ErrorCode.TIMESTAMP_INVALID]: [400, 'X-Gizwits-Timestamp invalid!'],
  [ErrorCode.SIGNATURE_INVALID]: [400, 'X-Gizwits-Signature invalid!'],
  [ErrorCode.BAD_QRCODE_CONTENT]: [400, 'bad qrcode content!'],
  [ErrorCode.CANNOT_SHARE_TO_SELF]: [400, 'can not share device to self!'],
  [ErrorCode.ONLY_OWNER_CAN_SHARE]: [400, 'guest or normal user can not share device!'],
  [ErrorCode.GUEST_NOT_FOUND]: [400, 'guest user not found!'],
  [ErrorCode.GUEST_ALREADY_BOUND]: [400, 'guest user alread bound!'],
  [ErrorCode.SHARING_NOT_FOUND]: [400, 'sharing record not found!'],
  [ErrorCode.MESSAGE_NOT_FOUND]: [400, 'message record not found!'],
  [ErrorCode.SHARING_WAITING]: [400, 'sharing alread created,waiting for the guest to accept!'],
  [ErrorCode.SHARING_EXPIRED]: [400, 'sharing record expired!'],
  [ErrorCode.SHARING_NOT_WAITING]: [400, 'sharing record status is not unaccept!'],
  [ErrorCode.OWNER_BINDING_DISABLED]: [400, 'owner binding disabled!'],
  [ErrorCode.OWNER_EXISTS]: [400, 'owner exist, guest can not bind!'],
  [ErrorCode.NOT_OWNER]: [400, 'permission denied, you are not owner!'],
  [ErrorCode.SHARING_ALREADY_CANCELLED]: [400, 'sharing already canceled!'],
  [ErrorCode.CANNOT_UNBIND_SELF]: [400, 'can not unbind self!'],
  [ErrorCode.NOT_GUEST]: [400, 'permission denied, you are not guest!'],
  [ErrorCode.ONLY_SELF_CAN_MODIFY_ALIAS]: [400, 'permission denied, you are not owner or guest!'],
  [ErrorCode.NOT_RECEIVER]: [400, 'permission denied, you are not the receiver!'],
  [ErrorCode.SCENE_NOT_FOUND]: [404, 'scene not found!'],
  [ErrorCode.SCENE_NOT_YOURS]: [400, 'the scene does not belong to you!'],
  [ErrorCode.GROUP_NOT_FOUND]: [404, 'group not found!'],
  // Rules: no codes in the seed's table (README, "Invented"); worded like the cloud's own messages.
  [ErrorCode.RULE_LOOP]: [400, 'rule loop detected!'],
  [ErrorCode.RULE_NOT_FOUND]: [400, 'rule not found!'],
}

export class GizwitsFailure extends Error {
  /** `status` overrides the code's usual HTTP status (unknown paths and methods: 404, 405). */
  constructor(readonly code: ErrorCodeValue, readonly detail: string | null = null, readonly status: number | null = null) {
    super(ERRORS[code]?.[1] ?? 'server error')
  }
}

export function sendFailure(reply: FastifyReply, failure: GizwitsFailure): FastifyReply {
  const [usual, message] = ERRORS[failure.code] ?? [500, 'server error']
  const status = failure.status ?? usual
  const body: GizwitsErrorBody = { error_code: failure.code, error_message: message, detail_message: failure.detail }
  return reply.status(status).send(body)
}
