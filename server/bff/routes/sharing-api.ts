// Sharing, guests and the message centre (seed 003), relayed under /api/app with Gizwits' paths and shapes.
// What only an owner may do is checked here first, so a guest is refused by us and never reaches the cloud.
import { Type } from 'typebox'
import {
  EmptyObject, MessageList, MessagesQuery, SharingCodeInfo, SharingCreateBody, SharingCreated, SharingIdResult,
  SharingQuery, SharingStatus, SharingType, type Sharing,
} from '@shared/open-api'
import { NamedGuest, NamedSharingList } from '@shared/api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { Did, errorResponses as errors, type RouteScope } from './route-schemas'

const SharingId = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 }) }, { additionalProperties: false })
const Code = Type.Object({ code: Type.String({ pattern: '^[0-9a-zA-Z]{8,64}$' }) }, { additionalProperties: false })
const GuestUid = Type.Object({ uid: Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' }) }, { additionalProperties: false })
const MessageId = Type.Object({ id: Type.String({ pattern: '^[0-9a-zA-Z]{1,64}$' }) }, { additionalProperties: false })
const StatusQuery = Type.Object({ status: Type.Union([Type.Literal(1), Type.Literal(2)]) }, { additionalProperties: false })

export async function sharingRoutes(app: RouteScope, context: Context): Promise<void> {
  const { access, accounts, bindingChanges, client } = context

  /** The user's binding of the device, which must be the owner's; `special` may share (it makes them owner). */
  const requireOwner = async (openid: string, did: string, { sharing = false } = {}) => {
    const device = await access.boundDevice(openid, did)
    const allowed = device.role === 'owner' || (sharing && device.role === 'special')
    if (!allowed) throw new ApiError(403, 'not_owner', sharing ? 'only_owner_can_share' : 'not_owner')
    return device
  }

  /** One of the invitations this user sent, or 404: nobody acts on records that are not theirs. */
  const ownSharing = async (openid: string, id: number): Promise<Sharing> => {
    for (let skip = 0; ; skip += 100) {
      const page = await accounts.withToken(openid, (token) => client.listSharings(token, { sharing_type: 0, limit: 100, skip }))
      const found = page.objects.find((sharing) => sharing.id === id)
      if (found) return found
      if (page.objects.length < 100) throw new ApiError(404, 'sharing_not_found', 'sharing_not_found')
    }
  }

  app.post('/api/app/sharing', { schema: { body: SharingCreateBody, response: { 201: SharingCreated, ...errors } } }, async (request, reply) => {
    const { openid } = request
    const body = request.body
    const device = await requireOwner(openid, body.did, { sharing: true })
    // A sub-device is shared with its gateway (gizwits/device-access.ts): alone, the guest could not see it.
    if (device.type === 'sub_dev') throw new ApiError(400, 'share_the_gateway', 'share_the_gateway')
    const created = await accounts.withToken(openid, (token) => client.createSharing(token, body))
    bindingChanges.userChanged(openid)
    return reply.status(201).send(created)
  })

  // Each invitation names the other party (the guest for its owner, the owner for its guest) by the WeChat
  // nickname they gave us, when they did.
  app.get('/api/app/sharing', { schema: { querystring: SharingQuery, response: { 200: NamedSharingList, ...errors } } }, async (request) => {
    const { openid } = request
    const list = await accounts.withToken(openid, (token) => client.listSharings(token, request.query))
    const nicknames = await context.users.nicknamesByUid(list.objects.flatMap((sharing) => (sharing.uid ? [sharing.uid] : [])))
    return { ...list, objects: list.objects.map((sharing) => (sharing.uid && nicknames.has(sharing.uid) ? { ...sharing, nickname: nicknames.get(sharing.uid) } : sharing)) }
  })

  app.delete('/api/app/sharing/:id', { schema: { params: SharingId, response: { 200: SharingIdResult, ...errors } } }, async (request) => {
    const { openid } = request
    const { id } = request.params
    const sharing = await ownSharing(openid, id)
    if (sharing.type === SharingType.QR && sharing.status === SharingStatus.ACCEPTED) throw new ApiError(409, 'qr_share_not_revocable', 'qr_share_not_revocable')
    return accounts.withToken(openid, (token) => client.cancelSharing(token, id))
  })

  app.put('/api/app/sharing/:id', {
    schema: { params: SharingId, querystring: StatusQuery, response: { 200: SharingIdResult, ...errors } },
  }, async (request) => {
    const { openid } = request
    const { id } = request.params
    const result = await accounts.withToken(openid, (token) => client.respondToSharing(token, id, request.query.status === 1))
    bindingChanges.userChanged(openid)
    return result
  })

  app.put('/api/app/sharing/:id/alias', {
    schema: { params: SharingId, querystring: Type.Object({ user_alias: Type.String({ maxLength: 30, pattern: '^[^\\x00-\\x1f\\x7f]*$' }) }, { additionalProperties: false }), response: { 200: EmptyObject, ...errors } },
  }, async (request) => {
    const { openid } = request
    const { id } = request.params
    await ownSharing(openid, id)
    await accounts.withToken(openid, (token) => client.setGuestAlias(token, id, request.query.user_alias.trim()))
    return {}
  })

  app.get('/api/app/sharing/code/:code', { schema: { params: Code, response: { 200: SharingCodeInfo, ...errors } } }, async (request) => {
    const { openid } = request
    return accounts.withToken(openid, (token) => client.sharingCodeInfo(token, request.params.code))
  })

  app.post('/api/app/sharing/code/:code', { schema: { params: Code, response: { 201: EmptyObject, ...errors } } }, async (request, reply) => {
    const { openid } = request
    await accounts.withToken(openid, (token) => client.acceptSharingCode(token, request.params.code))
    bindingChanges.userChanged(openid)
    return reply.status(201).send({})
  })

  app.post('/api/app/sharing/:did/transfer', { schema: { params: Did, querystring: GuestUid, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await requireOwner(openid, did)
    await accounts.withToken(openid, (token) => client.transferOwnership(token, did, request.query.uid))
    bindingChanges.devicesChanged([did], openid)
    return {}
  })

  // Guests who are our users and gave their WeChat nickname are listed by it, not by the cloud's masked name.
  app.get('/api/app/:did/bindings', { schema: { params: Did, response: { 200: Type.Array(NamedGuest), ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await requireOwner(openid, did)
    const guests = await accounts.withToken(openid, (token) => client.guests(token, did))
    const nicknames = await context.users.nicknamesByUid(guests.map((guest) => guest.uid))
    return guests.map((guest) => (nicknames.has(guest.uid) ? { ...guest, nickname: nicknames.get(guest.uid) } : guest))
  })

  app.delete('/api/app/:did/bindings', { schema: { params: Did, querystring: GuestUid, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = request
    const { did } = request.params
    await requireOwner(openid, did)
    await accounts.withToken(openid, (token) => client.removeGuest(token, did, request.query.uid))
    // The removed guest's cached bindings must not vouch for the device any longer.
    bindingChanges.devicesChanged([did])
    return {}
  })

  app.get('/api/app/messages', { schema: { querystring: MessagesQuery, response: { 200: MessageList, ...errors } } }, async (request) => {
    const { openid } = request
    return accounts.withToken(openid, (token) => client.messages(token, request.query))
  })

  app.put('/api/app/messages/:id', {
    schema: { params: MessageId, querystring: StatusQuery, response: { 200: EmptyObject, ...errors } },
  }, async (request) => {
    const { openid } = request
    await accounts.withToken(openid, (token) => client.markMessage(token, request.params.id, request.query.status))
    return {}
  })
}
