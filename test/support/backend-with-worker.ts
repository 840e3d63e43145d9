// The BFF and sandbox of startBackend, plus the vendor's worker consuming the sandbox's SNoti into the BFF's store —
// the same app.db, or under server-pg the same PostgreSQL database — up and subscribed before the test starts: what
// tests of history, alerts and notices stand on.
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { openDatabase } from '../../server/bff/store/database'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_SUBSCRIBE_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import { startWorker, type EventWorker, type WorkerOptions } from '../../server/worker/event-worker'
import { startBackend, type Backend, type BackendOptions } from './backend'

export interface BackendWithWorker { backend: Backend; db: Database.Database; worker: EventWorker; close: () => Promise<void> }

/** `worker`: options of the worker to change for a test (say, a shorter time for a command's answer). */
export async function startBackendWithWorker(workerOptions: Partial<Pick<WorkerOptions, 'commandAnswerMs' | 'holdTickMs' | 'afterStore'>> = {}, backendOptions: BackendOptions = {}): Promise<BackendWithWorker> {
  const backend = await startBackend(backendOptions)
  const db = openDatabase(join(backend.context.config.dataDir, 'app.db'))
  const { snoti } = backend.sandbox
  const worker = startWorker({
    db,
    pool: backend.context.cluster.pool,
    snoti: { host: snoti.host, port: snoti.port, ca: snoti.ca, credentials: snoti.credentials, subkey: 'vendor_worker' },
    gizwits: { apiBase: backend.sandbox.url, appId: DEMO_GIZWITS_APP_ID },
    wechat: { apiBase: backend.sandbox.url, appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, alertTemplateId: DEMO_ALERT_TEMPLATE_ID, subscribeTemplateId: DEMO_SUBSCRIBE_TEMPLATE_ID },
    appUrl: backend.bffUrl,
    log: () => {},
    ...workerOptions,
  })
  if (worker.client.state !== 'up') await new Promise<void>((resolve) => worker.client.listeners.add((state) => state === 'up' && resolve()))
  return {
    backend, db, worker,
    close: async () => {
      worker.stop()
      db.close()
      await backend.close()
    },
  }
}
