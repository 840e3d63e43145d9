// Users and their tokens (seed 003 用户): the BFF makes one Gizwits user per WeChat user.
import { Type, type Static } from 'typebox'

export const UserCreateBody = Type.Object({
  phone_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  username: Type.Optional(Type.String()),
  password: Type.Optional(Type.String()),
  lang: Type.Optional(Type.String()),
})
export type UserCreateBody = Static<typeof UserCreateBody>

export const UserToken = Type.Object({
  uid: Type.String(),
  token: Type.String(),
  expire_at: Type.Number(),
})
export type UserToken = Static<typeof UserToken>

export const UserProfile = Type.Object({
  uid: Type.String(),
  username: Type.String(),
  phone: Type.String(),
  email: Type.String(),
  name: Type.String(),
  gender: Type.String(),
  birthday: Type.String(),
  address: Type.String(),
  lang: Type.String(),
  remark: Type.String(),
  is_anonymous: Type.Boolean(),
})
export type UserProfile = Static<typeof UserProfile>
