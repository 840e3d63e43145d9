// A damaged or vanished app.db, on real files: the start stops with what to do, a damage met while running turns
// into a clear 503 for the user and for /healthz, and a deleted database is never silently replaced.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, test } from 'vitest'
import { DatabaseError, markerFile, openDatabase } from '../../server/bff/store/database'
import { sqliteSessionStore } from '../../server/bff/store/session-store'
import { FIRST_USER, startBackend, type Backend } from '../support/backend'
import { freePort } from '../support/free-port'
import { loginThroughSandbox } from '../support/login'

const dirs: string[] = []
const backends: Backend[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h5-damage-'))
  dirs.push(dir)
  return dir
}
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Overwrites the page holding a table's rows with junk, after moving every change from the WAL into the file. */
function damageTablePage(file: string, table: string): void {
  const db = new Database(file)
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE type = ? AND name = ?').get('table', table) as { rootpage: number }
  const pageSize = db.pragma('page_size', { simple: true }) as number
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  const fd = openSync(file, 'r+')
  writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (rootpage - 1) * pageSize)
  closeSync(fd)
}

async function databaseWithASession(file: string): Promise<void> {
  const db = openDatabase(file)
  db.prepare('INSERT INTO users (openid, created_at, updated_at) VALUES (?, 0, 0)').run('openid-1')
  await sqliteSessionStore(db).create('openid-1')
  db.close()
}

function errorOf(run: () => unknown): DatabaseError {
  try {
    run()
  } catch (error) {
    if (error instanceof DatabaseError) return error
    throw error
  }
  throw new Error('expected a DatabaseError')
}

function startMain(dataDir: string, port: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/bff/main.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), SANDBOX_PORT: '0', HOST: '127.0.0.1', SANDBOX_BEHAVIOUR: 'still' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}

describe('a damaged or missing database', () => {
  test('should refuse to open a file whose sessions page is damaged, naming the file and what to do', async () => {
    const file = join(tempDir(), 'app.db')
    await databaseWithASession(file)
    damageTablePage(file, 'sessions')
    const error = errorOf(() => openDatabase(file))
    expect(error.message).toContain(file)
    expect(error.message).toMatch(/is damaged \(.+\)/)
    expect(error.message).toContain('restore app.db from your backup')
    expect(error.message).toContain(markerFile(file))
  })

  test('should refuse a file that is not a database at all', async () => {
    const file = join(tempDir(), 'app.db')
    await databaseWithASession(file)
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0) // the 100-byte header, "SQLite format 3" included
    closeSync(fd)
    const error = errorOf(() => openDatabase(file))
    expect(error.message).toContain(`the database ${file} is damaged`)
  })

  test('should stop `npm start` with that message and no stack trace', async () => {
    const dir = tempDir()
    await databaseWithASession(join(dir, 'app.db'))
    damageTablePage(join(dir, 'app.db'), 'sessions')
    const { code, output } = await startMain(dir, await freePort())
    expect(code).toBe(1)
    expect(output).toContain(`Database error — the database ${join(dir, 'app.db')} is damaged`)
    expect(output).not.toMatch(/\n\s+at /)
  })

  test('should not recreate a deleted database silently, and start afresh once the marker is deleted', async () => {
    const file = join(tempDir(), 'app.db')
    await databaseWithASession(file)
    expect(existsSync(markerFile(file))).toBe(true)
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) unlinkSync(path)
    const error = errorOf(() => openDatabase(file))
    expect(error.message).toContain(`the database ${file} is missing`)
    expect(existsSync(file)).toBe(false)
    unlinkSync(markerFile(file))
    openDatabase(file).close()
    expect(existsSync(file)).toBe(true)
  })

  test('should answer a signed-in request with a clear 503 when a page breaks while running, and turn /healthz 503', async () => {
    const backend = await startBackend()
    backends.push(backend)
    const cookie = await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    expect((await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })).status).toBe(200)
    expect((await fetch(`${backend.bffUrl}/healthz`)).status).toBe(200)

    damageTablePage(join(backend.context.config.dataDir, 'app.db'), 'sessions')
    const me = await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie } })
    expect(me.status).toBe(503)
    expect(await me.json()).toMatchObject({ error_code: 'storage_damaged', message: '服务暂时不可用：数据存储出了问题，管理员需要修复，请稍后再试' })
    const en = await fetch(`${backend.bffUrl}/api/me`, { headers: { cookie, 'accept-language': 'en' } })
    expect(((await en.json()) as { message: string }).message).toContain('data store is damaged')
    const health = await fetch(`${backend.bffUrl}/healthz`)
    expect(health.status).toBe(503)
    expect(await health.json()).toMatchObject({ error_code: 'storage_damaged' })
  })

  test('should find the damage from /healthz alone, before any user meets it', async () => {
    const backend = await startBackend()
    backends.push(backend)
    await loginThroughSandbox(backend.bffUrl, FIRST_USER)
    damageTablePage(join(backend.context.config.dataDir, 'app.db'), 'sessions')
    const health = await fetch(`${backend.bffUrl}/healthz`)
    expect(health.status).toBe(503)
  })
})
