// Built-in demo identities. With nothing configured, the sandbox registers these and the BFF uses them, so the
// two always agree. The BFF reaches them through index.ts, the sandbox's one seam.
export const DEMO_GIZWITS_APP_ID = 'd3f1a7c2b9e84f0c9a6b5e4d3c2b1a09'
export const DEMO_WECHAT_APP_ID = 'wx5a1b2c3d4e5f6a7b'
export const DEMO_WECHAT_APP_SECRET = '0f9e8d7c6b5a49382716f5e4d3c2b1a0'
/** The template the sandbox's Official Account has for device alerts. */
export const DEMO_ALERT_TEMPLATE_ID = 'Tm9Dev1ceA1ertDem0TemplateId_0001'
/** The subscription-notice (订阅通知) template the sandbox's Official Account has for command results and alerts. */
export const DEMO_SUBSCRIBE_TEMPLATE_ID = 'Sub5cr1beDev1ceN0t1ceDem0Tmpl_0001'
/** Token and EncodingAESKey of the demo Official Account's server configuration (push signing, safe mode). */
export const DEMO_WECHAT_TOKEN = 'DemoPushToken2026'
export const DEMO_WECHAT_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
/** The key the demo vendor's production line signs device labels with (server/labels/label-signature.ts). */
export const DEMO_LABEL_KEY = 'DemoLabelKey-2026-production-line-0123456789'
