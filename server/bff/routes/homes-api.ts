// Homes and rooms (/api/homes) and sharing a home: the vendor's own routes (Gizwits has no homes), checked per
// user like every other route — only a home's owner arranges it, only devices the user is bound to are placed,
// and a member is never told about homes or devices beyond the ones shared with them. The rules live in
// homes/home-service.ts; this file is the HTTP face.
import { createHash, randomBytes } from 'node:crypto'
import { Type } from 'typebox'
import { EmptyObject } from '@shared/open-api'
import {
  HomeId, HomeInvitation, HomeInviteAnswer, HomeInviteBody, HomeInviteCode, HomeInviteCreated, HomeInviteId, HomeMembers, HomesView, HomeView,
  MemberParams, NameBody, PlaceDeviceBody, PlaceDeviceParams, RoomOrderBody, RoomParams, RoomView,
} from '@shared/homes'
import type { Context } from '../context'
import { ApiError } from '../errors'
import type { HomeService } from '../homes/home-service'
import { localeFrom } from '../i18n/messages'
import type { Home } from '../store/home-store'
import { errorResponses as errors, type RouteScope } from './route-schemas'

/** As Gizwits' own invitations: a user invitation lasts a day, a QR code 15 minutes (seed 003 设备分享). */
const USER_INVITE_S = 24 * 3600
const QR_INVITE_S = 15 * 60
const nowS = () => Math.floor(Date.now() / 1000)
const hashCode = (code: string) => createHash('sha256').update(code).digest('hex')
const nameOf = (name: string) => {
  const trimmed = name.trim()
  if (trimmed === '') throw new ApiError(400, 'name_blank', 'name_blank')
  return trimmed
}

export async function homesRoutes(app: RouteScope, context: Context, homes: HomeService): Promise<void> {
  const { store } = homes
  const localeOf = (request: { headers: Record<string, string | string[] | undefined> }) => localeFrom(request.headers['accept-language'] as string | undefined)

  app.get('/api/homes', { schema: { response: { 200: HomesView, ...errors } } }, async (request) => ({ homes: await homes.view(request.openid, localeOf(request)) }))

  app.post('/api/homes', { schema: { body: NameBody, response: { 201: HomeView, ...errors } } }, async (request, reply) => {
    const home = await homes.createHome(request.openid, nameOf(request.body.name), localeOf(request))
    const rooms = await store.roomsOf([home.id])
    return reply.status(201).send({ id: home.id, name: home.name, role: 'owner' as const, rooms: rooms.map(({ id, name }) => ({ id, name })), devices: [] })
  })

  app.put('/api/homes/:homeId', { schema: { params: HomeId, body: NameBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    await store.renameHome(home.id, nameOf(request.body.name))
    return {}
  })

  app.delete('/api/homes/:homeId', { schema: { params: HomeId, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    await homes.deleteHome(request.openid, home, localeOf(request))
    return {}
  })

  // ---- rooms ----
  app.post('/api/homes/:homeId/rooms', { schema: { params: HomeId, body: NameBody, response: { 201: RoomView, ...errors } } }, async (request, reply) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const room = await homes.addRoom(home, nameOf(request.body.name))
    return reply.status(201).send({ id: room.id, name: room.name })
  })

  app.put('/api/homes/:homeId/rooms/:roomId', { schema: { params: RoomParams, body: NameBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const room = await homes.roomOf(home, request.params.roomId)
    await store.renameRoom(room.id, nameOf(request.body.name))
    return {}
  })

  // The room's devices stay in the home, in 未分配.
  app.delete('/api/homes/:homeId/rooms/:roomId', { schema: { params: RoomParams, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const room = await homes.roomOf(home, request.params.roomId)
    await store.deleteRoom(room.id)
    return {}
  })

  app.put('/api/homes/:homeId/room_order', { schema: { params: HomeId, body: RoomOrderBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const rooms = new Set((await store.roomsOf([home.id])).map((room) => room.id))
    const order = request.body.room_ids
    if (order.length !== rooms.size || order.some((id) => !rooms.has(id))) throw new ApiError(400, 'room_order_invalid', 'room_order_invalid')
    await store.reorderRooms(home.id, order)
    return {}
  })

  // Only a device the user is bound to, into a home they own (a foreign device is "not found", as everywhere).
  app.put('/api/homes/devices/:did', { schema: { params: PlaceDeviceParams, body: PlaceDeviceBody, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    await homes.placeDevice(request.openid, request.params.did, request.body.home_id, request.body.room_id)
    return {}
  })

  // ---- sharing a home ----
  app.post('/api/homes/:homeId/invitations', { schema: { params: HomeId, body: HomeInviteBody, response: { 201: HomeInviteCreated, ...errors } } }, async (request, reply) => {
    const { openid, body } = request
    const home = await homes.ownedHome(openid, request.params.homeId)
    if (body.type === 'qr') {
      const code = randomBytes(16).toString('hex')
      const expiresAt = nowS() + QR_INVITE_S
      const id = await store.createInvitation({ homeId: home.id, codeHash: hashCode(code), inviteeOpenid: null, expiresAt })
      return reply.status(201).send({ id, code, expires_at: expiresAt })
    }
    const invitee = await store.openidOfUid(body.uid)
    if (!invitee) throw new ApiError(404, 'guest_not_found', 'guest_not_found')
    if (invitee === openid) throw new ApiError(409, 'own_home', 'own_home')
    if ((await store.membersOf(home.id)).some((member) => member.openid === invitee)) throw new ApiError(409, 'already_member', 'already_member')
    const expiresAt = nowS() + USER_INVITE_S
    const id = await store.createInvitation({ homeId: home.id, codeHash: null, inviteeOpenid: invitee, expiresAt })
    return reply.status(201).send({ id, code: null, expires_at: expiresAt })
  })

  const describe = async (invitation: { id: number; home_id: number; expires_at: number }, home: Home) => {
    const nickname = await context.users.nickname(home.owner_openid)
    return { id: invitation.id, home_id: home.id, home_name: home.name, expires_at: invitation.expires_at, ...(nickname ? { owner_nickname: nickname } : {}) }
  }

  /** An open invitation and its home, or the reason it cannot be used. */
  const openInvitation = async (invitation: Awaited<ReturnType<typeof store.invitation>>) => {
    if (!invitation) throw new ApiError(404, 'home_invite_not_found', 'home_invite_not_found')
    if (invitation.status !== 'waiting') throw new ApiError(409, 'home_invite_closed', 'home_invite_closed')
    if (invitation.expires_at <= nowS()) throw new ApiError(410, 'home_invite_expired', 'home_invite_expired')
    const home = await store.home(invitation.home_id)
    if (!home) throw new ApiError(404, 'home_invite_not_found', 'home_invite_not_found')
    return { invitation, home }
  }

  app.get('/api/homes/invitations', { schema: { response: { 200: Type.Array(HomeInvitation), ...errors } } }, async (request) => {
    const found = []
    for (const invitation of await store.invitationsFor(request.openid, nowS())) {
      const home = await store.home(invitation.home_id)
      if (home) found.push(await describe(invitation, home))
    }
    return found
  })

  app.put('/api/homes/invitations/:id', { schema: { params: HomeInviteId, body: HomeInviteAnswer, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const { openid } = request
    const stored = await store.invitation(request.params.id)
    // Someone else's invitation is not found, not "not yours": ids tell nothing.
    const { invitation, home } = await openInvitation(stored?.invitee_openid === openid ? stored : null)
    await store.setInvitationStatus(invitation.id, request.body.accept ? 'accepted' : 'rejected')
    if (request.body.accept) await homes.join(home, openid)
    return {}
  })

  app.get('/api/homes/invitations/code/:code', { schema: { params: HomeInviteCode, response: { 200: HomeInvitation, ...errors } } }, async (request) => {
    const { invitation, home } = await openInvitation(await store.invitationByCode(hashCode(request.params.code)))
    if (home.owner_openid === request.openid) throw new ApiError(409, 'own_home', 'own_home')
    return describe(invitation, home)
  })

  app.post('/api/homes/invitations/code/:code', { schema: { params: HomeInviteCode, response: { 201: EmptyObject, ...errors } } }, async (request, reply) => {
    const { invitation, home } = await openInvitation(await store.invitationByCode(hashCode(request.params.code)))
    await homes.join(home, request.openid)
    await store.setInvitationStatus(invitation.id, 'accepted')
    return reply.status(201).send({})
  })

  app.delete('/api/homes/:homeId/invitations/:id', { schema: { params: Type.Object({ homeId: HomeId.properties.homeId, id: HomeInviteId.properties.id }, { additionalProperties: false }), response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const invitation = await store.invitation(request.params.id)
    if (!invitation || invitation.home_id !== home.id) throw new ApiError(404, 'home_invite_not_found', 'home_invite_not_found')
    await store.setInvitationStatus(invitation.id, 'cancelled')
    return {}
  })

  app.get('/api/homes/:homeId/members', { schema: { params: HomeId, response: { 200: HomeMembers, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const members = (await store.membersOf(home.id)).filter((member) => member.uid)
    const nicknames = await context.users.nicknamesByUid(members.map((member) => member.uid!))
    const invitations = await store.invitationsOfHome(home.id, nowS())
    const inviteeUids = new Map<string, string>()
    for (const invitation of invitations) {
      if (invitation.invitee_openid) inviteeUids.set(invitation.invitee_openid, (await context.accounts.credentials(invitation.invitee_openid).catch(() => null))?.uid ?? '')
    }
    return {
      members: members.map((member) => ({ uid: member.uid!, joined_at: member.joined_at, ...(nicknames.has(member.uid!) ? { nickname: nicknames.get(member.uid!) } : {}) })),
      invitations: invitations.map((invitation) => ({ id: invitation.id, uid: invitation.invitee_openid ? inviteeUids.get(invitation.invitee_openid) || null : null, expires_at: invitation.expires_at })),
    }
  })

  app.delete('/api/homes/:homeId/members/:uid', { schema: { params: MemberParams, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await homes.ownedHome(request.openid, request.params.homeId)
    const member = (await store.membersOf(home.id)).find((row) => row.uid === request.params.uid)
    if (!member) throw new ApiError(404, 'member_not_found', 'member_not_found')
    await homes.removeMember(home, member.openid)
    return {}
  })

  // A member leaves a home shared with them.
  app.delete('/api/homes/:homeId/membership', { schema: { params: HomeId, response: { 200: EmptyObject, ...errors } } }, async (request) => {
    const home = await store.home(request.params.homeId)
    const isMember = home && (await store.membersOf(home.id)).some((row) => row.openid === request.openid)
    if (!home || !isMember) throw new ApiError(404, 'home_not_found', 'home_not_found')
    await homes.removeMember(home, request.openid)
    return {}
  })
}
