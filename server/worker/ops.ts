// The operator's view of a worker running as its own process (`npm run worker`): /metrics on METRICS_PORT (bound to
// METRICS_HOST, 127.0.0.1 unless set) with the alerts, notices and event-stream lag this worker counted, and with
// REDIS_URL a heartbeat carrying the same figures, so the BFFs' operator page lists this worker among the instances.
import { randomBytes } from 'node:crypto'
import { connectRedis, startHeartbeat, startMetricsServer } from '../bff/worker-seam'

export async function startWorkerOps(env: NodeJS.ProcessEnv): Promise<{ stop: () => Promise<void> }> {
  const metricsPort = env.METRICS_PORT ? Number(env.METRICS_PORT) : null
  if (metricsPort !== null && (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535)) {
    console.error(`Configuration error — METRICS_PORT must be a port number, got "${env.METRICS_PORT}"`)
    process.exit(1)
  }
  const metrics = metricsPort === null ? null : await startMetricsServer(metricsPort, env.METRICS_HOST || '127.0.0.1')
  const redis = env.REDIS_URL ? connectRedis(env.REDIS_URL) : null
  // ioredis reconnects by itself; an unheard error event would end the process.
  redis?.on('error', () => {})
  const heartbeat = startHeartbeat(redis, env.INSTANCE_ID || `worker-${randomBytes(4).toString('hex')}`, null, (message) => console.warn(`[worker] ${message}`))
  return {
    stop: async () => {
      await heartbeat.stop()
      await metrics?.close()
      redis?.disconnect()
    },
  }
}
