// Runs the sandbox on its own: `npm run sandbox`.
import { join } from 'node:path'
import { mkdirSync, writeFileSync } from 'node:fs'
import { DEMO_GIZWITS_APP_ID, DEMO_LABEL_KEY, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from './demo-defaults'
import { startSandbox } from './sandbox'

const env = process.env
const port = Number(env.SANDBOX_PORT ?? 8081)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got "${env.SANDBOX_PORT}"`)
  process.exit(1)
}
const behaviour = env.SANDBOX_BEHAVIOUR ?? 'live'
if (behaviour !== 'live' && behaviour !== 'still') {
  console.error(`SANDBOX_BEHAVIOUR must be "live" or "still", got "${behaviour}"`)
  process.exit(1)
}
// A fleet of generated devices beside the demo's (fleet.ts), for measuring the sandbox at scale.
const fleetDevices = Number(env.SANDBOX_FLEET ?? 0)
const fleetReportS = Number(env.SANDBOX_FLEET_REPORT_S ?? 60)
if (!Number.isInteger(fleetDevices) || fleetDevices < 0 || !Number.isInteger(fleetReportS) || fleetReportS < 1) {
  console.error('SANDBOX_FLEET must be a whole number ≥ 0 and SANDBOX_FLEET_REPORT_S a whole number of seconds ≥ 1')
  process.exit(1)
}
const dataDir = env.DATA_DIR ?? './data'
mkdirSync(dataDir, { recursive: true })

const sandbox = await startSandbox({
  port,
  host: env.SANDBOX_HOST ?? '127.0.0.1',
  dataFile: join(dataDir, 'sandbox.db'),
  gizwitsAppId: env.GIZWITS_APP_ID || DEMO_GIZWITS_APP_ID,
  wechatAppId: env.WECHAT_APP_ID || DEMO_WECHAT_APP_ID,
  wechatAppSecret: env.WECHAT_APP_SECRET || DEMO_WECHAT_APP_SECRET,
  behaviour,
  pushUrl: env.SANDBOX_PUSH_URL || undefined,
  appUrl: env.SANDBOX_APP_URL || undefined,
  labelKey: env.LABEL_KEY || DEMO_LABEL_KEY,
  // SNoti on the real service's port by default.
  snotiPort: Number(env.SNOTI_PORT ?? 2017),
  fleet: { devices: fleetDevices, reportEveryS: fleetReportS },
})
// This run's SNoti certificate (public, made at start), for a worker in another process: SNOTI_CA_FILE=<this file>.
const snotiCa = join(dataDir, 'snoti-ca.crt')
writeFileSync(snotiCa, sandbox.snoti.ca)
console.log(`sandbox (Gizwits + WeChat stand-in) at ${sandbox.url}; SNoti (TLS) on port ${sandbox.snoti.port}, certificate in ${snotiCa}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void sandbox.close().then(() => process.exit(0)))
