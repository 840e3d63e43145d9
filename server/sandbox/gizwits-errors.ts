// Open API errors as the cloud sends them: integer error_code, the table's error_message, detail_message, and
// the HTTP status the cloud uses for each code (research/gizwits.md §2.3).
import type { FastifyReply } from 'fastify'
import type { GizwitsErrorBody } from '@shared/open-api'

const ERRORS: Record<number, [status: number, message: string]> = {
  9001: [400, 'mac already registered!'],
  9002: [400, 'product_key invalid'],
  9003: [400, 'appid invalid'],
  9004: [400, 'token invalid!'],
  9005: [400, 'user not exist'],
  9006: [400, 'token expired'],
  9008: [500, 'server error'],
  9014: [404, 'device not found!'],
  9015: [400, 'form invalid!'],
  9016: [400, 'did or passcode invalid!'],
  9017: [401, 'device not bound!'],
  9019: [400, 'username unavailable!'],
  9020: [400, 'username or password error!'],
  9022: [400, 'email unavailable!'],
  9021: [400, 'send command failed!'],
  9025: [400, 'attr invalid!'],
  9041: [429, 'request was throttled'],
  9042: [400, 'device offline!'],
  9043: [400, 'X-Gizwits-Timestamp invalid!'],
  9044: [400, 'X-Gizwits-Signature invalid!'],
  9040: [400, 'bad qrcode content!'],
  9080: [400, 'can not share device to self!'],
  9081: [400, 'guest or normal user can not share device!'],
  9082: [400, 'guest user not found!'],
  9083: [400, 'guest user alread bound!'],
  9084: [400, 'sharing record not found!'],
  9085: [400, 'message record not found!'],
  9087: [400, 'sharing alread created,waiting for the guest to accept!'],
  9088: [400, 'sharing record expired!'],
  9089: [400, 'sharing record status is not unaccept!'],
  9090: [400, 'owner binding disabled!'],
  9092: [400, 'owner exist, guest can not bind!'],
  9093: [400, 'permission denied, you are not owner!'],
  9094: [400, 'sharing already canceled!'],
  9095: [400, 'can not unbind self!'],
  9096: [400, 'permission denied, you are not guest!'],
  9100: [400, 'permission denied, you are not owner or guest!'],
  9101: [400, 'permission denied, you are not the receiver!'],
}

export class GizwitsFailure extends Error {
  /** `status` overrides the code's usual HTTP status (unknown paths and methods: 404, 405). */
  constructor(readonly code: number, readonly detail: string | null = null, readonly status: number | null = null) {
    super(ERRORS[code]?.[1] ?? 'server error')
  }
}

export function sendFailure(reply: FastifyReply, failure: GizwitsFailure): FastifyReply {
  const [usual, message] = ERRORS[failure.code] ?? [500, 'server error']
  const status = failure.status ?? usual
  const body: GizwitsErrorBody = { error_code: failure.code, error_message: message, detail_message: failure.detail }
  return reply.status(status).send(body)
}
