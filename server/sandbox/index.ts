// The sandbox's one seam towards the BFF: `npm start` starts the sandbox in-process through this file, and the
// demo identities come from here so both programs agree on them. Nothing else of the sandbox may be imported by
// the BFF (eslint.config.js enforces it), so the two can only agree through the clouds' own protocols.
export { startSandbox, type Sandbox, type SandboxOptions } from './sandbox'
export {
  DEMO_ALERT_TEMPLATE_ID, DEMO_SUBSCRIBE_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_AES_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET, DEMO_WECHAT_TOKEN,
} from './demo-defaults'
