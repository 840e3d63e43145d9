// Shapes of the homes and rooms routes (/api/homes, issue 16): Gizwits has no homes, so these are the vendor's own.
// A device with no room sits in its home's "未分配" (room_id null); the page names that group itself.
import { Type, type Static } from 'typebox'
import { DID_PATTERN } from './open-api'

/** A home's or a room's name: what a person types, one line, no control characters (a blank one is refused by the route). */
export const PlaceName = Type.String({ maxLength: 20, pattern: '^[^\\x00-\\x1f\\x7f]{1,20}$' })
const Id = Type.Integer({ minimum: 1, maximum: 2 ** 31 })

export const HomeId = Type.Object({ homeId: Id }, { additionalProperties: false })
export const RoomParams = Type.Object({ homeId: Id, roomId: Id }, { additionalProperties: false })
export const NameBody = Type.Object({ name: PlaceName }, { additionalProperties: false })
export const RoomOrderBody = Type.Object({ room_ids: Type.Array(Id, { minItems: 1, maxItems: 50, uniqueItems: true }) }, { additionalProperties: false })
export const PlaceDeviceParams = Type.Object({ did: Type.String({ pattern: DID_PATTERN }) }, { additionalProperties: false })
export const PlaceDeviceBody = Type.Object({ home_id: Id, room_id: Type.Union([Id, Type.Null()]) }, { additionalProperties: false })

export const RoomView = Type.Object({ id: Type.Integer(), name: Type.String() })
export type RoomView = Static<typeof RoomView>
export const HomeView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  /** owner: the user's own home; member: a home shared with them (they see it, its owner arranges it). */
  role: Type.Union([Type.Literal('owner'), Type.Literal('member')]),
  /** The owner's WeChat nickname on a shared home, when they gave one. */
  owner_nickname: Type.Optional(Type.String({ maxLength: 64 })),
  rooms: Type.Array(RoomView),
  devices: Type.Array(Type.Object({ did: Type.String(), room_id: Type.Union([Type.Integer(), Type.Null()]) })),
})
export type HomeView = Static<typeof HomeView>
export const HomesView = Type.Object({ homes: Type.Array(HomeView) })
export type HomesView = Static<typeof HomesView>

// ---- sharing a home ----
export const HomeInviteBody = Type.Union([
  Type.Object({ type: Type.Literal('qr') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('user'), uid: Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' }) }, { additionalProperties: false }),
])
export type HomeInviteBody = Static<typeof HomeInviteBody>
/** A QR invitation's code: what the member's scan brings to /homes/join?code=…. */
export const HomeInviteCreated = Type.Object({ id: Type.Integer(), code: Type.Union([Type.String(), Type.Null()]), expires_at: Type.Integer() })
export type HomeInviteCreated = Static<typeof HomeInviteCreated>
export const HomeInviteCode = Type.Object({ code: Type.String({ pattern: '^[0-9a-f]{32}$' }) }, { additionalProperties: false })
export const HomeInviteId = Type.Object({ id: Id }, { additionalProperties: false })
export const HomeInviteAnswer = Type.Object({ accept: Type.Boolean() }, { additionalProperties: false })
export const HomeInvitation = Type.Object({
  id: Type.Integer(), home_id: Type.Integer(), home_name: Type.String(), owner_nickname: Type.Optional(Type.String({ maxLength: 64 })), expires_at: Type.Integer(),
})
export type HomeInvitation = Static<typeof HomeInvitation>
export const HomeMember = Type.Object({ uid: Type.String(), nickname: Type.Optional(Type.String({ maxLength: 64 })), joined_at: Type.Integer() })
export type HomeMember = Static<typeof HomeMember>
export const HomeMembers = Type.Object({
  members: Type.Array(HomeMember),
  /** Invitations still open: by user (with the invitee's uid) or by QR. */
  invitations: Type.Array(Type.Object({ id: Type.Integer(), uid: Type.Union([Type.String(), Type.Null()]), expires_at: Type.Integer() })),
})
export type HomeMembers = Static<typeof HomeMembers>
export const MemberParams = Type.Object({ homeId: Id, uid: Type.String({ pattern: '^[0-9a-zA-Z_-]{1,64}$' }) }, { additionalProperties: false })
