// The sandbox's own SQLite file: its tables and their rows. The rest of the store layer (one file per owner
// beside this one) is the only code that writes SQL; everything above it speaks in rows.
import Database from 'better-sqlite3'

export interface BindingRow {
  uid: string
  did: string
  role: 'special' | 'owner' | 'guest' | 'normal'
  dev_alias: string
  remark: string
  dev_label: string
  created_at: number
  /** Guests of a time-limited share lose the device then (seconds); null otherwise. */
  expires_at: number | null
}

/** A sharing record's state (seed 003 设备分享). */
export const SharingStatus = { WAITING: 0, ACCEPTED: 1, REJECTED: 2, CANCELLED: 3 } as const
export type SharingStatusValue = (typeof SharingStatus)[keyof typeof SharingStatus]

/** A message's state (seed 003 消息中心): deleted messages are kept but never listed. */
export const MessageStatus = { UNREAD: 0, READ: 1, DELETED: 2 } as const

export interface SharingRow {
  id: number
  type: 0 | 1
  status: SharingStatusValue
  did: string
  owner_uid: string
  guest_uid: string | null
  code: string | null
  duration_min: number | null
  user_alias: string | null
  created_at: number
  updated_at: number
  expired_at: number
}

export interface MessageRow {
  id: string
  uid: string
  type: number
  status: number
  content: string
  created_at: number
  updated_at: number
}

/** Columns added to `users` for password users and profiles; all nullable text. */
export const USER_PROFILE_COLUMNS = ['username', 'email', 'phone', 'password_hash', 'name', 'gender', 'birthday', 'address', 'remark', 'updated_at'] as const

export interface UserRow {
  uid: string
  phone_id: string | null
  lang: string
  username: string | null
  email: string | null
  phone: string | null
  password_hash: string | null
  name: string | null
  gender: string | null
  birthday: string | null
  address: string | null
  remark: string | null
  updated_at: string | null
}

export function openSandboxStore(file: string): Database.Database {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (uid TEXT PRIMARY KEY, phone_id TEXT UNIQUE, lang TEXT NOT NULL DEFAULT 'zh-cn', created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, uid TEXT NOT NULL, expire_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS bindings (uid TEXT NOT NULL, did TEXT NOT NULL, role TEXT NOT NULL, dev_alias TEXT NOT NULL DEFAULT '',
      remark TEXT NOT NULL DEFAULT '', dev_label TEXT NOT NULL DEFAULT '[]', created_at INTEGER NOT NULL, PRIMARY KEY (uid, did));
    CREATE TABLE IF NOT EXISTS sharings (id INTEGER PRIMARY KEY AUTOINCREMENT, type INTEGER NOT NULL, status INTEGER NOT NULL, did TEXT NOT NULL,
      owner_uid TEXT NOT NULL, guest_uid TEXT, code TEXT UNIQUE, duration_min INTEGER, user_alias TEXT, created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, expired_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, uid TEXT NOT NULL, type INTEGER NOT NULL, status INTEGER NOT NULL, content TEXT NOT NULL,
      created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS device_state (did TEXT PRIMARY KEY, attrs TEXT NOT NULL, online INTEGER NOT NULL, updated_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS wechat_users (openid TEXT PRIMARY KEY, nickname TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS wechat_unfollowed (openid TEXT PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS wechat_messages (id INTEGER PRIMARY KEY AUTOINCREMENT, openid TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS device_reports (did TEXT NOT NULL, at INTEGER NOT NULL, attrs TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS device_reports_did_at ON device_reports (did, at);
    CREATE TABLE IF NOT EXISTS wechat_interactions (openid TEXT PRIMARY KEY, at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS wechat_subscribe_credits (openid TEXT NOT NULL, template_id TEXT NOT NULL, credits INTEGER NOT NULL, PRIMARY KEY (openid, template_id));
    CREATE TABLE IF NOT EXISTS raw_data (id INTEGER PRIMARY KEY AUTOINCREMENT, did TEXT NOT NULL, kind TEXT NOT NULL, type TEXT NOT NULL, timestamp REAL NOT NULL, entry TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS raw_data_did_kind_at ON raw_data (did, kind, timestamp);
    CREATE TABLE IF NOT EXISTS sub_devices (did TEXT PRIMARY KEY, gw_did TEXT NOT NULL, joined_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS device_firmware (did TEXT PRIMARY KEY, wifi TEXT NOT NULL, mcu TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS firmware_catalogue (product_key TEXT NOT NULL, firmware_type TEXT NOT NULL, version TEXT NOT NULL,
      notes TEXT NOT NULL, forced INTEGER NOT NULL, published_at INTEGER NOT NULL, PRIMARY KEY (product_key, firmware_type));
  `)
  const bindingColumns = (db.prepare('PRAGMA table_info(bindings)').all() as Array<{ name: string }>).map((column) => column.name)
  if (!bindingColumns.includes('expires_at')) db.exec('ALTER TABLE bindings ADD COLUMN expires_at INTEGER')
  // Users with a username, email or phone and a password (seed 003 用户管理), and their profile; the password is
  // kept as a salted scrypt hash only.
  const userColumns = (db.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).map((column) => column.name)
  for (const column of USER_PROFILE_COLUMNS) {
    if (!userColumns.includes(column)) db.exec(`ALTER TABLE users ADD COLUMN ${column} TEXT`)
  }
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS users_username ON users (username) WHERE username IS NOT NULL;
    CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email) WHERE email IS NOT NULL;`)
  return db
}
