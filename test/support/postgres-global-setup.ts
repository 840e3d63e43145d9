// The server suite's second engine: one PostgreSQL for the whole run of the `server-pg` project (vite.config.ts),
// in which every startBackend() gets a database of its own (test/support/backend.ts). Missing PostgreSQL fails
// the run (cluster-services.ts), it never falls back to SQLite silently.
import type { TestProject } from 'vitest/node'
import { startPostgres } from './cluster-services'

declare module 'vitest' {
  export interface ProvidedContext { h5PostgresUrl: string }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres()
  project.provide('h5PostgresUrl', postgres.url)
  return () => postgres.stop()
}
