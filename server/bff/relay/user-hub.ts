// Live state per user: one cloud socket shared by all of the user's open pages, the last known state of each
// device, and fan-out of the cloud's frames to the pages subscribed to that device — never to anyone else.
// Writes have a window: one goes on the wire only over a link proven alive within it, else it expires unsent and
// the page hears "not sent, nothing changed". Once sent, its fate is the device's: the page hears "sent", and the
// device's own report confirms it. Each command's id and state are kept in SQLite, so a retry is never sent twice.
import { GizwitsErrorCode, type Attrs, type BoundDevice } from '@shared/open-api'
import { PageWsCloseCode, PageWsErrorCode, WriteErrorCode, type CommandOutcome, type GizwitsServerFrame, type PageC2sWrite, type PageServerFrame } from '@shared/ws-frames'
import type { Config } from '../config'
import { ApiError } from '../errors'
import type { BindingChanges } from '../gizwits/binding-changes'
import type { DeviceAccess } from '../gizwits/device-access'
import type { GizwitsAccounts } from '../gizwits/gizwits-accounts'
import type { OpenApiClient } from '../gizwits/open-api-client'
import { localeFrom, translate, type MessageKey } from '../i18n/messages'
import { assertWritable } from '../gizwits/datapoint-check'
import { COMMAND_FAILURE, type CommandFailure, type CommandSource } from '@shared/commands'
import type { CommandStore, StoredCommand, StoredCommandState } from '../store/command-store'
import { CloudConnection, type CloudTiming } from './cloud-connection'
import { DEFAULT_RELAY_LIMITS, TokenBucket, type RelayLimits } from './token-bucket'
import { countCommand } from '../ops/metrics'

export interface PageClient {
  send: (text: string) => void
  locale: ReturnType<typeof localeFrom>
  /** Closes the page's socket (a graceful stop tells the page to reconnect, to another instance). */
  close?: (code: number, reason: string) => void
}

interface DeviceLive { attrs: Attrs | null; online: boolean; passcode: string; mac: string }

/** Where the outcome of a write goes: every page that sent it (a retry with the same id joins the first). */
interface Answer { page: PageClient | null; reqSn: number | undefined }

/** A write on the wire, until the device's report answers it. */
interface PendingWrite { answer: Answer; id: string | undefined; did: string; attrs: Attrs; at: number; confirmed: boolean }

interface UserLink {
  openid: string
  cloud: CloudConnection | null
  pages: Set<PageClient>
  subscribers: Map<string, Set<PageClient>>
  devices: Map<string, DeviceLive>
  /** Our upstream req_sn → the write it carried. */
  pendingWrites: Map<number, PendingWrite>
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
  /** Told when the cloud reports that one of the user's bindings changed. */
  bindingChanges: BindingChanges
  commands: CommandStore
  relay?: RelayOptions
  /** How long the cloud socket stays after the user's last page leaves (a reload should not reconnect). */
  releaseAfterMs?: number
  /**
   * Told of every command outcome recorded here, after it is stored: with several BFFs the cluster bus
   * (cluster/cluster-bus.ts) carries it to the user's pages on the other instances.
   */
  announce?: (openid: string, id: string, state: StoredCommandState) => void
  /** The journal is shared with other BFFs (PostgreSQL): at start only rows older than a write's window are expired. */
  journalShared?: boolean
  /** Where a failed journal write is reported (it is not the page's fault, and must not crash the process). */
  onStoreError?: (error: unknown) => void
}

export interface RelayOptions {
  cloud?: Partial<CloudTiming>
  /** How long a write may wait for a link proven alive before it expires unsent, ms. */
  writeWindowMs?: number
  limits?: Partial<RelayLimits>
}

/** Below the page's own confirmation timeout (src/stores/commands.ts), so the page hears the verdict first. */
const WRITE_WINDOW_MS = 3000
/** Sent writes the device never answered are forgotten (in memory; their rows stay `sent`). */
const PENDING_WRITE_MS = 60_000
const PURGE_EVERY_MS = 3600_000

export class UserHub {
  private links = new Map<string, UserLink>()
  private nextSn = 1
  /** Commands still queued, by user and id: a retry arriving meanwhile waits for the same outcome. */
  private queued = new Map<string, Answer[]>()
  private userBuckets = new Map<string, { writes: TokenBucket; cloudReads: TokenBucket }>()
  readonly limits: RelayLimits
  private readonly purgeTimer: NodeJS.Timeout

  constructor(private readonly options: UserHubOptions) {
    this.limits = { ...DEFAULT_RELAY_LIMITS, ...options.relay?.limits }
    // Whatever a dead process left queued was never sent: say so to anyone who asks. With several BFFs on one
    // database only rows older than a write's window, since a younger one may be another instance's live write
    // (commandStatus reads one that outlived its window as expired).
    const window = options.relay?.writeWindowMs ?? WRITE_WINDOW_MS
    this.quietly(() => options.commands.expireQueued(options.journalShared ? Date.now() - window : undefined))
    this.quietly(() => options.commands.purge())
    this.purgeTimer = setInterval(() => this.quietly(() => options.commands.purge()), PURGE_EVERY_MS).unref()
  }

  private quietly(step: () => unknown): void {
    Promise.resolve().then(step).catch((error: unknown) => this.options.onStoreError?.(error))
  }

  /** Stores a command's new state, then tells the cluster. */
  private async record(openid: string, id: string, state: StoredCommandState, reason?: CommandFailure): Promise<void> {
    await this.options.commands.setState(openid, id, state, reason)
    // Counted here, the one place a command's state is recorded, once the journal holds it (ops/metrics.ts).
    if (state !== 'queued') countCommand(state)
    this.options.announce?.(openid, id, state)
  }

  /** Outcomes recorded by another instance, for this user's pages here (the frame a page's own question gets). */
  deliverCommandStatus(openid: string, commands: Array<{ id: string; state: CommandOutcome }>): void {
    const link = this.links.get(openid)
    if (link) this.broadcast(link.pages, { cmd: 's2c_command_status', data: { commands } })
  }

  /** Open pages and cloud sockets in this process, for the operator (ops/figures.ts). */
  connections(): { pages: number; cloudLinks: number; users: number } {
    let pages = 0
    let cloudLinks = 0
    for (const link of this.links.values()) {
      pages += link.pages.size
      if (link.cloud?.connected) cloudLinks++
    }
    return { pages, cloudLinks, users: this.links.size }
  }

  /** Takes a token from the user's bucket (shared by all their pages); false when over the limit. */
  allow(openid: string, kind: 'writes' | 'cloudReads'): boolean {
    let buckets = this.userBuckets.get(openid)
    if (!buckets) {
      buckets = { writes: new TokenBucket(this.limits.writes), cloudReads: new TokenBucket(this.limits.cloudReads) }
      this.userBuckets.set(openid, buckets)
    }
    return buckets[kind].take()
  }

  /** Whether subscribing these devices costs the cloud anything (a device this user's link has not seen yet). */
  subscribeNeedsCloud(openid: string, dids: string[]): boolean {
    const link = this.links.get(openid)
    return !link || dids.some((did) => !link.devices.has(did))
  }

  attach(openid: string, page: PageClient): void {
    const link = this.linkOf(openid)
    clearTimeout(link.releaseTimer)
    link.pages.add(page)
    // No cloud socket yet (no device subscribed), or one still within its first attempt: nothing is down.
    const down = link.cloud !== null && !link.cloud.connected && Date.now() - link.cloudSince > CLOUD_GRACE_MS
    send(page, { cmd: 's2c_cloud_status', data: { connected: !down } })
  }

  /** A frame for every open page of one user, whatever they are subscribed to (an alert banner, issue 13). */
  tellUser(openid: string, frame: PageServerFrame): number {
    const link = this.links.get(openid)
    if (!link) return 0
    this.broadcast(link.pages, frame)
    return link.pages.size
  }

  detach(openid: string, page: PageClient): void {
    const link = this.links.get(openid)
    if (!link) return
    link.pages.delete(page)
    for (const pages of link.subscribers.values()) pages.delete(page)
    // The write stays pending: its outcome is still recorded when the device answers, for the page to ask later,
    // and — the page being gone — told to the user as a notice by the vendor's worker (the 反馈 of its design).
    const orphaned: string[] = []
    for (const pending of link.pendingWrites.values()) {
      if (pending.answer.page !== page) continue
      pending.answer.page = null
      if (pending.id !== undefined && !pending.confirmed) orphaned.push(pending.id)
    }
    for (const [key, answers] of this.queued) {
      for (const answer of answers) {
        if (answer.page !== page) continue
        answer.page = null
        if (key.startsWith(`${openid}\u0000`)) orphaned.push(key.slice(openid.length + 1))
      }
    }
    if (orphaned.length > 0) this.quietly(() => this.options.commands.tellResults(openid, orphaned))
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
        failed.push({ did, error_code: GizwitsErrorCode.DEVICE_NOT_BOUND, msg: translate(page.locale, 'not_bound') })
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
    if (!link?.subscribers.get(did)?.has(page)) return this.invalid(page, PageWsErrorCode.NOT_BOUND, 'not_bound')
    link.cloud?.send({ cmd: 'c2s_read', data: { did } })
  }

  /** `source`: the path the command came by (the page socket passes COMMAND_SOURCE.PAGE), stored with it. */
  async write(openid: string, page: PageClient, frame: PageC2sWrite, source: CommandSource, receivedAt = Date.now()): Promise<void> {
    const { did, attrs } = frame.data
    const id = frame.id
    const { commands } = this.options
    const key = `${openid}\u0000${id}`
    let answers: Answer[] = [{ page, reqSn: frame.req_sn }]
    if (id !== undefined) {
      // A retry of a command this process is still queueing joins it without asking the store.
      const waiting = this.queued.get(key)
      if (waiting) return void waiting.push(answers[0])
      this.queued.set(key, answers)
      const { created, command } = await commands.begin(openid, id, did, { source, attrs })
      if (!created) {
        this.queued.delete(key)
        return this.answerRetry(openid, page, frame.req_sn, command)
      }
    }
    const finish = async (state: 'failed' | 'expired', code: string, msg: (locale: PageClient['locale']) => string) => {
      if (id !== undefined) {
        const reason = state === 'expired' ? COMMAND_FAILURE.NOT_SENT : code === WriteErrorCode.DEVICE_OFFLINE ? COMMAND_FAILURE.DEVICE_OFFLINE : COMMAND_FAILURE.REFUSED
        await this.record(openid, id, state, reason).catch((error: unknown) => this.options.onStoreError?.(error))
        answers = this.queued.get(key) ?? answers
        this.queued.delete(key)
      }
      for (const answer of answers) if (answer.page) writeRes(answer, { did, ok: false, id, state, error_code: code, msg: msg(answer.page.locale) })
    }
    const refuse = (code: string, messageKey: MessageKey, params: Record<string, string | number> = {}) =>
      finish('failed', code, (locale) => translate(locale, messageKey, params))

    const expire = () => finish('expired', WriteErrorCode.NOT_SENT, (locale) => translate(locale, 'command_not_sent'))
    const deadline = receivedAt + (this.options.relay?.writeWindowMs ?? WRITE_WINDOW_MS)
    const link = this.links.get(openid)
    if (!link?.subscribers.get(did)?.has(page) || !link.cloud) return refuse(WriteErrorCode.NOT_BOUND, 'not_bound')
    // The checks may ask the cloud's REST API (cache miss); a cloud that hangs there must not hold the write past
    // its window either.
    const checks = (async () => {
      const device = await this.options.access.boundDevice(openid, did)
      assertWritable((await this.options.access.product(device.product_key)).attrs, attrs, 'bytes')
      return true as const
    })()
    let late: NodeJS.Timeout | undefined
    try {
      const inTime = await Promise.race([checks, new Promise<false>((resolve) => (late = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))))])
      if (!inTime) {
        checks.catch(() => {})
        return expire()
      }
    } catch (error) {
      if (error instanceof ApiError) return refuse(String(error.code), error.messageKey, error.params)
      return refuse(WriteErrorCode.CLOUD_UNAVAILABLE, 'cloud_unavailable')
    } finally {
      clearTimeout(late)
    }
    if (!link.devices.get(did)?.online) return refuse(WriteErrorCode.DEVICE_OFFLINE, 'device_offline')

    // Only over a link heard from just now: a write put on a stalled link would run whenever the cloud wakes up.
    const cloud = link.cloud
    const alive = await cloud.whenAlive(deadline)
    if (!alive || link.cloud !== cloud || !cloud.connected) return expire()
    // Recorded as sent before it is: a crash in between leaves a row that claims no less than what may have happened.
    if (id !== undefined) {
      // A journal that cannot say "sent" (the database is away) means the write is not sent: the page hears it.
      const stored = await this.record(openid, id, 'sent').then(() => true, (error: unknown) => (this.options.onStoreError?.(error), false))
      if (!stored) return expire()
      answers = this.queued.get(key) ?? answers
      this.queued.delete(key)
    }
    const sn = this.nextSn++
    if (!cloud.send({ cmd: 'c2s_write', req_sn: sn, data: { did, attrs } })) return expire()
    const now = Date.now()
    for (const [oldSn, pending] of link.pendingWrites) if (now - pending.at > PENDING_WRITE_MS) link.pendingWrites.delete(oldSn)
    // One entry answers every page that sent this id: the device's report goes to all subscribers anyway.
    link.pendingWrites.set(sn, { answer: answers[0], id, did, attrs, at: now, confirmed: false })
    for (const answer of answers) if (answer.page) writeRes(answer, { did, ok: true, id, state: 'sent' })
  }

  /** What became of these commands, by the ids the page gave them. */
  async commandStatus(openid: string, page: PageClient, ids: string[]): Promise<void> {
    const window = this.options.relay?.writeWindowMs ?? WRITE_WINDOW_MS
    const list = await Promise.all(ids.map(async (id) => {
      const command = await this.options.commands.get(openid, id)
      // Queued past its window and queued nowhere here: its process died before sending it, so it never will be.
      const dead = command?.state === 'queued' && !this.queued.has(`${openid}\u0000${id}`) && Date.now() - command.createdAt > window
      return { id, state: (dead ? 'expired' : command?.state ?? 'unknown') as CommandOutcome }
    }))
    send(page, { cmd: 's2c_command_status', data: { commands: list } })
  }

  /** A write whose id was seen before: never sent again; answered with what became of the first. */
  private answerRetry(openid: string, page: PageClient, reqSn: number | undefined, command: StoredCommand): void {
    const answer: Answer = { page, reqSn }
    const waiting = this.queued.get(`${openid}\u0000${command.id}`)
    if (command.state === 'queued' && waiting) return void waiting.push(answer)
    const state = command.state === 'queued' ? 'expired' : command.state
    if (state === 'sent' || state === 'confirmed') return writeRes(answer, { did: command.did, ok: true, id: command.id, state })
    writeRes(answer, { did: command.did, ok: false, id: command.id, state, error_code: WriteErrorCode.NOT_SENT, msg: translate(page.locale, 'command_not_sent') })
  }

  invalid(page: PageClient, errorCode: number, key: MessageKey): void {
    send(page, { cmd: 's2c_invalid_msg', data: { error_code: errorCode, msg: translate(page.locale, key) } })
  }

  /**
   * A graceful stop (SIGTERM, server/bff/cluster/graceful.ts): every page is told to reconnect (close code 1012,
   * "service restart"; nginx sends it to another instance, where it resubscribes and asks after its commands by id),
   * while the commands this instance holds finish here — a queued one is sent or expires within its window, a sent
   * one waits for the device's report — each outcome recorded in the journal and announced on the cluster bus, so
   * the page hears it on its new instance. Resolves once none is left or after `maxMs`; answers how many were left.
   */
  async drain(maxMs: number): Promise<number> {
    for (const link of this.links.values()) for (const page of [...link.pages]) page.close?.(PageWsCloseCode.SERVICE_RESTART, 'service restart')
    // A sent command waits for the device's report until `maxMs`, not only its send window: the device may answer
    // late (a busy cloud), and an answer heard here is a verdict the page gets instead of "not confirmed yet".
    const inFlight = () => {
      let n = this.queued.size
      for (const link of this.links.values()) for (const pending of link.pendingWrites.values()) if (!pending.confirmed && pending.id !== undefined) n++
      return n
    }
    const until = Date.now() + maxMs
    while (inFlight() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 25))
    return inFlight()
  }

  close(): void {
    clearInterval(this.purgeTimer)
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
      timing: this.options.relay?.cloud,
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
        // Already confirmed by its value (confirmByValue): recorded once, so counted once.
        if (answering?.id !== undefined) {
          if (!answering.confirmed) this.quietly(() => this.record(link.openid, answering.id!, 'confirmed'))
        } else if (link.pendingWrites.size > 0) this.confirmByValue(link, did, attrs)
        const plain = JSON.stringify({ cmd: 's2c_noti', data: { did, attrs } } satisfies PageServerFrame)
        for (const page of subscribers) {
          if (answering?.answer.page === page && answering.answer.reqSn !== undefined) send(page, { cmd: 's2c_noti', res_sn: answering.answer.reqSn, data: { did, attrs } })
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
        this.options.bindingChanges.userChanged(link.openid)
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

  /**
   * A report without our req_sn (say, the read after a reconnect) that shows what a sent write asked for: the device
   * holds the value, so the command is confirmed. The entry stays, so the write's own report still finds its page.
   */
  private confirmByValue(link: UserLink, did: string, attrs: Attrs): void {
    for (const pending of link.pendingWrites.values()) {
      if (pending.confirmed || pending.did !== did || pending.id === undefined) continue
      if (!Object.entries(pending.attrs).every(([name, value]) => name in attrs && JSON.stringify(attrs[name]) === JSON.stringify(value))) continue
      pending.confirmed = true
      const id = pending.id
      this.quietly(() => this.record(link.openid, id, 'confirmed'))
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
    const buckets = this.userBuckets.get(openid)
    if (buckets && buckets.writes.idle && buckets.cloudReads.idle) this.userBuckets.delete(openid)
  }
}

function send(page: PageClient, frame: PageServerFrame): void {
  page.send(JSON.stringify(frame))
}

function writeRes(answer: Answer, data: Extract<PageServerFrame, { cmd: 's2c_write_res' }>['data']): void {
  answer.page?.send(JSON.stringify({ cmd: 's2c_write_res', res_sn: answer.reqSn ?? 0, data } satisfies PageServerFrame))
}
