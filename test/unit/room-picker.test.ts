// The room picker with the real homes store and the BFF calls stubbed at the api module: a new sub-device goes to
// its hub's room, a tap moves a device and the store is loaded again (the list groups by it), and a member of a
// shared home sees the room but has nothing to tap — the page never asks the BFF to move it.
import { flushPromises } from '@vue/test-utils'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import type { HomeView } from '@shared/homes'
import DeviceRoom from '@/components/homes/DeviceRoom.vue'
import RoomChoice from '@/components/homes/RoomChoice.vue'
import { mountWithApp } from './mount'

const api = vi.hoisted(() => ({ homes: [] as HomeView[], placed: [] as Array<[string, number, number | null]> }))
vi.mock('@/api/homes', () => ({
  fetchHomes: async () => structuredClone(api.homes),
  placeDevice: async (did: string, homeId: number, roomId: number | null) => {
    api.placed.push([did, homeId, roomId])
    for (const home of api.homes) home.devices = home.devices.filter((device) => device.did !== did)
    api.homes.find((home) => home.id === homeId)!.devices.push({ did, room_id: roomId })
  },
}))

const HUB = 'Gw5hUbRb1yY7zSe0Ci3XgP'
const SENSOR = 'Ds1aKdLd3aA9bUg2Ek5ZiR'
const LAMP = 'Lp7aKdLd3aA9bUg2Ek5ZiR'
const rooms = [{ id: 1, name: '客厅' }, { id: 2, name: '卧室' }]

beforeEach(() => {
  api.placed = []
  api.homes = [
    { id: 10, name: '我的家', role: 'owner', rooms, devices: [{ did: HUB, room_id: 1 }] },
    { id: 20, name: '爸妈家', role: 'member', rooms: [{ id: 5, name: '书房' }], devices: [{ did: LAMP, room_id: 5 }] },
  ]
})

describe('room picker', () => {
  test('should put a sub-device that just joined in its hub\'s room, then move it where the user taps', async () => {
    const wrapper = mountWithApp(RoomChoice, { props: { did: SENSOR, hub: HUB } })
    await flushPromises()
    expect(api.placed).toEqual([[SENSOR, 10, 1]])
    expect(wrapper.get('[data-room-picker]').attributes('data-room-current')).toBe('客厅')

    await wrapper.get('[data-room-option="卧室"]').trigger('click')
    await flushPromises()
    expect(api.placed).toEqual([[SENSOR, 10, 1], [SENSOR, 10, 2]])
    expect(wrapper.get('[data-room-option="卧室"]').attributes('aria-checked')).toBe('true')
    expect(wrapper.emitted('moved')).toEqual([['卧室']])
  })

  test('should leave a sub-device that already has a room where it is', async () => {
    api.homes[0].devices.push({ did: SENSOR, room_id: 2 })
    const wrapper = mountWithApp(RoomChoice, { props: { did: SENSOR, hub: HUB } })
    await flushPromises()
    expect(api.placed).toEqual([])
    expect(wrapper.get('[data-room-picker]').attributes('data-room-current')).toBe('卧室')
  })

  test('should show a member of a shared home the room without letting them change it', async () => {
    const row = mountWithApp(DeviceRoom, { props: { did: LAMP } })
    await flushPromises()
    const cell = row.get('[data-device-room]')
    expect(cell.attributes('data-room-editable')).toBe('false')
    expect(cell.text()).toContain('书房')

    const choice = mountWithApp(RoomChoice, { props: { did: LAMP } })
    await flushPromises()
    expect(choice.find('[data-room-owner-only]').text()).toBe('只有家的主人可以更换房间')
    for (const option of choice.findAll('[data-room-option]')) expect(option.attributes('disabled')).toBeDefined()
    await choice.get('[data-room-option="unassigned"]').trigger('click')
    await flushPromises()
    expect(api.placed).toEqual([])
  })

  test('should show the owner their device\'s room as one they can change', async () => {
    const row = mountWithApp(DeviceRoom, { props: { did: HUB } })
    await flushPromises()
    expect(row.get('[data-device-room]').attributes('data-room-editable')).toBe('true')
    expect(row.get('[data-device-room]').text()).toContain('客厅')
  })
})
