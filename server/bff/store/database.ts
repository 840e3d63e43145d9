// The BFF's SQLite file and its numbered migrations (store/migrations/NNN_name.sql, applied once, in order).
// Opening it is where a damaged or vanished database is caught: the file is checked (PRAGMA quick_check) before
// anything runs on it, and a data directory that once held app.db (it keeps a marker file) never gets an empty one
// silently, because that would log everyone out and forget which WeChat pushes were handled.
import { createHash } from 'node:crypto'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import Database from 'better-sqlite3'

const MIGRATIONS = join(import.meta.dirname, 'migrations')
/** The error code of every answer given because the database is damaged (requests and /healthz). */
export const STORAGE_DAMAGED = 'storage_damaged'
/** Owner-only: the file holds sessions and (sealed) cloud tokens. */
export const DATA_FILE_MODE = 0o600

/** Why the database cannot be used, in words an operator can act on (main.ts prints it and stops). */
export class DatabaseError extends Error {
  constructor(readonly file: string, message: string) {
    super(message)
  }
}

/** The marker next to the database file: present once the file has been created here. */
export function markerFile(file: string): string {
  return join(dirname(file), `${basename(file)}.created`)
}

/** SQLite's own words for a file that is not (or no longer) a sound database. */
export function isDatabaseDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
}

function damaged(file: string, detail: string): DatabaseError {
  return new DatabaseError(file,
    `the database ${file} is damaged (${detail}). The BFF will not run on it. Stop it, keep a copy of the file (with its -wal and -shm files), ` +
    `then restore ${basename(file)} from your backup. To start afresh instead (every user logs in again, handled WeChat pushes are forgotten), ` +
    `move ${basename(file)}, ${basename(file)}-wal and ${basename(file)}-shm aside and delete ${markerFile(file)}.`)
}

/** Owner-only modes for the file and SQLite's companions, also when an older version left them readable by all. */
function restrictModes(file: string): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(path) && (statSync(path).mode & 0o777) !== DATA_FILE_MODE) chmodSync(path, DATA_FILE_MODE)
  }
}

export function openDatabase(file: string): Database.Database {
  if (file === ':memory:') return prepare(new Database(file), file)
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const marker = markerFile(file)
  if (!existsSync(file)) {
    if (existsSync(marker)) {
      throw new DatabaseError(file,
        `the database ${file} is missing, but this data directory had one (${marker} was written when it was created). ` +
        `Starting with an empty database would log every user out and forget which WeChat pushes were handled. ` +
        `Restore ${basename(file)} from your backup, or, to start afresh on purpose, delete ${marker} and start again.`)
    }
    // SQLite gives the -wal and -shm files the mode of the database file, so creating it owner-only first covers all three.
    closeSync(openSync(file, 'wx', DATA_FILE_MODE))
  }
  restrictModes(file)
  let db: Database.Database
  try {
    db = new Database(file)
    prepare(db, file)
  } catch (error) {
    if (error instanceof DatabaseError) throw error
    if (isDatabaseDamage(error)) throw damaged(file, (error as Error).message)
    throw error
  }
  restrictModes(file)
  if (!existsSync(marker)) {
    writeFileSync(marker, `${basename(file)} was created in this directory on ${new Date().toISOString()}.\n` +
      `While this file exists the BFF refuses to start without ${basename(file)} instead of silently creating an empty one.\n` +
      `Delete this file only to start afresh on purpose.\n`, { mode: DATA_FILE_MODE })
  }
  return db
}

function prepare(db: Database.Database, file: string): Database.Database {
  try {
    db.pragma('journal_mode = WAL')
    // Deleted rows (old sessions, replaced tokens) are overwritten with zeros, not left readable in free pages.
    db.pragma('secure_delete = ON')
    db.pragma('foreign_keys = ON')
    const problems = (db.pragma('quick_check(5)') as Array<{ quick_check: string }>).map((row) => row.quick_check)
    if (problems.length !== 1 || problems[0] !== 'ok') throw damaged(file, `quick_check: ${problems.join('; ')}`)
    db.function('h5_sha256', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? sha256Hex(value) : null))
    const applied = migrate(db)
    // A migration that removed secrets is followed by a rebuild, so no old copy survives in free pages or the WAL.
    if (applied.length > 0 && file !== ':memory:') {
      db.exec('VACUUM')
      db.pragma('wal_checkpoint(TRUNCATE)')
    }
  } catch (error) {
    db.close()
    throw error
  }
  return db
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

export function migrate(db: Database.Database): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)')
  const applied = new Set((db.prepare('SELECT name FROM schema_migrations').all() as Array<{ name: string }>).map((row) => row.name))
  const pending = readdirSync(MIGRATIONS).filter((name) => /^\d{3}_.+\.sql$/.test(name) && !applied.has(name)).sort()
  for (const name of pending) {
    db.transaction(() => {
      db.exec(readFileSync(join(MIGRATIONS, name), 'utf8'))
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(name, Date.now())
    })()
  }
  return pending
}

/**
 * Whether the database still answers on the tables a signed-in request reads. A damage met by any request is
 * remembered, so /healthz reports it even when its own cheap probes happen to miss the broken page.
 */
export class DatabaseHealth {
  private damage: string | null = null

  constructor(private readonly db: Database.Database) {}

  /** Each table walked from its root to its last row, and its primary-key index to one leaf: a few page reads. */
  private static readonly PROBES = [
    'SELECT rowid FROM sessions ORDER BY rowid DESC LIMIT 1',
    "SELECT 1 FROM sessions WHERE id_hash = 'healthz'",
    'SELECT rowid FROM users ORDER BY rowid DESC LIMIT 1',
    "SELECT 1 FROM users WHERE openid = 'healthz'",
    'SELECT rowid FROM oauth_states ORDER BY rowid DESC LIMIT 1',
    "SELECT 1 FROM oauth_states WHERE state_hash = 'healthz'",
  ]

  markDamaged(error: unknown): void {
    this.damage ??= (error as Error).message ?? String(error)
  }

  /** null when healthy, else what is wrong. */
  check(): string | null {
    if (this.damage) return this.damage
    try {
      for (const sql of DatabaseHealth.PROBES) this.db.prepare(sql).get()
      return null
    } catch (error) {
      if (isDatabaseDamage(error)) this.markDamaged(error)
      return (error as Error).message
    }
  }
}
