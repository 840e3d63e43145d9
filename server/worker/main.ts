// `npm run worker`: the vendor's worker as its own process, against the real SNoti (or a standalone sandbox).
// Several can run with the same SNOTI_SUBKEY: SNoti deals the stream out among them. On `npm start` in sandbox mode
// the BFF starts it in-process instead (server/worker/README.md says why).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseError, openDatabase } from '../bff/worker-seam'
import { startWorker } from './event-worker'
import { startWorkerOps } from './ops'

const env = process.env
function required(name: string): string {
  const value = env[name]
  if (!value) {
    console.error(`Configuration error — ${name} is required (see server/worker/README.md)`)
    process.exit(1)
  }
  return value
}

const credentials = required('SNOTI_CREDENTIALS').split(',').map((item) => {
  const [product_key, auth_id, auth_secret] = item.split(':')
  if (!product_key || !auth_id || !auth_secret) {
    console.error('Configuration error — SNOTI_CREDENTIALS must be product_key:auth_id:auth_secret[,…]')
    process.exit(1)
  }
  return { product_key, auth_id, auth_secret }
})

let db
try {
  db = openDatabase(join(env.DATA_DIR ?? './data', 'app.db'))
} catch (error) {
  if (error instanceof DatabaseError) {
    console.error(`Database error — ${error.message}`)
    process.exit(1)
  }
  throw error
}

const worker = startWorker({
  db,
  snoti: {
    host: env.SNOTI_HOST ?? 'snoti.gizwits.com',
    port: Number(env.SNOTI_PORT ?? 2017),
    ca: env.SNOTI_CA_FILE ? readFileSync(env.SNOTI_CA_FILE, 'utf8') : undefined,
    credentials,
    subkey: env.SNOTI_SUBKEY ?? 'vendor_worker',
  },
  gizwits: { apiBase: env.GIZWITS_API_BASE ?? 'https://api.gizwits.com', appId: required('GIZWITS_APP_ID') },
  wechat: {
    apiBase: env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com',
    appId: required('WECHAT_APP_ID'),
    appSecret: required('WECHAT_APP_SECRET'),
    alertTemplateId: required('WECHAT_ALERT_TEMPLATE_ID'),
    subscribeTemplateId: env.WECHAT_SUBSCRIBE_TEMPLATE_ID || undefined,
  },
  appUrl: required('PUBLIC_URL'),
})
worker.client.listeners.add((state) => console.log(`worker: SNoti ${state}`))
// The operator's figures of this worker: /metrics on METRICS_PORT, and its heartbeat through REDIS_URL.
const ops = await startWorkerOps(env)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    await ops.stop()
    worker.stop()
    db.close()
    process.exit(0)
  })
}
