// Homes and rooms, and sharing a home: the vendor's own routes under /api/homes (Gizwits has no homes).
import type { HomeInvitation, HomeInviteCreated, HomeMembers, HomesView, HomeView, RoomView } from '@shared/homes'
import { http } from './http'

export async function fetchHomes(): Promise<HomeView[]> {
  return (await http.get<HomesView>('/api/homes')).data.homes
}
export async function createHome(name: string): Promise<HomeView> {
  return (await http.post<HomeView>('/api/homes', { name })).data
}
export async function renameHome(homeId: number, name: string): Promise<void> {
  await http.put(`/api/homes/${homeId}`, { name })
}
export async function deleteHome(homeId: number): Promise<void> {
  await http.delete(`/api/homes/${homeId}`)
}
export async function addRoom(homeId: number, name: string): Promise<RoomView> {
  return (await http.post<RoomView>(`/api/homes/${homeId}/rooms`, { name })).data
}
export async function renameRoom(homeId: number, roomId: number, name: string): Promise<void> {
  await http.put(`/api/homes/${homeId}/rooms/${roomId}`, { name })
}
export async function deleteRoom(homeId: number, roomId: number): Promise<void> {
  await http.delete(`/api/homes/${homeId}/rooms/${roomId}`)
}
export async function reorderRooms(homeId: number, roomIds: number[]): Promise<void> {
  await http.put(`/api/homes/${homeId}/room_order`, { room_ids: roomIds })
}
export async function placeDevice(did: string, homeId: number, roomId: number | null): Promise<void> {
  await http.put(`/api/homes/devices/${encodeURIComponent(did)}`, { home_id: homeId, room_id: roomId })
}
export async function inviteToHome(homeId: number, invite: { type: 'qr' } | { type: 'user'; uid: string }): Promise<HomeInviteCreated> {
  return (await http.post<HomeInviteCreated>(`/api/homes/${homeId}/invitations`, invite)).data
}
export async function fetchHomeMembers(homeId: number): Promise<HomeMembers> {
  return (await http.get<HomeMembers>(`/api/homes/${homeId}/members`)).data
}
export async function removeHomeMember(homeId: number, uid: string): Promise<void> {
  await http.delete(`/api/homes/${homeId}/members/${encodeURIComponent(uid)}`)
}
export async function cancelHomeInvitation(homeId: number, id: number): Promise<void> {
  await http.delete(`/api/homes/${homeId}/invitations/${id}`)
}
export async function leaveHome(homeId: number): Promise<void> {
  await http.delete(`/api/homes/${homeId}/membership`)
}
export async function fetchHomeInvitations(): Promise<HomeInvitation[]> {
  return (await http.get<HomeInvitation[]>('/api/homes/invitations')).data
}
export async function answerHomeInvitation(id: number, accept: boolean): Promise<void> {
  await http.put(`/api/homes/invitations/${id}`, { accept })
}
export async function fetchHomeInviteCode(code: string): Promise<HomeInvitation> {
  return (await http.get<HomeInvitation>(`/api/homes/invitations/code/${encodeURIComponent(code)}`)).data
}
export async function acceptHomeInviteCode(code: string): Promise<void> {
  await http.post(`/api/homes/invitations/code/${encodeURIComponent(code)}`)
}
