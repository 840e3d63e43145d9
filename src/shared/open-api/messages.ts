// The message centre (seed 003 消息中心): share invitations and their outcomes.
import { Type, type Static } from 'typebox'
import { ListMeta } from './common'

export const MessageType = { SHARING: 1, SYSTEM: 2 } as const

export const AppMessage = Type.Object({
  id: Type.String(),
  type: Type.Integer(),
  /** 0 unread, 1 read, 2 deleted. */
  status: Type.Integer({ minimum: 0, maximum: 2 }),
  content: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
})
export type AppMessage = Static<typeof AppMessage>

export const MessagesQuery = Type.Object({
  type: Type.Optional(Type.Integer({ minimum: 1, maximum: 9 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  skip: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
}, { additionalProperties: false })
export type MessagesQuery = Static<typeof MessagesQuery>

export const MessageList = Type.Object({ meta: ListMeta, objects: Type.Array(AppMessage) })
export type MessageList = Static<typeof MessageList>
