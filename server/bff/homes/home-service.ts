// Homes and rooms for one user, and sharing a home through Gizwits' own sharing of each device. Gizwits has no
// homes (the AbleCloud guide's Home/Room model lives in the vendor's server), so this keeps them; what a member
// may actually use is still decided by the cloud: the home makes one Gizwits sharing per device (the owner's token
// invites, the member's token accepts) and takes it back by removing the member as a guest.
//
// Consistency with what happens outside the home is settled by `reconcile`, run whenever the owner or a member
// lists their homes and after every change to a home (README "Homes and rooms"):
// - a device new to the owner lands in their first home's 未分配 and is shared with every member at once;
// - a device the owner no longer has (unbound, transferred) leaves the home, and its grants are forgotten;
// - a device moved to another home is taken back from this home's members (and given to the other's);
// - a member who lost a device outside the home (the owner removed them as a guest, or they unbound it) is not
//   given it again: the grant becomes `withdrawn` until the device re-enters the home or the member re-joins;
// - a device the member already had before the home shared it is `preexisting`: leaving never takes it.
import type { BoundDevice } from '@shared/open-api'
import { GizwitsErrorCode } from '@shared/open-api'
import type { HomeView } from '@shared/homes'
import type { Locale } from '@shared/api'
import type { Context } from '../context'
import { ApiError } from '../errors'
import { GizwitsApiError } from '../gizwits/open-api-client'
import type { Home, HomeStore } from '../store/home-store'

const DEFAULTS: Record<Locale, { home: string; rooms: string[] }> = {
  'zh-CN': { home: '我的家', rooms: ['客厅', '卧室', '厨房', '阳台'] },
  en: { home: 'My home', rooms: ['Living room', 'Bedroom', 'Kitchen', 'Balcony'] },
}
const MAX_HOMES = 10
const MAX_ROOMS = 30
/** A sharing the cloud refused (a product with sharing off) is not asked for again on every list for this long. */
const REFUSAL_MEMORY_MS = 10 * 60_000

/** Devices an owner may share: seed 003 lets the owner share, and the special user (who becomes owner by sharing). */
const shareable = (device: BoundDevice) => device.role === 'owner' || device.role === 'special'

export class HomeService {
  /** One reconcile per home at a time in this BFF, so two pages listing together do not share a device twice. */
  private running = new Map<number, Promise<void>>()
  /** `home member did` → when the cloud refused to share it. */
  private refused = new Map<string, number>()

  /** Owners whose homes are about to be reconciled because their bindings changed. */
  private followUps = new Set<string>()

  constructor(private readonly context: Context, readonly store: HomeStore) {
    // A device the owner binds (or gives away, or unbinds) reaches the members now, not when someone next lists.
    context.bindingChanges.listen((event) => {
      const openid = event.kind === 'user_changed' ? event.openid : event.by
      if (openid !== undefined) this.followBindings(openid)
    })
  }

  /** Reconciles the shared homes of a user whose bindings changed, once for a burst of changes. */
  private followBindings(openid: string): void {
    if (this.followUps.has(openid)) return
    this.followUps.add(openid)
    setTimeout(() => {
      this.followUps.delete(openid)
      void (async () => {
        for (const home of await this.store.homesOwnedBy(openid)) {
          if ((await this.store.membersOf(home.id)).length > 0) await this.reconcile(home)
        }
      })().catch(() => {
        // The cloud or the store away (or closing): the next list of the homes reconciles them.
      })
    }, 0)
  }

  /** The user's own homes, making the first one (with default rooms in their language) on first use. */
  async ownHomes(openid: string, locale: Locale): Promise<Home[]> {
    const homes = await this.store.homesOwnedBy(openid)
    if (homes.length > 0) return homes
    const defaults = DEFAULTS[locale]
    return [await this.store.createHome(openid, defaults.home, defaults.rooms)]
  }

  async createHome(openid: string, name: string, locale: Locale): Promise<Home> {
    const homes = await this.ownHomes(openid, locale)
    if (homes.length >= MAX_HOMES) throw new ApiError(409, 'too_many_homes', 'too_many_homes', { max: MAX_HOMES })
    return this.store.createHome(openid, name, DEFAULTS[locale].rooms)
  }

  /** A home the user owns, or 404 for anyone else: members and strangers may not arrange it. */
  async ownedHome(openid: string, homeId: number): Promise<Home> {
    const home = await this.store.home(homeId)
    if (!home) throw new ApiError(404, 'home_not_found', 'home_not_found')
    if (home.owner_openid === openid) return home
    const member = (await this.store.membersOf(homeId)).some((row) => row.openid === openid)
    throw member ? new ApiError(403, 'not_home_owner', 'not_home_owner') : new ApiError(404, 'home_not_found', 'home_not_found')
  }

  async addRoom(home: Home, name: string) {
    if ((await this.store.roomsOf([home.id])).length >= MAX_ROOMS) throw new ApiError(409, 'too_many_rooms', 'too_many_rooms', { max: MAX_ROOMS })
    return this.store.addRoom(home.id, name)
  }

  async roomOf(home: Home, roomId: number) {
    const room = await this.store.room(roomId)
    if (!room || room.home_id !== home.id) throw new ApiError(404, 'room_not_found', 'room_not_found')
    return room
  }

  async deleteHome(openid: string, home: Home, locale: Locale): Promise<void> {
    const others = (await this.ownHomes(openid, locale)).filter((other) => other.id !== home.id)
    if (others.length === 0) throw new ApiError(409, 'last_home', 'last_home')
    for (const member of await this.store.membersOf(home.id)) await this.removeMember(home, member.openid)
    await this.store.deleteHome(home.id, others[0].id)
    await this.reconcile(others[0])
  }

  /** Moves one of the user's devices into a room (or 未分配) of one of their homes. */
  async placeDevice(openid: string, did: string, homeId: number, roomId: number | null): Promise<void> {
    await this.context.access.boundDevice(openid, did)
    const home = await this.ownedHome(openid, homeId)
    if (roomId !== null) await this.roomOf(home, roomId)
    const before = (await this.store.placementsOf(openid)).find((row) => row.did === did)
    await this.store.place(openid, did, home.id, roomId)
    if (before && before.home_id !== home.id) {
      const previous = await this.store.home(before.home_id)
      if (previous) await this.reconcile(previous)
    }
    await this.reconcile(home)
  }

  /** Everything the device list shows: own homes first, then the homes shared with the user, each reconciled. */
  async view(openid: string, locale: Locale): Promise<HomeView[]> {
    const own = await this.ownHomes(openid, locale)
    const shared = await this.store.homesMemberOf(openid)
    await this.placeNewDevices(openid, own)
    for (const home of [...own, ...shared]) await this.reconcile(home)

    const mine = await this.context.access.devicesOf(openid)
    const seen = new Set(mine.map((device) => device.did))
    const rooms = await this.store.roomsOf([...own, ...shared].map((home) => home.id))
    const ownerNames = await this.nicknamesOfOwners(shared)
    const sharedDids = new Set<string>()
    const sharedViews: HomeView[] = []
    for (const home of shared) {
      const devices = (await this.store.devicesOfHome(home)).filter((row) => seen.has(row.did))
      for (const row of devices) sharedDids.add(row.did)
      const nickname = ownerNames.get(home.owner_openid)
      sharedViews.push({
        id: home.id, name: home.name, role: 'member', ...(nickname ? { owner_nickname: nickname } : {}),
        rooms: rooms.filter((room) => room.home_id === home.id).map(({ id, name }) => ({ id, name })),
        devices: devices.map(({ did, room_id }) => ({ did, room_id })),
      })
    }
    const placements = await this.store.placementsOf(openid)
    const ownViews = own.map((home): HomeView => ({
      id: home.id, name: home.name, role: 'owner',
      rooms: rooms.filter((room) => room.home_id === home.id).map(({ id, name }) => ({ id, name })),
      // A device a shared home shows is shown there, not twice.
      devices: placements.filter((row) => row.home_id === home.id && seen.has(row.did) && !sharedDids.has(row.did)).map(({ did, room_id }) => ({ did, room_id })),
    }))
    return [...ownViews, ...sharedViews]
  }

  /** Devices bound but not yet placed go to the first home's 未分配; placements of devices gone are dropped. */
  private async placeNewDevices(openid: string, own: Home[]): Promise<void> {
    const devices = await this.context.access.devicesOf(openid, { refresh: true })
    const placements = await this.store.placementsOf(openid)
    const placed = new Set(placements.map((row) => row.did))
    const bound = new Set(devices.map((device) => device.did))
    for (const device of devices) if (!placed.has(device.did)) await this.store.place(openid, device.did, own[0].id, null)
    await this.store.unplace(openid, placements.filter((row) => !bound.has(row.did)).map((row) => row.did))
  }

  private async nicknamesOfOwners(homes: Home[]): Promise<Map<string, string>> {
    const found = new Map<string, string>()
    for (const openid of new Set(homes.map((home) => home.owner_openid))) {
      const nickname = await this.context.users.nickname(openid)
      if (nickname) found.set(openid, nickname)
    }
    return found
  }

  /** Brings every member's access to the home's devices in line with the home (see the rules at the top). */
  reconcile(home: Home): Promise<void> {
    const previous = this.running.get(home.id) ?? Promise.resolve()
    const next = previous.then(() => this.reconcileNow(home)).finally(() => {
      if (this.running.get(home.id) === next) this.running.delete(home.id)
    })
    this.running.set(home.id, next)
    return next
  }

  private async reconcileNow(home: Home): Promise<void> {
    const members = await this.store.membersOf(home.id)
    if (members.length === 0) return
    const { access, accounts, bindingChanges, client } = this.context
    // A device the owner bound since they last listed belongs to the home it lands in now, for members too.
    await this.placeNewDevices(home.owner_openid, await this.store.homesOwnedBy(home.owner_openid))
    const ownerDevices = await access.devicesOf(home.owner_openid, { refresh: true })
    const owned = new Map(ownerDevices.filter(shareable).map((device) => [device.did, device]))
    const inHome = new Set((await this.store.devicesOfHome(home)).map((row) => row.did).filter((did) => owned.has(did)))
    for (const member of members) {
      if (!member.uid) continue
      const memberUid = member.uid
      const theirs = new Set((await access.devicesOf(member.openid, { refresh: true })).map((device) => device.did))
      const grants = new Map((await this.store.grantsOf(home.id, member.openid)).map((grant) => [grant.did, grant.status]))
      let changed = false
      for (const did of inHome) {
        const status = grants.get(did)
        if (status === undefined) {
          if (theirs.has(did)) {
            await this.store.setGrant(home.id, member.openid, did, 'preexisting')
            continue
          }
          const refusalKey = `${home.id} ${member.openid} ${did}`
          if (Date.now() - (this.refused.get(refusalKey) ?? -Infinity) < REFUSAL_MEMORY_MS) continue
          try {
            const { id } = await accounts.withToken(home.owner_openid, (token) => client.createSharing(token, { type: 0, did, uid: memberUid }))
            await accounts.withToken(member.openid, (token) => client.respondToSharing(token, id!, true))
            await this.store.setGrant(home.id, member.openid, did, 'active')
            // A guest's binding has its own alias, empty at first: the family calls the device what the owner
            // does (阳台绿萝, not a third 智能浇花器). A nicety: the device is theirs even if naming fails.
            const alias = owned.get(did)!.dev_alias
            if (alias) await accounts.withToken(member.openid, (token) => client.updateBinding(token, did, { dev_alias: alias })).catch(() => {})
            changed = true
          } catch (error) {
            // Already a guest by another way (a cluster peer raced us): theirs, not ours to take back.
            if (error instanceof GizwitsApiError && error.code === GizwitsErrorCode.GUEST_ALREADY_BOUND) await this.store.setGrant(home.id, member.openid, did, 'preexisting')
            // A product with sharing off stays the owner's; the cloud away is tried again at a later reconcile.
            else if (error instanceof GizwitsApiError && error.status < 500) this.refused.set(refusalKey, Date.now())
          }
        } else if (status === 'active' && !theirs.has(did)) {
          await this.store.setGrant(home.id, member.openid, did, 'withdrawn')
        }
      }
      for (const [did, status] of grants) {
        if (inHome.has(did)) continue
        // The device left the home (moved, unbound, given away): what the home gave is taken back.
        if (status === 'active' && owned.has(did) && theirs.has(did)) {
          await accounts.withToken(home.owner_openid, (token) => client.removeGuest(token, did, memberUid)).catch(() => {})
          bindingChanges.devicesChanged([did])
        }
        await this.store.deleteGrant(home.id, member.openid, did)
      }
      if (changed) bindingChanges.userChanged(member.openid)
    }
  }

  /** A member leaves or is removed: every device the home gave them is taken back, nothing they had before. */
  async removeMember(home: Home, memberOpenid: string): Promise<void> {
    const { accounts, bindingChanges, client } = this.context
    const member = (await this.store.membersOf(home.id)).find((row) => row.openid === memberOpenid)
    if (!member) throw new ApiError(404, 'member_not_found', 'member_not_found')
    await this.running.get(home.id)
    const taken: string[] = []
    for (const grant of await this.store.grantsOf(home.id, memberOpenid)) {
      if (grant.status !== 'active' || !member.uid) continue
      try {
        await accounts.withToken(home.owner_openid, (token) => client.removeGuest(token, grant.did, member.uid!))
      } catch (error) {
        // Already gone (removed outside the home, or the device unbound): nothing left to take back.
        if (!(error instanceof GizwitsApiError)) throw error
      }
      taken.push(grant.did)
    }
    await this.store.deleteGrantsOf(home.id, memberOpenid)
    await this.store.removeMember(home.id, memberOpenid)
    if (taken.length > 0) bindingChanges.devicesChanged(taken, memberOpenid)
  }

  /** A user accepted an invitation: they become a member and get every device of the home now. */
  async join(home: Home, openid: string): Promise<void> {
    if (home.owner_openid === openid) throw new ApiError(409, 'own_home', 'own_home')
    // A re-join starts afresh: what was withdrawn before may be given again.
    await this.store.deleteGrantsOf(home.id, openid)
    await this.store.addMember(home.id, openid)
    await this.reconcile(home)
  }
}
