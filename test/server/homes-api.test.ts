// Homes and rooms through the BFF against the sandbox over real HTTP: rooms arranged per user, devices placed only
// by users bound to them, and a shared home granting and taking back every device through Gizwits' own sharing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { HomeInvitation, HomeInviteCreated, HomeMembers, HomesView, HomeView } from '@shared/homes'
import type { BindingsResponse } from '@shared/open-api'
import { FIRST_USER, LIVING_ROOM_AC, SECOND_USER, SECOND_USERS_AC, body, json, startBackend, type Backend } from '../support/backend'
import { loginThroughSandbox } from '../support/login'

const THIRD_USER = 'oDemo_LaoWang_9kL4mV6xZ0oP'
const BEDROOM_AC = 'Wc4Tn8bVq2LrXy7PzA1mKe'
const BALCONY_PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
/** The owner's pet house: its product has sharing off, so a home cannot give it to members. */
const PET_HOUSE = 'Pt9cPvYv5tT1uMz4Xd7SbK'
/** Bound by the owner only after the invitation was accepted. */
const LATER_PLANT = { did: 'Nw2fSyBy8wW4xPc7Ag0VeN', passcode: 'HGFDSAPOIU' }
const OWNERS_SHAREABLE = [LIVING_ROOM_AC, BEDROOM_AC, BALCONY_PLANT, 'Pl8bOuXu4sS0tLy3Wc6RaJ']

let backend: Backend
const cookies: Record<string, string> = {}

beforeAll(async () => {
  backend = await startBackend()
  for (const user of [FIRST_USER, SECOND_USER, THIRD_USER]) cookies[user] = await loginThroughSandbox(backend.bffUrl, user)
})
afterAll(async () => {
  await backend.close()
})

const as = (user: string) => (path: string, init: RequestInit & { json?: unknown } = {}) =>
  fetch(`${backend.bffUrl}${path}`, {
    ...init,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
    headers: { cookie: cookies[user], origin: backend.bffUrl, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }), ...(init.headers as Record<string, string>) },
  })
const owner = as(FIRST_USER)
const member = as(SECOND_USER)
const stranger = as(THIRD_USER)
const uidOf = async (call: ReturnType<typeof as>) => (await body(await call('/api/me'))).uid as string
const homesOf = async (call: ReturnType<typeof as>) => (await json<HomesView>(await call('/api/homes'))).homes
const dids = async (call: ReturnType<typeof as>) => (await json<BindingsResponse>(await call('/api/app/bindings?limit=100'))).devices.map((device) => device.did)
const roleOf = async (call: ReturnType<typeof as>, did: string) => (await json<BindingsResponse>(await call('/api/app/bindings?limit=100'))).devices.find((device) => device.did === did)?.role
let home: HomeView

describe('homes and rooms', () => {
  test('should give a new user one home with default rooms and every device in 未分配', async () => {
    const homes = await homesOf(owner)
    expect(homes).toHaveLength(1)
    home = homes[0]
    expect(home).toMatchObject({ name: '我的家', role: 'owner' })
    expect(home.rooms.map((room) => room.name)).toEqual(['客厅', '卧室', '厨房', '阳台'])
    expect(home.devices.map((device) => device.did).sort()).toEqual([...OWNERS_SHAREABLE, PET_HOUSE].sort())
    expect(home.devices.every((device) => device.room_id === null)).toBe(true)
    const english = (await json<HomesView>(await stranger('/api/homes', { headers: { 'accept-language': 'en' } }))).homes[0]
    expect(english.rooms.map((room) => room.name)).toEqual(['Living room', 'Bedroom', 'Kitchen', 'Balcony'])
  })

  test('should create, rename and reorder rooms, and move a device into one', async () => {
    const created = await owner(`/api/homes/${home.id}/rooms`, { method: 'POST', json: { name: '书房' } })
    expect(created.status).toBe(201)
    const study = await json<{ id: number; name: string }>(created)
    expect((await owner(`/api/homes/${home.id}/rooms/${study.id}`, { method: 'PUT', json: { name: '小书房' } })).status).toBe(200)
    const order = [study.id, ...home.rooms.map((room) => room.id)]
    expect((await owner(`/api/homes/${home.id}/room_order`, { method: 'PUT', json: { room_ids: order } })).status).toBe(200)
    const partial = await owner(`/api/homes/${home.id}/room_order`, { method: 'PUT', json: { room_ids: order.slice(1) } })
    expect(partial.status).toBe(400)
    expect((await body(partial)).message).toBe('房间顺序要包含这个家的每个房间，且各一次')
    expect((await owner(`/api/homes/devices/${LIVING_ROOM_AC}`, { method: 'PUT', json: { home_id: home.id, room_id: home.rooms[0].id } })).status).toBe(200)
    expect((await owner(`/api/homes/devices/${BEDROOM_AC}`, { method: 'PUT', json: { home_id: home.id, room_id: study.id } })).status).toBe(200)
    const [after] = await homesOf(owner)
    expect(after.rooms.map((room) => room.name)).toEqual(['小书房', '客厅', '卧室', '厨房', '阳台'])
    expect(after.devices.find((device) => device.did === LIVING_ROOM_AC)?.room_id).toBe(home.rooms[0].id)
    expect(after.devices.find((device) => device.did === BEDROOM_AC)?.room_id).toBe(study.id)
  })

  test('should move a deleted room\'s devices to 未分配', async () => {
    const [before] = await homesOf(owner)
    const study = before.rooms[0]
    expect((await owner(`/api/homes/${home.id}/rooms/${study.id}`, { method: 'DELETE' })).status).toBe(200)
    const [after] = await homesOf(owner)
    expect(after.rooms.map((room) => room.name)).not.toContain('小书房')
    expect(after.devices.find((device) => device.did === BEDROOM_AC)).toEqual({ did: BEDROOM_AC, room_id: null })
  })

  test('should refuse moving a device the user is not bound to, and arranging someone else\'s home', async () => {
    const foreign = await owner(`/api/homes/devices/${SECOND_USERS_AC}`, { method: 'PUT', json: { home_id: home.id, room_id: null } })
    expect(foreign.status).toBe(404)
    expect((await body(foreign)).message).toBe('找不到这台设备，或者它不在你的设备列表里')
    const intoOthers = await member(`/api/homes/devices/${SECOND_USERS_AC}`, { method: 'PUT', json: { home_id: home.id, room_id: null } })
    expect(intoOthers.status).toBe(404)
    expect((await body(intoOthers)).message).toBe('找不到这个家，或者你不是它的成员')
    expect((await stranger(`/api/homes/${home.id}`, { method: 'PUT', json: { name: '我的' } })).status).toBe(404)
    expect((await stranger(`/api/homes/${home.id}/rooms`, { method: 'POST', json: { name: '地下室' } })).status).toBe(404)
    expect((await owner(`/api/homes/${home.id}`, { method: 'DELETE' })).status).toBe(409)
  })

  test('should delete a second home with its devices moved to the first home\'s 未分配', async () => {
    const created = await json<HomeView>(await owner('/api/homes', { method: 'POST', json: { name: '老家' } }))
    expect((await owner(`/api/homes/devices/${BALCONY_PLANT}`, { method: 'PUT', json: { home_id: created.id, room_id: created.rooms[3].id } })).status).toBe(200)
    expect((await homesOf(owner)).find((one) => one.id === created.id)?.devices).toEqual([{ did: BALCONY_PLANT, room_id: created.rooms[3].id }])
    expect((await owner(`/api/homes/${created.id}`, { method: 'DELETE' })).status).toBe(200)
    const homes = await homesOf(owner)
    expect(homes).toHaveLength(1)
    expect(homes[0].devices.find((device) => device.did === BALCONY_PLANT)).toEqual({ did: BALCONY_PLANT, room_id: null })
  })
})

describe('sharing a home', () => {
  test('should give a member every shareable device of the home as a guest, and one bound after the invitation', async () => {
    const invited = await owner(`/api/homes/${home.id}/invitations`, { method: 'POST', json: { type: 'user', uid: await uidOf(member) } })
    expect(invited.status).toBe(201)
    const invitations = await json<HomeInvitation[]>(await member('/api/homes/invitations'))
    expect(invitations).toHaveLength(1)
    expect(invitations[0]).toMatchObject({ home_id: home.id, home_name: '我的家' })
    // Another user cannot answer it.
    expect((await stranger(`/api/homes/invitations/${invitations[0].id}`, { method: 'PUT', json: { accept: true } })).status).toBe(404)
    expect((await member(`/api/homes/invitations/${invitations[0].id}`, { method: 'PUT', json: { accept: true } })).status).toBe(200)

    for (const did of OWNERS_SHAREABLE) expect(await roleOf(member, did)).toBe('guest')
    expect(await dids(member)).not.toContain(PET_HOUSE)
    const shared = (await homesOf(member)).find((one) => one.id === home.id)!
    expect(shared.role).toBe('member')
    expect(shared.devices.find((device) => device.did === LIVING_ROOM_AC)?.room_id).toBe(home.rooms[0].id)
    // The member's own home keeps only their own device.
    expect((await homesOf(member)).find((one) => one.role === 'owner')!.devices.map((device) => device.did)).toEqual([SECOND_USERS_AC])

    // Named as the owner names them: a guest's binding has its own alias, set from the owner's.
    const named = (await json<BindingsResponse>(await member('/api/app/bindings?limit=100'))).devices.find((device) => device.did === LIVING_ROOM_AC)
    expect(named?.dev_alias).toBe('客厅空调')

    // A device the owner binds later joins the home (its 未分配) and reaches the member by itself, before anyone
    // lists the homes again.
    expect((await owner('/api/app/bindings', { method: 'POST', json: { devices: [LATER_PLANT] } })).status).toBe(201)
    await expect.poll(() => dids(member), { timeout: 10_000 }).toContain(LATER_PLANT.did)
    expect(await roleOf(member, LATER_PLANT.did)).toBe('guest')
    const later = (await homesOf(member)).find((one) => one.id === home.id)!
    expect(later.devices).toContainEqual({ did: LATER_PLANT.did, room_id: null })
    // The member controls it through the existing path.
    expect((await member(`/api/app/control/${LIVING_ROOM_AC}`, { method: 'POST', json: { attrs: { set_temp: 24 } } })).status).toBe(200)
  })

  test('should refuse non-members and let only the owner arrange the shared home', async () => {
    expect((await homesOf(stranger)).some((one) => one.id === home.id)).toBe(false)
    expect((await stranger(`/api/homes/${home.id}/members`)).status).toBe(404)
    expect((await stranger(`/api/homes/${home.id}/membership`, { method: 'DELETE' })).status).toBe(404)
    expect(await dids(stranger)).not.toContain(LIVING_ROOM_AC)
    const renamed = await member(`/api/homes/${home.id}/rooms/${home.rooms[0].id}`, { method: 'PUT', json: { name: '大厅' } })
    expect(renamed.status).toBe(403)
    expect((await body(renamed)).message).toBe('只有家的主人可以整理这个家')
    const members = await json<HomeMembers>(await owner(`/api/homes/${home.id}/members`))
    expect(members.members.map((one) => one.uid)).toEqual([await uidOf(member)])
  })

  test('should join by QR code, and take every device back when the owner removes the member', async () => {
    const { code } = await json<HomeInviteCreated>(await owner(`/api/homes/${home.id}/invitations`, { method: 'POST', json: { type: 'qr' } }))
    expect((await owner(`/api/homes/invitations/code/${code}`)).status).toBe(409)
    expect(await json<HomeInvitation>(await stranger(`/api/homes/invitations/code/${code}`))).toMatchObject({ home_name: '我的家' })
    expect((await stranger(`/api/homes/invitations/code/${code}`, { method: 'POST' })).status).toBe(201)
    expect(await dids(stranger)).toEqual(expect.arrayContaining([...OWNERS_SHAREABLE, LATER_PLANT.did]))
    const used = await member(`/api/homes/invitations/code/${code}`, { method: 'POST' })
    expect(used.status).toBe(409)

    expect((await owner(`/api/homes/${home.id}/members/${await uidOf(stranger)}`, { method: 'DELETE' })).status).toBe(200)
    expect(await dids(stranger)).toEqual([])
    expect((await homesOf(stranger)).some((one) => one.id === home.id)).toBe(false)
  })

  test('should not give back a device the owner took away outside the home, and take the rest when the member leaves', async () => {
    // The owner removes the member as a guest of one device on its sharing page: the home respects that.
    expect((await owner(`/api/app/${BALCONY_PLANT}/bindings?uid=${await uidOf(member)}`, { method: 'DELETE' })).status).toBe(200)
    await homesOf(owner)
    await homesOf(member)
    expect(await dids(member)).not.toContain(BALCONY_PLANT)

    expect((await member(`/api/homes/${home.id}/membership`, { method: 'DELETE' })).status).toBe(200)
    expect(await dids(member)).toEqual([SECOND_USERS_AC])
    expect((await homesOf(member)).map((one) => one.role)).toEqual(['owner'])
    // The owner keeps everything, with their roles.
    expect(await roleOf(owner, LIVING_ROOM_AC)).toBe('owner')
  })

  test('should take back from members a device moved out of the shared home', async () => {
    const invited = await json<HomeInviteCreated>(await owner(`/api/homes/${home.id}/invitations`, { method: 'POST', json: { type: 'qr' } }))
    expect((await member(`/api/homes/invitations/code/${invited.code}`, { method: 'POST' })).status).toBe(201)
    expect(await dids(member)).toContain(BALCONY_PLANT)
    const other = await json<HomeView>(await owner('/api/homes', { method: 'POST', json: { name: '办公室' } }))
    expect((await owner(`/api/homes/devices/${BALCONY_PLANT}`, { method: 'PUT', json: { home_id: other.id, room_id: null } })).status).toBe(200)
    expect(await dids(member)).not.toContain(BALCONY_PLANT)
    expect(await dids(member)).toContain(LIVING_ROOM_AC)
  })
})
