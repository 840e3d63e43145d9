// The user's device groups and scenes, as the cloud keeps them (the BFF stores none of it), and what the pages do
// with them: one command to a group with each device's outcome, a scene run followed step by step.
import { defineStore } from 'pinia'
import type { AttrValue, DeviceOutcome, Group, GroupDevice, Scene, SceneRun, SceneSaveBody, SceneTaskStatus } from '@shared/open-api'
import { SceneRunStatus } from '@shared/open-api'
import * as api from '@/api/automation'
import type { ApiError } from '@/api/http'

/** What the page shows for a device after a group command. */
export type Outcome = 'sending' | 'confirmed' | 'offline' | 'failed'

const DEVICE_OFFLINE = 9042
/** How often a running scene is asked for its steps (a person watches; the cloud is asked about twice a second). */
export const SCENE_POLL_MS = 500

export function outcomeOf(result: DeviceOutcome): Outcome {
  if (result.result) return 'confirmed'
  return result.error_code === DEVICE_OFFLINE ? 'offline' : 'failed'
}

export const useAutomationStore = defineStore('automation', {
  state: () => ({
    groups: [] as Group[],
    scenes: [] as Scene[],
    status: 'idle' as 'idle' | 'loading' | 'ready' | 'error',
    error: null as ApiError | null,
    members: {} as Record<string, GroupDevice[]>,
    /** Per group, per device: the last group command's outcome. */
    outcomes: {} as Record<string, Record<string, Outcome>>,
    /** Per scene: the latest run (live while it runs). */
    runs: {} as Record<string, SceneTaskStatus>,
    history: {} as Record<string, SceneRun[]>,
  }),
  getters: {
    group: (state) => (id: string) => state.groups.find((group) => group.id === id),
    scene: (state) => (id: string) => state.scenes.find((scene) => scene.id === id),
    running: (state) => (id: string) => state.runs[id]?.status === SceneRunStatus.RUNNING,
  },
  actions: {
    async load(): Promise<void> {
      if (this.status !== 'ready') this.status = 'loading'
      try {
        ;[this.groups, this.scenes] = await Promise.all([api.fetchGroups(), api.fetchScenes()])
        this.status = 'ready'
        this.error = null
      } catch (error) {
        this.error = error as ApiError
        this.status = 'error'
      }
    },
    async loadMembers(id: string): Promise<GroupDevice[]> {
      this.members[id] = await api.fetchGroupDevices(id)
      return this.members[id]
    },
    /** A group of one product's devices, filled in one go; its id. */
    async createGroup(name: string, productKey: string, dids: string[]): Promise<string> {
      const id = await api.createGroup({ group_name: name, product_key: productKey })
      try {
        await api.addToGroup(id, dids)
      } catch (error) {
        await api.deleteGroup(id).catch(() => undefined)
        throw error
      }
      await this.load()
      return id
    },
    async deleteGroup(id: string): Promise<void> {
      await api.deleteGroup(id)
      await this.load()
    },
    async removeMember(id: string, did: string): Promise<void> {
      await api.removeFromGroup(id, [did])
      await this.loadMembers(id)
    },
    /** One command to the whole group; each device's outcome as the cloud answers it. */
    async control(id: string, attrs: Record<string, AttrValue>): Promise<void> {
      this.outcomes[id] = Object.fromEntries((this.members[id] ?? []).map((device) => [device.did, 'sending' as Outcome]))
      try {
        const results = await api.controlGroup(id, attrs)
        this.outcomes[id] = Object.fromEntries(results.map((result) => [result.did, outcomeOf(result)]))
      } catch (error) {
        this.outcomes[id] = {}
        throw error
      }
    },
    async saveScene(id: string | null, body: SceneSaveBody): Promise<string> {
      const saved = id ? (await api.updateScene(id, body), id) : await api.createScene(body)
      await this.load()
      return saved
    },
    async deleteScene(id: string): Promise<void> {
      await api.deleteScene(id)
      await this.load()
    },
    async refreshRun(id: string): Promise<SceneTaskStatus> {
      this.runs[id] = await api.fetchSceneStatus(id)
      return this.runs[id]
    },
    async loadHistory(id: string): Promise<void> {
      this.history[id] = await api.fetchSceneHistory(id)
    },
    /** Starts a run and follows it until it ends (the page shows each step as it changes). */
    async run(id: string): Promise<SceneTaskStatus> {
      await api.runScene(id)
      for (;;) {
        const status = await this.refreshRun(id)
        if (status.status !== SceneRunStatus.RUNNING) {
          await this.loadHistory(id).catch(() => undefined)
          return status
        }
        await new Promise((resolve) => setTimeout(resolve, SCENE_POLL_MS))
      }
    },
  },
})
