// The worker as a process, configured from the environment (server/worker/README.md "Configuration"): on
// PostgreSQL when DATABASE_URL is set (several workers on one SNOTI_SUBKEY share its event ledger, alert state and
// outbox), else on DATA_DIR/app.db. SIGTERM drains: no more acks, the event being stored finishes, the connection
// closes and SNoti redelivers what this worker held to the others. Kept apart from main.ts so the cluster tests
// run the same start-up with a slowed store (test/support/worker-child.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseError, openDatabase, openPostgres, type PgPool } from '../bff/worker-seam'
import { startWorker, type EventWorker, type WorkerOptions } from './event-worker'
import { startWorkerOps } from './ops'

export class WorkerConfigError extends Error {}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]
  if (!value) throw new WorkerConfigError(`${name} is required (see server/worker/README.md)`)
  return value
}

export interface RunningWorker { worker: EventWorker; close: () => Promise<void> }

/** Starts the worker from `env`; `extra` lets tests slow or watch it. Throws WorkerConfigError / DatabaseError. */
export async function runWorker(env: NodeJS.ProcessEnv, extra: Partial<WorkerOptions> = {}): Promise<RunningWorker> {
  const credentials = required(env, 'SNOTI_CREDENTIALS').split(',').map((item) => {
    const [product_key, auth_id, auth_secret] = item.split(':')
    if (!product_key || !auth_id || !auth_secret) throw new WorkerConfigError('SNOTI_CREDENTIALS must be product_key:auth_id:auth_secret[,…]')
    return { product_key, auth_id, auth_secret }
  })
  const prefetch = env.SNOTI_PREFETCH ? Number(env.SNOTI_PREFETCH) : undefined
  if (prefetch !== undefined && !(Number.isInteger(prefetch) && prefetch >= 1 && prefetch <= 32767)) throw new WorkerConfigError('SNOTI_PREFETCH must be an integer from 1 to 32767')
  const config = {
    snoti: {
      host: env.SNOTI_HOST ?? 'snoti.gizwits.com',
      port: Number(env.SNOTI_PORT ?? 2017),
      ca: env.SNOTI_CA_FILE ? readFileSync(env.SNOTI_CA_FILE, 'utf8') : undefined,
      credentials,
      subkey: env.SNOTI_SUBKEY ?? 'vendor_worker',
    },
    gizwits: { apiBase: env.GIZWITS_API_BASE ?? 'https://api.gizwits.com', appId: required(env, 'GIZWITS_APP_ID') },
    wechat: {
      apiBase: env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com',
      appId: required(env, 'WECHAT_APP_ID'),
      appSecret: required(env, 'WECHAT_APP_SECRET'),
      alertTemplateId: required(env, 'WECHAT_ALERT_TEMPLATE_ID'),
      subscribeTemplateId: env.WECHAT_SUBSCRIBE_TEMPLATE_ID || undefined,
    },
    appUrl: required(env, 'PUBLIC_URL'),
    prefetch,
  }
  let pool: PgPool | null = null
  let db: ReturnType<typeof openDatabase> | undefined
  if (env.DATABASE_URL) {
    try {
      // The same numbered migrations as the BFFs, under the same advisory lock: whoever starts first applies them.
      pool = await openPostgres(env.DATABASE_URL)
    } catch (error) {
      throw new DatabaseError('DATABASE_URL', `PostgreSQL at DATABASE_URL cannot be used: ${(error as Error).message}`)
    }
  } else db = openDatabase(join(env.DATA_DIR ?? './data', 'app.db'))
  const worker = startWorker({ ...config, db, pool, ...extra })
  return {
    worker,
    close: async () => {
      await worker.drain()
      db?.close()
      await pool?.end()
    },
  }
}

/** `npm run worker`'s whole life: configuration errors said plainly, the state of SNoti logged, SIGTERM drained. */
export async function workerProcess(extra: Partial<WorkerOptions> = {}): Promise<void> {
  let running: RunningWorker
  try {
    running = await runWorker(process.env, extra)
  } catch (error) {
    if (error instanceof WorkerConfigError) console.error(`Configuration error — ${error.message}`)
    else if (error instanceof DatabaseError) console.error(`Database error — ${error.message}`)
    else throw error
    process.exit(1)
  }
  running.worker.client.listeners.add((state) => console.log(`worker: SNoti ${state}`))
  // The operator's figures of this worker: /metrics on METRICS_PORT, and its heartbeat through REDIS_URL.
  const ops = await startWorkerOps(process.env)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`worker: ${signal}, draining (no more acks; what this worker holds goes back to SNoti for the others)`)
      void ops.stop().then(() => running.close()).finally(() => process.exit(0))
    })
  }
}
