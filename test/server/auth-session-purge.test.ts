// The running BFF purges expired sessions on its own (not only at the next login), and stops doing so when closed.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { SESSION_PURGE_INTERVAL_MS } from '../../server/bff/store/session-store'
import { FIRST_USER, startBackend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

afterEach(() => {
  vi.useRealTimers()
})

describe('session purging', () => {
  test('should delete expired sessions on a timer while running, and clear the timer on close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const backend = await startBackend()
    const intervalsWhileRunning = vi.getTimerCount()
    try {
      const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
      const side = new Database(join(backend.context.config.dataDir, 'app.db'))
      const count = () => (side.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n
      side.prepare("INSERT INTO sessions (id_hash, openid, created_at, expires_at) VALUES ('expired-1', ?, 0, 1), ('expired-2', ?, 0, 1)").run(FIRST_USER, FIRST_USER)
      expect(count()).toBe(3)
      await vi.advanceTimersByTimeAsync(SESSION_PURGE_INTERVAL_MS)
      expect(count()).toBe(1)
      expect((await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })).status).toBe(200)
      side.close()
    } finally {
      await backend.close()
    }
    expect(vi.getTimerCount()).toBeLessThan(intervalsWhileRunning)
  })
})
