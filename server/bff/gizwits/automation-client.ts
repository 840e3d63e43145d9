// The Open API paths of device groups and user scenes (seed 003 设备分组, 用户场景), over the same request code as
// every other call (open-api-client.ts), so the real cloud and the sandbox are reached the same way. Kept apart from
// OpenApiClient so automation grows without touching the client every route shares.
import type {
  DeviceOutcome, Group, GroupCreateBody, GroupDevice, GroupDevicesResult, Scene, SceneRun, SceneTaskStatus,
} from '@shared/open-api'
import type { AttrValue } from '@shared/open-api'
import type { OpenApiClient } from './open-api-client'

const seg = encodeURIComponent

/** A scene task in the scene wire (enum as index, binary as base64), as the cloud stores it. */
export interface SceneTaskWire { task_type: 'delay' | 'device' | 'group'; did?: string; group_id?: string; attrs?: Record<string, AttrValue>; time?: number }
export interface SceneWireBody { scene_name: string; remark: string; tasks: SceneTaskWire[] }

export class AutomationClient {
  constructor(private readonly client: OpenApiClient) {}

  groups(token: string): Promise<Group[]> {
    return this.client.request('GET', '/app/group', { token })
  }

  createGroup(token: string, body: GroupCreateBody): Promise<{ id: string }> {
    return this.client.request('POST', '/app/group', { token, body })
  }

  renameGroup(token: string, id: string, name: string): Promise<Record<string, never>> {
    return this.client.request('PUT', `/app/group/${seg(id)}`, { token, body: { group_name: name } })
  }

  deleteGroup(token: string, id: string): Promise<Record<string, never>> {
    return this.client.request('DELETE', `/app/group/${seg(id)}`, { token })
  }

  groupDevices(token: string, id: string): Promise<GroupDevice[]> {
    return this.client.request('GET', `/app/group/${seg(id)}/devices`, { token })
  }

  addToGroup(token: string, id: string, dids: string[]): Promise<GroupDevicesResult> {
    return this.client.request('POST', `/app/group/${seg(id)}/devices?show_detail=1`, { token, body: { dids } })
  }

  removeFromGroup(token: string, id: string, dids: string[]): Promise<GroupDevicesResult> {
    return this.client.request('DELETE', `/app/group/${seg(id)}/devices`, { token, body: { dids } })
  }

  controlGroup(token: string, id: string, attrs: Record<string, AttrValue>): Promise<DeviceOutcome[]> {
    return this.client.request('POST', `/app/group/${seg(id)}/control`, { token, body: { attrs } })
  }

  scenes(token: string): Promise<Scene[]> {
    return this.client.request('GET', '/app/scene', { token })
  }

  createScene(token: string, body: SceneWireBody): Promise<{ id: string }> {
    return this.client.request('POST', '/app/scene', { token, body })
  }

  /** Seed 003 updates a scene with POST on its path. */
  updateScene(token: string, id: string, body: SceneWireBody): Promise<Record<string, never>> {
    return this.client.request('POST', `/app/scene/${seg(id)}`, { token, body })
  }

  deleteScene(token: string, id: string): Promise<Record<string, never>> {
    return this.client.request('DELETE', `/app/scene/${seg(id)}`, { token })
  }

  runScene(token: string, id: string): Promise<Record<string, never>> {
    return this.client.request('POST', `/app/scene/${seg(id)}/task`, { token })
  }

  sceneStatus(token: string, id: string): Promise<SceneTaskStatus> {
    return this.client.request('GET', `/app/scene/${seg(id)}/task`, { token })
  }

  /** The sandbox's addition (the cloud documents no history of runs). */
  sceneHistory(token: string, id: string, limit: number): Promise<SceneRun[]> {
    return this.client.request('GET', `/app/scene/${seg(id)}/task/history?limit=${limit}`, { token })
  }
}
