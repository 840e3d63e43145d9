// The BFF alone in its own process, configured from the environment as for the real clouds, with relay timings
// from RELAY_OPTIONS (JSON): short heartbeats and deadlines for tests that freeze or kill processes; and, for the
// cluster tests, small limits from RATE_LIMITS and BIND_LIMITS (JSON) so counting across BFFs shows in a few requests.
import { join } from 'node:path'
import { buildApp } from '../../server/bff/app'
import { gracefulStop } from '../../server/bff/cluster/graceful'
import { loadConfig } from '../../server/bff/config'
import type { RelayOptions } from '../../server/bff/relay/user-hub'
import type { BuildOptions } from '../../server/bff/app'

const config = loadConfig()
const relay = JSON.parse(process.env.RELAY_OPTIONS ?? '{}') as RelayOptions
const rateLimits = JSON.parse(process.env.RATE_LIMITS ?? '{}') as BuildOptions['rateLimits']
const bindAttemptLimits = process.env.BIND_LIMITS ? (JSON.parse(process.env.BIND_LIMITS) as BuildOptions['bindAttemptLimits']) : undefined
const { app, context } = await buildApp(config, { distDir: join(import.meta.dirname, 'no-dist'), relay, releaseAfterMs: 50, rateLimits, bindAttemptLimits })
await app.listen({ port: config.port, host: config.host })
console.log(`bff listening on ${config.port}`)
// As `npm start` stops: gracefully (server/bff/cluster/graceful.ts).
process.once('SIGTERM', () => void gracefulStop(app, context).then(() => process.exit(0)))
