// Sharing a device and the message centre (seed 003), relayed by the BFF with Gizwits' paths and shapes.
import type { MessageList, SharingCodeInfo, SharingCreated, SharingQuery } from '@shared/open-api'
import type { NamedGuest, NamedSharingList } from '@shared/api'
import { http } from './http'

const did$ = encodeURIComponent

export async function shareByQr(did: string, duration?: number): Promise<string> {
  return (await http.post<SharingCreated>('/api/app/sharing', { type: 1, did, duration })).data.qr_content ?? ''
}

export async function shareWithUser(did: string, uid: string, duration?: number): Promise<void> {
  await http.post<SharingCreated>('/api/app/sharing', { type: 0, did, uid, duration })
}

export async function fetchSharings(query: SharingQuery): Promise<NamedSharingList> {
  return (await http.get<NamedSharingList>('/api/app/sharing', { params: { limit: 100, skip: 0, ...query } })).data
}

export async function cancelSharing(id: number): Promise<void> {
  await http.delete(`/api/app/sharing/${id}`)
}

export async function answerSharing(id: number, accept: boolean): Promise<void> {
  await http.put(`/api/app/sharing/${id}`, undefined, { params: { status: accept ? 1 : 2 } })
}

export async function fetchSharingCode(code: string): Promise<SharingCodeInfo> {
  return (await http.get<SharingCodeInfo>(`/api/app/sharing/code/${did$(code)}`)).data
}

export async function acceptSharingCode(code: string): Promise<void> {
  await http.post(`/api/app/sharing/code/${did$(code)}`)
}

export async function setGuestAlias(id: number, alias: string): Promise<void> {
  await http.put(`/api/app/sharing/${id}/alias`, undefined, { params: { user_alias: alias } })
}

export async function transferOwnership(did: string, uid: string): Promise<void> {
  await http.post(`/api/app/sharing/${did$(did)}/transfer`, undefined, { params: { uid } })
}

export async function fetchGuests(did: string): Promise<NamedGuest[]> {
  return (await http.get<NamedGuest[]>(`/api/app/${did$(did)}/bindings`)).data
}

export async function removeGuest(did: string, uid: string): Promise<void> {
  await http.delete(`/api/app/${did$(did)}/bindings`, { params: { uid } })
}

export async function fetchMessages(): Promise<MessageList> {
  return (await http.get<MessageList>('/api/app/messages', { params: { limit: 50, skip: 0 } })).data
}

export async function markMessage(id: string, status: 1 | 2): Promise<void> {
  await http.put(`/api/app/messages/${did$(id)}`, undefined, { params: { status } })
}
