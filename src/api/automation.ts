// Device groups and user scenes (seed 003 设备分组, 用户场景), relayed by the BFF under /api/app with the cloud's paths
// and shapes. Values are sent as a single control sends them; the BFF checks them and encodes them for scenes.
import type {
  DeviceOutcome, Group, GroupCreateBody, GroupDevice, GroupDevicesResult, Scene, SceneRun, SceneSaveBody, SceneTaskStatus,
} from '@shared/open-api'
import type { AttrValue } from '@shared/open-api'
import { http } from './http'

const id$ = encodeURIComponent

export async function fetchGroups(): Promise<Group[]> {
  return (await http.get<Group[]>('/api/app/group')).data
}

export async function createGroup(body: GroupCreateBody): Promise<string> {
  return (await http.post<{ id: string }>('/api/app/group', body)).data.id
}

export async function renameGroup(id: string, name: string): Promise<void> {
  await http.put(`/api/app/group/${id$(id)}`, { group_name: name })
}

export async function deleteGroup(id: string): Promise<void> {
  await http.delete(`/api/app/group/${id$(id)}`)
}

export async function fetchGroupDevices(id: string): Promise<GroupDevice[]> {
  return (await http.get<GroupDevice[]>(`/api/app/group/${id$(id)}/devices`)).data
}

export async function addToGroup(id: string, dids: string[]): Promise<GroupDevicesResult> {
  return (await http.post<GroupDevicesResult>(`/api/app/group/${id$(id)}/devices`, { dids })).data
}

export async function removeFromGroup(id: string, dids: string[]): Promise<GroupDevicesResult> {
  return (await http.delete<GroupDevicesResult>(`/api/app/group/${id$(id)}/devices`, { data: { dids } })).data
}

export async function controlGroup(id: string, attrs: Record<string, AttrValue>): Promise<DeviceOutcome[]> {
  return (await http.post<DeviceOutcome[]>(`/api/app/group/${id$(id)}/control`, { attrs })).data
}

export async function fetchScenes(): Promise<Scene[]> {
  return (await http.get<Scene[]>('/api/app/scene')).data
}

export async function createScene(body: SceneSaveBody): Promise<string> {
  return (await http.post<{ id: string }>('/api/app/scene', body)).data.id
}

export async function updateScene(id: string, body: SceneSaveBody): Promise<void> {
  await http.post(`/api/app/scene/${id$(id)}`, body)
}

export async function deleteScene(id: string): Promise<void> {
  await http.delete(`/api/app/scene/${id$(id)}`)
}

export async function runScene(id: string): Promise<void> {
  await http.post(`/api/app/scene/${id$(id)}/task`)
}

export async function fetchSceneStatus(id: string): Promise<SceneTaskStatus> {
  return (await http.get<SceneTaskStatus>(`/api/app/scene/${id$(id)}/task`)).data
}

export async function fetchSceneHistory(id: string): Promise<SceneRun[]> {
  return (await http.get<SceneRun[]>(`/api/app/scene/${id$(id)}/task/history`, { params: { limit: 10 } })).data
}
