// Live state per user: one cloud socket shared by all of the user's open pages, the last known state of each
// device, and fan-out of the cloud's frames to the pages subscribed to that device — never to anyone else.
import type { Attrs, BoundDevice } from '@shared/open-api'
import type { C2sWrite, GizwitsServerFrame, PageServerFrame } from '@shared/ws-frames'
import type { Config } from '../config'
import { ApiError } from '../errors'
import type { DeviceAccess } from '../gizwits/device-access'
import type { GizwitsAccounts } from '../gizwits/gizwits-accounts'
import type { OpenApiClient } from '../gizwits/open-api-client'
import { localeFrom, translate, type MessageKey } from '../i18n/messages'
import { assertWritable } from '../routes/control-check'
import { CloudConnection } from './cloud-connection'

export interface PageClient {
  send: (text: string) => void
  locale: ReturnType<typeof localeFrom>
}

interface DeviceLive { attrs: Attrs | null; online: boolean; passcode: string; mac: string }

interface UserLink {
  openid: string
  cloud: CloudConnection | null
  pages: Set<PageClient>
  subscribers: Map<string, Set<PageClient>>
  devices: Map<string, DeviceLive>
  /** Our upstream req_sn → the page and the req_sn it used. */
  pendingWrites: Map<number, { page: PageClient; reqSn: number }>
  releaseTimer: NodeJS.Timeout | undefined
  cloudSince: number
}

/** How long a new cloud socket may take to log in before pages are told the cloud is unreachable. */
const CLOUD_GRACE_MS = 3000

export interface UserHubOptions {
  config: Config
  client: OpenApiClient
  accounts: GizwitsAccounts
  access: DeviceAccess
  heartbeatMs?: number
  /** How long the cloud socket stays after the user's last page leaves (a reload should not reconnect). */
  releaseAfterMs?: number
}

export class UserHub {
  private links = new Map<string, UserLink>()
  private nextSn = 1

  constructor(private readonly options: UserHubOptions) {}

  attach(openid: string, page: PageClient): void {
    const link = this.linkOf(openid)
    clearTimeout(link.releaseTimer)
    link.pages.add(page)
    // No cloud socket yet (no device subscribed), or one still within its first attempt: nothing is down.
    const down = link.cloud !== null && !link.cloud.connected && Date.now() - link.cloudSince > CLOUD_GRACE_MS
    send(page, { cmd: 's2c_cloud_status', data: { connected: !down } })
  }

  detach(openid: string, page: PageClient): void {
    const link = this.links.get(openid)
    if (!link) return
    link.pages.delete(page)
    for (const pages of link.subscribers.values()) pages.delete(page)
    for (const [sn, pending] of link.pendingWrites) if (pending.page === page) link.pendingWrites.delete(sn)
    if (link.pages.size === 0) {
      link.releaseTimer = setTimeout(() => this.release(openid), this.options.releaseAfterMs ?? 30_000)
    }
  }

  async subscribe(openid: string, page: PageClient, dids: string[]): Promise<void> {
    const link = this.linkOf(openid)
    let devices = await this.options.access.devicesOf(openid)
    if (dids.some((did) => !devices.some((device) => device.did === did))) devices = await this.options.access.devicesOf(openid, { refresh: true })
    const success: Array<{ did: string; error_code: number; msg: string }> = []
    const failed: Array<{ did: string; error_code: number; msg: string }> = []
    const bound: BoundDevice[] = []
    for (const did of dids) {
      const device = devices.find((candidate) => candidate.did === did)
      if (!device) {
        failed.push({ did, error_code: 9017, msg: translate(page.locale, 'not_bound') })
        continue
      }
      success.push({ did, error_code: 0, msg: 'ok' })
      bound.push(device)
    }
    send(page, { cmd: 'subscribe_res', data: { success, failed } })
    if (bound.length === 0) return

    this.ensureCloud(link, bound[0])
    for (const device of bound) {
      if (!link.subscribers.has(device.did)) link.subscribers.set(device.did, new Set())
      link.subscribers.get(device.did)!.add(page)
      if (!link.devices.has(device.did)) link.devices.set(device.did, { attrs: null, online: device.is_online, passcode: device.passcode, mac: device.mac })
    }
    link.cloud!.subscribe(bound.map((device) => device.did))
    // Snapshot: what we know now; the cloud's answer to c2s_read follows for devices we know nothing about yet.
    for (const device of bound) {
      const live = link.devices.get(device.did)!
      send(page, { cmd: 's2c_online_status', data: { did: device.did, passcode: live.passcode, mac: live.mac, online: live.online } })
      if (live.attrs) send(page, { cmd: 's2c_noti', data: { did: device.did, attrs: live.attrs } })
      else if (live.online) link.cloud!.send({ cmd: 'c2s_read', data: { did: device.did } })
    }
  }

  read(openid: string, page: PageClient, did: string): void {
    const link = this.links.get(openid)
    if (!link?.subscribers.get(did)?.has(page)) return this.invalid(page, 4403, 'not_bound')
    link.cloud?.send({ cmd: 'c2s_read', data: { did } })
  }

  async write(openid: string, page: PageClient, frame: C2sWrite): Promise<void> {
    const { did, attrs } = frame.data
    const reqSn = frame.req_sn ?? 0
    const fail = (code: string, key: MessageKey, msg?: string) =>
      send(page, { cmd: 's2c_write_res', res_sn: reqSn, data: { did, ok: false, error_code: code, msg: msg ?? translate(page.locale, key) } })
    const link = this.links.get(openid)
    if (!link?.subscribers.get(did)?.has(page)) return fail('not_bound', 'not_bound')
    try {
      const device = await this.options.access.boundDevice(openid, did)
      assertWritable((await this.options.access.product(device.product_key)).attrs, attrs, 'bytes')
    } catch (error) {
      if (error instanceof ApiError) return fail(String(error.code), error.messageKey, translate(page.locale, error.messageKey, error.params))
      return fail('cloud_unavailable', 'cloud_unavailable')
    }
    if (!link.devices.get(did)?.online) return fail('device_offline', 'device_offline')
    const sn = this.nextSn++
    if (!link.cloud?.send({ cmd: 'c2s_write', req_sn: sn, data: { did, attrs } })) return fail('cloud_unavailable', 'cloud_unavailable')
    if (frame.req_sn !== undefined) link.pendingWrites.set(sn, { page, reqSn })
    send(page, { cmd: 's2c_write_res', res_sn: reqSn, data: { did, ok: true } })
  }

  invalid(page: PageClient, errorCode: number, key: MessageKey): void {
    send(page, { cmd: 's2c_invalid_msg', data: { error_code: errorCode, msg: translate(page.locale, key) } })
  }

  close(): void {
    for (const openid of [...this.links.keys()]) this.release(openid)
  }

  private linkOf(openid: string): UserLink {
    let link = this.links.get(openid)
    if (!link) {
      link = { openid, cloud: null, pages: new Set(), subscribers: new Map(), devices: new Map(), pendingWrites: new Map(), releaseTimer: undefined, cloudSince: 0 }
      this.links.set(openid, link)
    }
    return link
  }

  private ensureCloud(link: UserLink, device: BoundDevice): void {
    if (link.cloud) return
    const secure = this.options.config.gizwits.apiBase.startsWith('https:')
    const url = `${secure ? 'wss' : 'ws'}://${device.host}:${secure ? device.wss_port : device.ws_port}/ws/app/v1`
    const cloud = new CloudConnection({
      url,
      appId: this.options.config.gizwits.appId,
      credentials: (fresh) => this.options.accounts.credentials(link.openid, { fresh }),
      heartbeatMs: this.options.heartbeatMs,
    })
    cloud.on('status', (connected) => {
      this.broadcast(link.pages, { cmd: 's2c_cloud_status', data: { connected } })
      // After a reconnect, read again what pages are looking at: pushes may have been missed.
      if (connected) for (const [did, live] of link.devices) if (live.online && link.subscribers.get(did)?.size) cloud.send({ cmd: 'c2s_read', data: { did } })
    })
    cloud.on('frame', (frame) => this.onCloudFrame(link, frame))
    link.cloud = cloud
    link.cloudSince = Date.now()
    cloud.start()
    // status events come on changes only: a first login that never succeeds must still be told.
    setTimeout(() => {
      if (link.cloud === cloud && !cloud.connected) this.broadcast(link.pages, { cmd: 's2c_cloud_status', data: { connected: false } })
    }, CLOUD_GRACE_MS).unref()
  }

  private onCloudFrame(link: UserLink, frame: GizwitsServerFrame): void {
    switch (frame.cmd) {
      case 's2c_noti': {
        const { did, attrs } = frame.data
        const live = link.devices.get(did)
        if (!live) return
        live.attrs = { ...(live.attrs ?? {}), ...attrs }
        if (!live.online) live.online = true
        const subscribers = link.subscribers.get(did) ?? new Set()
        const answering = frame.res_sn !== undefined ? link.pendingWrites.get(frame.res_sn) : undefined
        if (answering) link.pendingWrites.delete(frame.res_sn!)
        const plain = JSON.stringify({ cmd: 's2c_noti', data: { did, attrs } } satisfies PageServerFrame)
        for (const page of subscribers) {
          if (answering?.page === page) send(page, { cmd: 's2c_noti', res_sn: answering.reqSn, data: { did, attrs } })
          else page.send(plain)
        }
        return
      }
      case 's2c_online_status': {
        const live = link.devices.get(frame.data.did)
        if (live) live.online = frame.data.online
        this.broadcast(link.subscribers.get(frame.data.did) ?? new Set(), frame)
        return
      }
      case 's2c_binding_changed': {
        this.options.access.forget(link.openid)
        if (!frame.data.bind) {
          link.subscribers.delete(frame.data.did)
          link.devices.delete(frame.data.did)
        }
        this.broadcast(link.pages, frame)
        return
      }
      default:
        return
    }
  }

  private broadcast(pages: Set<PageClient>, frame: PageServerFrame): void {
    const text = JSON.stringify(frame)
    for (const page of pages) page.send(text)
  }

  private release(openid: string): void {
    const link = this.links.get(openid)
    if (!link || link.pages.size > 0) return
    clearTimeout(link.releaseTimer)
    link.cloud?.stop()
    this.links.delete(openid)
  }
}

function send(page: PageClient, frame: PageServerFrame): void {
  page.send(JSON.stringify(frame))
}
