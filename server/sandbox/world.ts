// The sandbox's state and its events: users, tokens, bindings, virtual devices. Every change goes through here,
// so the REST API, the WebSocket and the control surface always agree.
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type Database from 'better-sqlite3'
import type { AttrItem, Attrs, AttrValue } from '@shared/open-api'
import type { SandboxClock } from './clock'
import { GizwitsFailure } from './gizwits-errors'
import { initialValue } from './device-rules'
import type { SandboxProduct } from './products'
import { SEED_DEVICES, SEED_USERS, type SeedDevice } from './seed'
import { USER_PROFILE_COLUMNS, type BindingRow, type UserRow } from './store'

export const TOKEN_LIFETIME_S = 7 * 24 * 3600
const REPORT_HISTORY_S = 31 * 24 * 3600
/** How long after joining a network a device is listed by device_register (undocumented; apps poll for a minute or two). */
export const REGISTRATION_WINDOW_S = 10 * 60

export interface DeviceState {
  seed: SeedDevice
  product: SandboxProduct
  attrs: Attrs
  online: boolean
  updatedAt: number
}

export interface WorldEvents {
  report: [did: string, attrs: Attrs, reply?: { uid: string; connectionId: number; sn: number }]
  online: [did: string, online: boolean]
  binding: [uid: string, did: string, bind: boolean]
}

const hex32 = () => randomBytes(16).toString('hex')

export class World extends EventEmitter<WorldEvents> {
  readonly devices = new Map<string, DeviceState>()

  constructor(
    private readonly db: Database.Database,
    readonly products: Map<string, SandboxProduct>,
    readonly clock: SandboxClock,
  ) {
    super()
    this.setMaxListeners(0)
    this.load()
  }

  private load(): void {
    const saved = new Map(
      (this.db.prepare('SELECT did, attrs, online, updated_at FROM device_state').all() as Array<{ did: string; attrs: string; online: number; updated_at: number }>)
        .map((row) => [row.did, row]),
    )
    for (const seed of SEED_DEVICES) {
      const product = this.products.get(seed.product_key)
      if (!product) throw new Error(`seed device ${seed.did} has unknown product ${seed.product_key}`)
      const row = saved.get(seed.did)
      const attrs: Attrs = Object.fromEntries(product.attrs.map((attr) => [attr.name, initialValue(attr)]))
      if (row) Object.assign(attrs, JSON.parse(row.attrs) as Attrs)
      else Object.assign(attrs, startingValues(product.definition.name))
      this.devices.set(seed.did, { seed, product, attrs, online: row ? row.online === 1 : seed.online, updatedAt: row?.updated_at ?? this.clock.nowS() })
      if (!row) this.persist(seed.did)
    }
    if ((this.db.prepare('SELECT COUNT(*) AS n FROM wechat_users').get() as { n: number }).n === 0) this.seedUsers()
  }

  private seedUsers(): void {
    const now = this.clock.nowS()
    for (const user of SEED_USERS) {
      this.db.prepare('INSERT INTO wechat_users (openid, nickname, created_at) VALUES (?, ?, ?)').run(user.openid, user.nickname, now)
      const { uid } = this.userForPhoneId(user.openid)
      for (const binding of user.bindings) {
        this.db
          .prepare('INSERT INTO bindings (uid, did, role, dev_alias, remark, dev_label, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(uid, binding.did, binding.role, binding.dev_alias, binding.remark ?? '', '[]', now)
      }
    }
  }

  private persist(did: string): void {
    const device = this.devices.get(did)!
    this.db
      .prepare('INSERT INTO device_state (did, attrs, online, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(did) DO UPDATE SET attrs = excluded.attrs, online = excluded.online, updated_at = excluded.updated_at')
      .run(did, JSON.stringify(device.attrs), device.online ? 1 : 0, device.updatedAt)
  }

  // ---- users and tokens ----

  userForPhoneId(phoneId: string): { uid: string } {
    const existing = this.db.prepare('SELECT uid FROM users WHERE phone_id = ?').get(phoneId) as { uid: string } | undefined
    if (existing) return existing
    const uid = hex32()
    this.db.prepare('INSERT INTO users (uid, phone_id, created_at) VALUES (?, ?, ?)').run(uid, phoneId, this.clock.nowS())
    return { uid }
  }

  issueToken(uid: string): { uid: string; token: string; expire_at: number } {
    const token = hex32()
    const expireAt = this.clock.nowS() + TOKEN_LIFETIME_S
    this.db.prepare('INSERT INTO tokens (token, uid, expire_at) VALUES (?, ?, ?)').run(token, uid, expireAt)
    return { uid, token, expire_at: expireAt }
  }

  /** The uid a token belongs to, or why not. */
  checkToken(token: string | undefined): { uid: string } | 'invalid' | 'expired' {
    if (!token) return 'invalid'
    const row = this.db.prepare('SELECT uid, expire_at FROM tokens WHERE token = ?').get(token) as { uid: string; expire_at: number } | undefined
    if (!row) return 'invalid'
    if (row.expire_at <= this.clock.nowS()) return 'expired'
    return { uid: row.uid }
  }

  userProfile(uid: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE uid = ?').get(uid) as UserRow | undefined
  }

  /** A password user, found by username, email or phone (what `POST /app/login` accepts as `username`). */
  userByLogin(login: string): UserRow | undefined {
    return this.db.prepare('SELECT * FROM users WHERE username = ? OR email = ? OR phone = ?').get(login, login, login) as UserRow | undefined
  }

  loginTaken(field: 'username' | 'email', value: string, exceptUid?: string): boolean {
    const row = this.db.prepare(`SELECT uid FROM users WHERE ${field} = ?`).get(value) as { uid: string } | undefined
    return row !== undefined && row.uid !== exceptUid
  }

  createPasswordUser(fields: { username?: string; email?: string; passwordHash: string; lang: string }): { uid: string } {
    const uid = hex32()
    this.db
      .prepare('INSERT INTO users (uid, phone_id, lang, created_at, username, email, password_hash) VALUES (?, NULL, ?, ?, ?, ?, ?)')
      .run(uid, fields.lang, this.clock.nowS(), fields.username ?? null, fields.email ?? null, fields.passwordHash)
    return { uid }
  }

  updateUser(uid: string, fields: Partial<Omit<UserRow, 'uid' | 'phone_id'>>): UserRow {
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined)
    const updatedAt = new Date(this.clock.nowMs()).toISOString().replace('Z', '').replace(/\.(\d{3})$/, (_match, ms: string) => `.${ms}000`)
    entries.push(['updated_at', updatedAt])
    const columns = entries.map(([name]) => name)
    if (!columns.every((name) => (USER_PROFILE_COLUMNS as readonly string[]).includes(name) || name === 'lang')) throw new Error('unknown user column')
    this.db.prepare(`UPDATE users SET ${columns.map((name) => `${name} = ?`).join(', ')} WHERE uid = ?`).run(...entries.map(([, value]) => value), uid)
    return this.userProfile(uid)!
  }

  // ---- bindings ----

  bindingsOf(uid: string): BindingRow[] {
    return this.db.prepare('SELECT * FROM bindings WHERE uid = ? ORDER BY rowid').all(uid) as BindingRow[]
  }

  binding(uid: string, did: string): BindingRow | undefined {
    return this.db.prepare('SELECT * FROM bindings WHERE uid = ? AND did = ?').get(uid, did) as BindingRow | undefined
  }

  bindingsOfDevice(did: string): BindingRow[] {
    return this.db.prepare('SELECT * FROM bindings WHERE did = ? ORDER BY created_at, rowid').all(did) as BindingRow[]
  }

  usersBoundTo(did: string): string[] {
    return this.bindingsOfDevice(did).map((row) => row.uid)
  }

  /**
   * A user binds a device (bind_mac, bind_latest, did + passcode), with seed 003's roles: on a product with sharing
   * on, `set_owner` makes the binder owner and nobody else binds while there is one (9092); otherwise the first
   * binder is special and later ones normal. Binding again keeps the role.
   */
  bindByUser(uid: string, did: string, fields: { setOwner: boolean; dev_alias?: string; remark?: string }): BindingRow {
    const existing = this.binding(uid, did)
    if (existing) return existing
    const device = this.devices.get(did)!
    const others = this.bindingsOfDevice(did)
    if (device.product.sharing && others.some((row) => row.role === 'owner')) throw new GizwitsFailure(9092)
    const role = device.product.sharing && fields.setOwner ? 'owner' : others.length === 0 ? 'special' : 'normal'
    return this.bind(uid, did, { role, dev_alias: fields.dev_alias, remark: fields.remark })
  }

  bind(uid: string, did: string, fields: { role: BindingRow['role']; dev_alias?: string; remark?: string; expiresAt?: number | null }): BindingRow {
    this.db
      .prepare('INSERT INTO bindings (uid, did, role, dev_alias, remark, dev_label, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(uid, did) DO UPDATE SET role = excluded.role, dev_alias = excluded.dev_alias, remark = excluded.remark, expires_at = excluded.expires_at')
      .run(uid, did, fields.role, fields.dev_alias ?? '', fields.remark ?? '', '[]', this.clock.nowS(), fields.expiresAt ?? null)
    this.emit('binding', uid, did, true)
    return this.binding(uid, did)!
  }

  setRole(uid: string, did: string, role: BindingRow['role']): void {
    this.db.prepare('UPDATE bindings SET role = ?, expires_at = NULL WHERE uid = ? AND did = ?').run(role, uid, did)
  }

  /** Only this binding goes; use `unbindByUser` for what a user's unbinding does to the others. */
  unbind(uid: string, did: string): boolean {
    const removed = this.db.prepare('DELETE FROM bindings WHERE uid = ? AND did = ?').run(uid, did).changes > 0
    if (removed) this.emit('binding', uid, did, false)
    return removed
  }

  /**
   * A user unbinds (seed 003): when the owner goes, every binding of the device goes with it and open invitations
   * are cancelled; when the special user goes, the longest-bound normal user becomes special.
   */
  unbindByUser(uid: string, did: string): boolean {
    const binding = this.binding(uid, did)
    if (!binding) return false
    this.unbind(uid, did)
    if (binding.role === 'owner') {
      for (const other of this.bindingsOfDevice(did)) this.unbind(other.uid, did)
      this.db.prepare('UPDATE sharings SET status = 3, updated_at = ? WHERE did = ? AND status = 0').run(this.clock.nowS(), did)
    }
    if (binding.role === 'special') {
      const next = this.bindingsOfDevice(did).find((row) => row.role === 'normal')
      if (next) this.setRole(next.uid, did, 'special')
    }
    return true
  }

  /** Guests of a time-limited share whose time is up lose the device. */
  sweepExpiredGuests(): void {
    const expired = this.db.prepare("SELECT uid, did FROM bindings WHERE role = 'guest' AND expires_at IS NOT NULL AND expires_at <= ?").all(this.clock.nowS()) as Array<{ uid: string; did: string }>
    for (const { uid, did } of expired) this.unbind(uid, did)
  }

  updateBinding(uid: string, did: string, fields: { remark?: string; dev_alias?: string; dev_label?: string[] }): BindingRow {
    const current = this.binding(uid, did)!
    this.db
      .prepare('UPDATE bindings SET remark = ?, dev_alias = ?, dev_label = ? WHERE uid = ? AND did = ?')
      .run(fields.remark ?? current.remark, fields.dev_alias ?? current.dev_alias, fields.dev_label ? JSON.stringify(fields.dev_label) : current.dev_label, uid, did)
    return this.binding(uid, did)!
  }

  // ---- devices ----

  deviceByMac(productKey: string, mac: string): DeviceState | undefined {
    return [...this.devices.values()].find((d) => d.seed.product_key === productKey && d.seed.mac === mac.toLowerCase())
  }

  attrDef(did: string, name: string): AttrItem | undefined {
    return this.devices.get(did)?.product.attrs.find((attr) => attr.name === name)
  }

  /** The device reports (all its datapoints, as fixed-length Gizwits devices do). */
  report(did: string, changes: Attrs, reply?: { uid: string; connectionId: number; sn: number }): void {
    const device = this.devices.get(did)
    if (!device) return
    Object.assign(device.attrs, changes)
    device.updatedAt = this.clock.nowS()
    this.persist(did)
    this.keepReport(did, device.attrs)
    this.emit('report', did, { ...device.attrs }, reply)
  }

  /** Reports are kept for a month, the longest range `agg_data` answers (research/events-history-notify.md §2.3). */
  private keepReport(did: string, attrs: Attrs): void {
    const now = this.clock.nowS()
    this.db.prepare('INSERT INTO device_reports (did, at, attrs) VALUES (?, ?, ?)').run(did, now, JSON.stringify(attrs))
    if (Math.random() < 0.01) this.db.prepare('DELETE FROM device_reports WHERE at < ?').run(now - REPORT_HISTORY_S)
  }

  reportsBetween(did: string, fromS: number, toS: number): Array<{ at: number; attrs: Attrs }> {
    return (this.db.prepare('SELECT at, attrs FROM device_reports WHERE did = ? AND at >= ? AND at <= ? ORDER BY at').all(did, fromS, toS) as Array<{ at: number; attrs: string }>)
      .map((row) => ({ at: row.at, attrs: JSON.parse(row.attrs) as Attrs }))
  }

  // ---- Wi-Fi registration (AirKiss, then GET /app/device_register) ----

  private readonly registrations = new Map<string, { did: string; at: number }>()

  /**
   * A device joined a Wi-Fi network and registered with the cloud: it is found by the random code its app derives
   * from the same SSID and password (device-register.ts). Only the code is kept, never the password.
   */
  registerOnWifi(did: string, randomCode: string): void {
    this.registrations.set(randomCode, { did, at: this.clock.nowS() })
  }

  registeredFor(randomCode: string): { did: string; at: number } | undefined {
    const found = this.registrations.get(randomCode)
    if (found && this.clock.nowS() - found.at > REGISTRATION_WINDOW_S) this.registrations.delete(randomCode)
    return this.registrations.get(randomCode)
  }

  setOnline(did: string, online: boolean): void {
    const device = this.devices.get(did)
    if (!device || device.online === online) return
    device.online = online
    this.persist(did)
    this.emit('online', did, online)
  }

  setValue(did: string, name: string, value: AttrValue): void {
    const device = this.devices.get(did)
    if (device) device.attrs[name] = value
  }
}

/** Plausible first readings for each kind of product, so a new demo looks alive at once. */
function startingValues(productName: string): Attrs {
  switch (productName) {
    case '空调':
      return { switch: true, mode: '制冷', fan_speed: '自动', set_temp: 24, room_temp: 27.3 }
    case '智能浇花器':
      return { auto_water: true, water_threshold: 30, temp_threshold: 35, soil_humidity: 46, temperature: 22.5, light: 8200 }
    case '宠物屋':
      return { LED_Color: '黄色', LED_R: 200, LED_G: 180, Motor_Speed: 0, Temperature: 24, Humidity: 55, ext_data: [1, 0, 3, 7] }
    default:
      return {}
  }
}
