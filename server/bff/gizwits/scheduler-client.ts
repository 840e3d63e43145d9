// Seed 003's schedule paths on the Open API client: 定时任务管理 (one device) and 通用定时任务 (the common
// scheduler, used here for devices only). Kept beside the client rather than in it, as one resource's calls.
import type { CommonSchedulerBody, Scheduler, SchedulerBody, SchedulerIdResult, SchedulerLogs, SchedulerQuery } from '@shared/open-api'
import type { OpenApiClient } from './open-api-client'

const seg = encodeURIComponent
const paging = (query: SchedulerQuery) => `limit=${query.limit ?? 20}&skip=${query.skip ?? 0}`

export class SchedulerClient {
  constructor(private readonly client: OpenApiClient) {}

  list(token: string, did: string, query: SchedulerQuery = {}): Promise<Scheduler[]> {
    return this.client.request('GET', `/app/devices/${seg(did)}/scheduler?${paging(query)}`, { token })
  }

  create(token: string, did: string, body: SchedulerBody): Promise<SchedulerIdResult> {
    return this.client.request('POST', `/app/devices/${seg(did)}/scheduler`, { token, body })
  }

  update(token: string, did: string, id: string, body: SchedulerBody): Promise<SchedulerIdResult> {
    return this.client.request('PUT', `/app/devices/${seg(did)}/scheduler/${seg(id)}`, { token, body })
  }

  remove(token: string, did: string, id: string): Promise<unknown> {
    return this.client.request('DELETE', `/app/devices/${seg(did)}/scheduler/${seg(id)}`, { token })
  }

  /** The runs of a schedule, newest first (the sandbox's; the real cloud shows these through SNoti, source "scheduler"). */
  logs(token: string, did: string, id: string): Promise<SchedulerLogs> {
    return this.client.request('GET', `/app/devices/${seg(did)}/scheduler/${seg(id)}/logs`, { token })
  }

  listCommon(token: string, did: string, query: SchedulerQuery = {}): Promise<Scheduler[]> {
    return this.client.request('GET', `/app/common_scheduler?did=${seg(did)}&${paging(query)}`, { token })
  }

  createCommon(token: string, body: CommonSchedulerBody): Promise<SchedulerIdResult> {
    return this.client.request('POST', '/app/common_scheduler', { token, body })
  }

  updateCommon(token: string, id: string, body: CommonSchedulerBody): Promise<SchedulerIdResult> {
    return this.client.request('PUT', `/app/common_scheduler/${seg(id)}`, { token, body })
  }

  removeCommon(token: string, id: string): Promise<unknown> {
    return this.client.request('DELETE', `/app/common_scheduler/${seg(id)}`, { token })
  }
}
