// The BFF's SQLite file and its numbered migrations (store/migrations/NNN_name.sql, applied once, in order).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'

const MIGRATIONS = join(import.meta.dirname, 'migrations')

export function openDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  migrate(db)
  return db
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
