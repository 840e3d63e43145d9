// Shapes of the BFF's own routes (beyond the Open API paths it relays), shared by the BFF and the SPA.
import { Type, type Static } from 'typebox'
import { LABEL_SIG_PATTERN } from './device-label'
import { Guest, Sharing, SharingList } from './open-api/sharing'

export const Me = Type.Object({
  openid: Type.String(),
  uid: Type.String(),
  /** The WeChat nickname, once the user tapped something that asks for it (snsapi_userinfo); null before. */
  nickname: Type.Union([Type.String(), Type.Null()]),
})
export type Me = Static<typeof Me>

/**
 * A guest of a device as the BFF lists it: the cloud's fields, and the WeChat nickname the guest gave us when
 * they are one of our users and chose to (the cloud itself knows only a masked user name).
 */
export const NamedGuest = Type.Object({ ...Guest.properties, nickname: Type.Optional(Type.String({ maxLength: 64 })) })
export type NamedGuest = Static<typeof NamedGuest>

/**
 * Invitations as the BFF lists them: each with the other party's WeChat nickname when they gave one (the guest on
 * the owner's list, the owner on the guest's).
 */
export const NamedSharing = Type.Object({ ...Sharing.properties, nickname: Type.Optional(Type.String({ maxLength: 64 })) })
export type NamedSharing = Static<typeof NamedSharing>
export const NamedSharingList = Type.Object({ ...SharingList.properties, objects: Type.Array(NamedSharing) })
export type NamedSharingList = Static<typeof NamedSharingList>

/**
 * Error body of every BFF route. Open API failures keep Gizwits' fields; `message` is for the user,
 * in the language of the request (`Accept-Language`, zh-CN by default).
 */
export const ApiErrorBody = Type.Object({
  error_code: Type.Union([Type.Number(), Type.String()]),
  error_message: Type.String(),
  detail_message: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
})
export type ApiErrorBody = Static<typeof ApiErrorBody>

export const Health = Type.Object({ status: Type.Literal('ok'), uptime_s: Type.Number() })
export type Health = Static<typeof Health>

export { LOCALES, OAUTH_STATE_COOKIE, SESSION_COOKIE, type Locale } from './constants'

/** A product this app supports (the BFF's allowlist), for choosing what to set up. */
export const ProductSummary = Type.Object({ product_key: Type.String(), name: Type.String() })
export type ProductSummary = Static<typeof ProductSummary>

/**
 * `POST /api/app/bind_label`: a device label as printed — product_key, MAC and the label's signature. Ours, not an
 * Open API path: the BFF checks the signature, then binds with Gizwits' signed bind_mac.
 */
export const BindLabelBody = Type.Object({
  product_key: Type.String({ pattern: '^[0-9a-f]{32}$' }),
  mac: Type.String({ pattern: '^[0-9a-f]{12}$' }),
  sig: Type.String({ pattern: LABEL_SIG_PATTERN }),
  dev_alias: Type.Optional(Type.String({ maxLength: 100 })),
}, { additionalProperties: false })
export type BindLabelBody = Static<typeof BindLabelBody>
