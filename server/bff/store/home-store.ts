// Homes, rooms, device placements and home sharing (migrations 010 / pg 006): the only SQL for these tables, for
// SQLite and PostgreSQL alike. The statements are written once with `?` and run by either engine through a small
// runner (PostgreSQL gets `$n`), so the two cannot drift apart; ids come back as numbers on both.
import type Database from 'better-sqlite3'
import type pg from 'pg'

export interface Home { id: number; owner_openid: string; name: string; position: number }
export interface Room { id: number; home_id: number; name: string; position: number }
export interface Placement { openid: string; did: string; home_id: number; room_id: number | null }
export type InvitationStatus = 'waiting' | 'accepted' | 'rejected' | 'cancelled'
export interface Invitation { id: number; home_id: number; invitee_openid: string | null; status: InvitationStatus; expires_at: number; created_at: number; has_code: boolean }
/** What the home did with one member's access to one device (see migration 010). */
export type GrantStatus = 'active' | 'preexisting' | 'withdrawn'
export interface Grant { did: string; status: GrantStatus }

export interface HomeStore {
  homesOwnedBy: (openid: string) => Promise<Home[]>
  homesMemberOf: (openid: string) => Promise<Home[]>
  home: (id: number) => Promise<Home | null>
  createHome: (openid: string, name: string, roomNames: readonly string[]) => Promise<Home>
  renameHome: (id: number, name: string) => Promise<void>
  /** Its devices first go to `moveTo` (no room); rooms, members, invitations and grants go with the home. */
  deleteHome: (id: number, moveTo: number) => Promise<void>

  roomsOf: (homeIds: readonly number[]) => Promise<Room[]>
  room: (id: number) => Promise<Room | null>
  addRoom: (homeId: number, name: string) => Promise<Room>
  renameRoom: (id: number, name: string) => Promise<void>
  /** Its devices stay in the home with no room (未分配): the foreign key sets room_id to NULL. */
  deleteRoom: (id: number) => Promise<void>
  reorderRooms: (homeId: number, roomIds: readonly number[]) => Promise<void>

  placementsOf: (openid: string) => Promise<Placement[]>
  /** The home owner's placements in this home: the home's devices. */
  devicesOfHome: (home: Home) => Promise<Placement[]>
  place: (openid: string, did: string, homeId: number, roomId: number | null) => Promise<void>
  unplace: (openid: string, dids: readonly string[]) => Promise<void>

  membersOf: (homeId: number) => Promise<Array<{ openid: string; uid: string | null; joined_at: number }>>
  addMember: (homeId: number, openid: string) => Promise<void>
  removeMember: (homeId: number, openid: string) => Promise<void>

  createInvitation: (input: { homeId: number; codeHash: string | null; inviteeOpenid: string | null; expiresAt: number }) => Promise<number>
  invitation: (id: number) => Promise<Invitation | null>
  invitationByCode: (codeHash: string) => Promise<Invitation | null>
  invitationsFor: (openid: string, now: number) => Promise<Invitation[]>
  invitationsOfHome: (homeId: number, now: number) => Promise<Invitation[]>
  setInvitationStatus: (id: number, status: InvitationStatus) => Promise<void>

  grantsOf: (homeId: number, memberOpenid: string) => Promise<Grant[]>
  setGrant: (homeId: number, memberOpenid: string, did: string, status: GrantStatus) => Promise<void>
  deleteGrant: (homeId: number, memberOpenid: string, did: string) => Promise<void>
  deleteGrantsOf: (homeId: number, memberOpenid: string) => Promise<void>

  /** Our user behind a Gizwits uid, or null when they never signed in here. */
  openidOfUid: (uid: string) => Promise<string | null>
}

interface Runner {
  all: <T>(sql: string, params?: unknown[]) => Promise<T[]>
  run: (sql: string, params?: unknown[]) => Promise<void>
}

export function sqliteHomeStore(db: Database.Database): HomeStore {
  const statements = new Map<string, Database.Statement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (!statement) statements.set(sql, (statement = db.prepare(sql)))
    return statement
  }
  return homeStore({
    all: async <T>(sql: string, params: unknown[] = []) => prepare(sql).all(...params) as T[],
    run: async (sql, params = []) => { prepare(sql).run(...params) },
  })
}

export function pgHomeStore(pool: pg.Pool): HomeStore {
  const numbered = (sql: string) => { let n = 0; return sql.replace(/\?/g, () => `$${++n}`) }
  return homeStore({
    all: async <T>(sql: string, params: unknown[] = []) => (await pool.query(numbered(sql), params)).rows as T[],
    run: async (sql, params = []) => { await pool.query(numbered(sql), params) },
  })
}

const nowS = () => Math.floor(Date.now() / 1000)
const asHome = (row: Home): Home => ({ ...row, id: Number(row.id), position: Number(row.position) })
const asRoom = (row: Room): Room => ({ ...row, id: Number(row.id), home_id: Number(row.home_id), position: Number(row.position) })
const asPlacement = (row: Placement): Placement => ({ ...row, home_id: Number(row.home_id), room_id: row.room_id === null ? null : Number(row.room_id) })
type InvitationRow = Omit<Invitation, 'has_code'> & { code_hash: string | null }
const asInvitation = ({ code_hash: codeHash, ...row }: InvitationRow): Invitation =>
  ({ ...row, id: Number(row.id), home_id: Number(row.home_id), expires_at: Number(row.expires_at), created_at: Number(row.created_at), has_code: codeHash !== null })
const HOME = 'id, owner_openid, name, position'
const ROOM = 'id, home_id, name, position'
const INVITATION = 'id, home_id, invitee_openid, status, expires_at, created_at, code_hash'

function homeStore({ all, run }: Runner): HomeStore {
  const one = async <T>(sql: string, params: unknown[]) => (await all<T>(sql, params))[0] ?? null
  const nextPosition = async (sql: string, param: unknown) => Number((await one<{ p: number | string | null }>(sql, [param]))?.p ?? -1) + 1
  const addRoom = async (homeId: number, name: string) => {
    const position = await nextPosition('SELECT MAX(position) AS p FROM rooms WHERE home_id = ?', homeId)
    return asRoom((await one<Room>(`INSERT INTO rooms (home_id, name, position) VALUES (?, ?, ?) RETURNING ${ROOM}`, [homeId, name, position]))!)
  }
  return {
    homesOwnedBy: async (openid) => (await all<Home>(`SELECT ${HOME} FROM homes WHERE owner_openid = ? ORDER BY position, id`, [openid])).map(asHome),
    homesMemberOf: async (openid) => (await all<Home>(`SELECT h.id, h.owner_openid, h.name, h.position FROM homes h JOIN home_members m ON m.home_id = h.id WHERE m.openid = ? ORDER BY m.joined_at, h.id`, [openid])).map(asHome),
    home: async (id) => { const row = await one<Home>(`SELECT ${HOME} FROM homes WHERE id = ?`, [id]); return row && asHome(row) },
    createHome: async (openid, name, roomNames) => {
      const position = await nextPosition('SELECT MAX(position) AS p FROM homes WHERE owner_openid = ?', openid)
      const home = asHome((await one<Home>(`INSERT INTO homes (owner_openid, name, position, created_at) VALUES (?, ?, ?, ?) RETURNING ${HOME}`, [openid, name, position, nowS()]))!)
      for (const room of roomNames) await addRoom(home.id, room)
      return home
    },
    renameHome: (id, name) => run('UPDATE homes SET name = ? WHERE id = ?', [name, id]),
    deleteHome: async (id, moveTo) => {
      await run('UPDATE device_placements SET home_id = ?, room_id = NULL WHERE home_id = ?', [moveTo, id])
      await run('DELETE FROM homes WHERE id = ?', [id])
    },

    roomsOf: async (homeIds) => homeIds.length === 0 ? [] :
      (await all<Room>(`SELECT ${ROOM} FROM rooms WHERE home_id IN (${homeIds.map(() => '?').join(',')}) ORDER BY position, id`, [...homeIds])).map(asRoom),
    room: async (id) => { const row = await one<Room>(`SELECT ${ROOM} FROM rooms WHERE id = ?`, [id]); return row && asRoom(row) },
    addRoom,
    renameRoom: (id, name) => run('UPDATE rooms SET name = ? WHERE id = ?', [name, id]),
    deleteRoom: (id) => run('DELETE FROM rooms WHERE id = ?', [id]),
    reorderRooms: async (homeId, roomIds) => {
      for (const [position, id] of roomIds.entries()) await run('UPDATE rooms SET position = ? WHERE id = ? AND home_id = ?', [position, id, homeId])
    },

    placementsOf: async (openid) => (await all<Placement>('SELECT openid, did, home_id, room_id FROM device_placements WHERE openid = ?', [openid])).map(asPlacement),
    devicesOfHome: async (home) => (await all<Placement>('SELECT openid, did, home_id, room_id FROM device_placements WHERE home_id = ? AND openid = ? ORDER BY did', [home.id, home.owner_openid])).map(asPlacement),
    place: (openid, did, homeId, roomId) => run(`INSERT INTO device_placements (openid, did, home_id, room_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (openid, did) DO UPDATE SET home_id = excluded.home_id, room_id = excluded.room_id`, [openid, did, homeId, roomId]),
    unplace: async (openid, dids) => {
      for (const did of dids) await run('DELETE FROM device_placements WHERE openid = ? AND did = ?', [openid, did])
    },

    membersOf: async (homeId) => (await all<{ openid: string; uid: string | null; joined_at: number }>(
      'SELECT m.openid, u.gizwits_uid AS uid, m.joined_at FROM home_members m LEFT JOIN users u ON u.openid = m.openid WHERE m.home_id = ? ORDER BY m.joined_at, m.openid', [homeId]))
      .map((row) => ({ ...row, joined_at: Number(row.joined_at) })),
    addMember: (homeId, openid) => run('INSERT INTO home_members (home_id, openid, joined_at) VALUES (?, ?, ?) ON CONFLICT (home_id, openid) DO NOTHING', [homeId, openid, nowS()]),
    removeMember: (homeId, openid) => run('DELETE FROM home_members WHERE home_id = ? AND openid = ?', [homeId, openid]),

    createInvitation: async ({ homeId, codeHash, inviteeOpenid, expiresAt }) => Number((await one<{ id: number }>(
      "INSERT INTO home_invitations (home_id, code_hash, invitee_openid, status, expires_at, created_at) VALUES (?, ?, ?, 'waiting', ?, ?) RETURNING id",
      [homeId, codeHash, inviteeOpenid, expiresAt, nowS()]))!.id),
    invitation: async (id) => { const row = await one<InvitationRow>(`SELECT ${INVITATION} FROM home_invitations WHERE id = ?`, [id]); return row && asInvitation(row) },
    invitationByCode: async (codeHash) => { const row = await one<InvitationRow>(`SELECT ${INVITATION} FROM home_invitations WHERE code_hash = ?`, [codeHash]); return row && asInvitation(row) },
    invitationsFor: async (openid, now) => (await all<InvitationRow>(`SELECT ${INVITATION} FROM home_invitations WHERE invitee_openid = ? AND status = 'waiting' AND expires_at > ? ORDER BY id DESC`, [openid, now])).map(asInvitation),
    invitationsOfHome: async (homeId, now) => (await all<InvitationRow>(`SELECT ${INVITATION} FROM home_invitations WHERE home_id = ? AND status = 'waiting' AND expires_at > ? ORDER BY id DESC`, [homeId, now])).map(asInvitation),
    setInvitationStatus: (id, status) => run('UPDATE home_invitations SET status = ? WHERE id = ?', [status, id]),

    grantsOf: (homeId, member) => all<Grant>('SELECT did, status FROM home_grants WHERE home_id = ? AND member_openid = ?', [homeId, member]),
    setGrant: (homeId, member, did, status) => run(`INSERT INTO home_grants (home_id, member_openid, did, status, granted_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (home_id, member_openid, did) DO UPDATE SET status = excluded.status`, [homeId, member, did, status, nowS()]),
    deleteGrant: (homeId, member, did) => run('DELETE FROM home_grants WHERE home_id = ? AND member_openid = ? AND did = ?', [homeId, member, did]),
    deleteGrantsOf: (homeId, member) => run('DELETE FROM home_grants WHERE home_id = ? AND member_openid = ?', [homeId, member]),

    openidOfUid: async (uid) => (await one<{ openid: string }>('SELECT openid FROM users WHERE gizwits_uid = ?', [uid]))?.openid ?? null,
  }
}
