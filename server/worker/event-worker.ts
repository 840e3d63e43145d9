// The vendor's always-on worker: consumes SNoti for every device of every product, keeps history, evaluates the
// owners' over-limit rules and the devices' own alarms, and tells every bound user in WeChat. Each event is stored
// with its consequences (history rows, alert edges, pending notices) in one transaction and only then acknowledged,
// and a redelivered event is recognised by its content, so a kill -9 anywhere loses nothing and doubles nothing.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import {
  AccessTokenSource, memoryTokenCache, sendTemplateMessage, sqliteHistoryStore, TemplateMessageError, type HistoryStore, type Notice,
} from '../bff/worker-seam'
import { attrEdge, digestText, evaluate, FRESH, inQuietHours, ruleText, type Edge } from './alerts'
import { checkFirmware as checkFirmwareOf } from './firmware-notices'
import { SnotiClient, type SnotiEndpoint, type SnotiPush } from './snoti-client'

/** Bindings read per user are trusted this long; bind/unbind events keep them current in between. */
const AUDIENCE_TTL_S = 10 * 60
const CLOUD_TIMEOUT_MS = 5000
/** Notices WeChat could not take for a passing reason (busy, network) are tried again this often. */
const RETRY_EVERY_MS = 30_000
/** How often the clock may end a rule's hold time between reports. */
const HOLD_TICK_MS = 1000
/** Notices held back by WeChat's daily quota (45009) go out as one digest per user and device this often. */
const DIGEST_EVERY_MS = 3600_000
/** Owners' devices are asked for new firmware this often (and whenever one comes online). */
const FIRMWARE_CHECK_MS = 10 * 60_000

export interface WorkerOptions {
  db: Database.Database
  snoti: SnotiEndpoint
  gizwits: { apiBase: string; appId: string }
  wechat: { apiBase: string; appId: string; appSecret: string; alertTemplateId: string }
  /** The app's public origin: a notice links to `<appUrl>/devices/<did>`, which opens through the silent login. */
  appUrl: string
  log?: (message: string) => void
  prefetch?: number
  backoff?: { firstMs: number; maxMs: number }
  /** Tests only: runs after an event is stored and before it is acknowledged (a crash there must lose nothing). */
  afterStore?: (push: SnotiPush) => Promise<void> | void
  /** The clock, UTC seconds (tests drive hold times and quiet hours by hand). */
  now?: () => number
  holdTickMs?: number
  digestEveryMs?: number
  /** How often every owner's devices are checked for new firmware (firmware-notices.ts); also on each device_online. */
  firmwareCheckMs?: number
}

export interface EventWorker {
  store: HistoryStore
  client: SnotiClient
  /** Resolves once every notice pending now has had its send attempt. */
  flushNotices: () => Promise<void>
  /** Ends the hold times that have passed by the clock (runs every second by itself). */
  tick: () => void
  /** Sends what WeChat's quota held back, one digest per user and device (runs every hour by itself). */
  sendDigests: () => Promise<void>
  /** Checks the owners' devices (or one) for new firmware and sends each version's notice once (firmware-notices.ts). */
  checkFirmware: (did?: string) => Promise<void>
  /** Stores one event with its consequences, as a push from SNoti is (bench/events drives it without a socket). */
  process: (push: SnotiPush) => void
  stop: () => void
}

const eventKey = (push: SnotiPush) =>
  createHash('sha256').update(JSON.stringify([push.did, push.event_type, push.created_at, push.event_id ?? null, push.uid ?? null, push.data ?? null])).digest('hex')

const clientMsgId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32)

export function startWorker(options: WorkerOptions): EventWorker {
  const log = options.log ?? ((message: string) => console.warn(`[worker] ${message}`))
  const store = sqliteHistoryStore(options.db)
  const accessToken = new AccessTokenSource({ appId: options.wechat.appId, appSecret: options.wechat.appSecret, apiBase: options.wechat.apiBase }, memoryTokenCache())

  // ---- who is bound to a device: each user's bindings, read as that user (phone_id = openid, as the BFF logs in) ----
  async function gizwits<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
    const response = await fetch(`${options.gizwits.apiBase}${path}`, {
      ...init,
      headers: { 'X-Gizwits-Application-Id': options.gizwits.appId, 'content-type': 'application/json', ...(init.token ? { 'X-Gizwits-User-token': init.token } : {}) },
      signal: AbortSignal.timeout(CLOUD_TIMEOUT_MS),
    })
    const body = (await response.json()) as T & { error_code?: number; error_message?: string }
    if (!response.ok) throw new Error(`Gizwits ${path} answered ${response.status} ${body.error_code ?? ''} ${body.error_message ?? ''}`)
    return body
  }

  async function refreshAudience(): Promise<void> {
    const now = Math.floor(Date.now() / 1000)
    for (const { openid, uid } of store.knownUsers()) {
      const readAt = store.audienceReadAt(uid)
      if (readAt !== null && now - readAt < AUDIENCE_TTL_S) continue
      try {
        const { token } = await gizwits<{ token: string }>('/app/users', { method: 'POST', body: JSON.stringify({ phone_id: openid }) })
        const { devices } = await gizwits<{ devices: Array<{ did: string; dev_alias: string; product_name?: string }> }>('/app/bindings?limit=100&skip=0', { token })
        store.replaceAudienceOfUser(uid, devices.map((d) => ({ did: d.did, dev_alias: d.dev_alias || d.product_name || '' })), now)
      } catch (error) {
        // The cloud is slow or down: notices go to whom we knew; the next event tries again.
        log(`bindings of ${openid} not read (${(error as Error).message}); using what is known`)
      }
    }
  }

  // ---- one event, stored with its consequences ----
  const now = options.now ?? (() => Date.now() / 1000)

  /**
   * A pending notice for everyone bound to the device who has not turned "接收提醒" off; in a user's quiet hours a
   * non-critical one stays in the app. All inside the event's transaction (the outbox).
   */
  function notify(did: string, alertKey: string, edge: Exclude<Edge, null>, at: number, critical: boolean, text: (deviceName: string) => { title: string; detail: string }): void {
    for (const { uid, dev_alias: alias } of store.audienceOf(did)) {
      const openid = store.openidOf(uid)
      if (!openid || !store.receives(openid, did)) continue
      const deviceName = alias || did
      const quiet = !critical && inQuietHours(store.quietHours(openid), at)
      store.addNotice({
        notice_key: `${alertKey}:${edge}:${at}:${openid}`, openid, did, device_name: deviceName, ...text(deviceName), created_at: at, edge, alert_key: alertKey,
        ...(quiet ? { status: 'in_app_only' as const, result: 'quiet_hours' } : {}),
      })
    }
  }

  /** One step of one owner's rule, from a report or from the clock; its edge and notices stored with it. */
  function step(ruleId: number, did: string, value: number | null, at: number): void {
    const rule = store.rule(ruleId)
    const key = `rule:${ruleId}`
    const memory = store.alertMemory(key) ?? FRESH
    const seen = value ?? memory.lastValue
    if (!rule || seen === null) return
    const verdict = evaluate(rule, seen, memory, at)
    store.setAlertMemory(key, did, verdict.memory, at)
    if (verdict.edge && verdict.notify) notify(did, key, verdict.edge, at, rule.critical, () => ruleText(rule, seen, verdict.edge as 'fire' | 'clear'))
  }

  function apply(push: SnotiPush): void {
    const at = push.created_at
    const did = push.did
    if (!store.recordEvent({ key: eventKey(push), did, type: push.event_type, createdAt: at, data: push.data ?? { uid: push.uid ?? null } })) return
    switch (push.event_type) {
      case 'device_status_kv': {
        const data = (push.data ?? {}) as Record<string, unknown>
        const numbers = Object.fromEntries(Object.entries(data).filter(([, value]) => typeof value === 'number')) as Record<string, number>
        store.appendValues(did, at, numbers)
        for (const rule of store.rulesOf(did)) {
          const value = numbers[rule.attr]
          if (value !== undefined) step(rule.id, did, value, at)
        }
        break
      }
      case 'attr_alert':
      case 'attr_fault': {
        // The device maker declared these as alarms and faults: critical, told at once, even in quiet hours.
        const data = push.data as { attr_name: string; attr_displayname: string; value: number }
        const key = `attr:${did}:${data.attr_name}`
        const edge = attrEdge(data.value, store.alertState(key))
        if (!edge) break
        store.setAlertState(key, did, edge === 'fire' ? 'firing' : 'ok', at)
        notify(did, key, edge, at, true, () => (edge === 'fire' ? { title: data.attr_displayname, detail: push.event_type === 'attr_fault' ? '设备故障' : '设备报警' } : { title: `已恢复：${data.attr_displayname}`, detail: '已恢复' }))
        break
      }
      case 'device_bind':
        if (typeof push.uid === 'string') store.addAudience(did, push.uid)
        break
      case 'device_unbind':
        // A guest whose time ran out, a removed guest, an owner who left: their notices end here.
        if (typeof push.uid === 'string') store.removeAudience(did, push.uid)
        break
    }
  }

  /** Hold times that have run out with the value still over the limit fire now, without waiting for a report. */
  function tick(): void {
    const at = now()
    for (const { alert_key: key, did } of store.pendingHolds()) {
      const id = Number(key.slice('rule:'.length))
      if (key.startsWith('rule:') && Number.isInteger(id)) store.atomically(() => step(id, did, null, at))
    }
    void flushNotices()
  }

  // ---- sending: after the transaction, from the outbox ----
  let sending: Promise<void> = Promise.resolve()
  const timeText = (at: number) => new Date(at * 1000 + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')

  async function send(notice: Notice): Promise<void> {
    try {
      const { msgid } = await sendTemplateMessage(options.wechat.apiBase, accessToken, {
        touser: notice.openid,
        template_id: options.wechat.alertTemplateId,
        url: `${options.appUrl}/devices/${encodeURIComponent(notice.did)}`,
        client_msg_id: clientMsgId(notice.notice_key),
        data: { thing1: { value: notice.device_name.slice(0, 20) }, thing2: { value: notice.title }, character_string3: { value: notice.detail.slice(0, 32) }, time4: { value: timeText(notice.created_at) } },
      })
      store.markNotice(notice.id, 'sent', `msgid ${msgid}`)
    } catch (error) {
      if (error instanceof TemplateMessageError) {
        if (error.kind === 'not_subscribed' || error.kind === 'bad_openid') store.markNotice(notice.id, 'in_app_only', `${error.errcode}`)
        else if (error.kind === 'quota') store.markNotice(notice.id, 'queued', `${error.errcode}`)
        else if (error.kind === 'api_error' && error.errcode === -1) log(`WeChat busy for notice ${notice.id}; trying again later`)
        else {
          // Template misconfigured (40037, 47003): the operator must act; never a retry storm.
          store.markNotice(notice.id, 'failed', `${error.errcode}`)
          log(`notice ${notice.id} not sent: ${error.message}${error.kind === 'bad_template' ? ' — check WECHAT_ALERT_TEMPLATE_ID' : ''}`)
        }
      } else log(`notice ${notice.id} not sent yet (${(error as Error).message}); trying again later`)
    }
  }

  const flushNotices = () => {
    sending = sending.then(async () => {
      for (const notice of store.pendingNotices()) await send(notice)
    })
    return sending
  }

  /**
   * What the quota held back, as one message per user and device ("过去一小时报警 5 次", the latest title beside it);
   * a single held notice goes out as itself. Still 45009: they wait for the next round.
   */
  async function sendDigest(group: Notice[]): Promise<void> {
    const latest = group[group.length - 1]
    const ids = group.map((notice) => notice.id)
    const mark = (status: 'digested' | 'in_app_only' | 'failed', result: string) => store.atomically(() => ids.forEach((id) => store.markNotice(id, status, result)))
    try {
      const { msgid } = await sendTemplateMessage(options.wechat.apiBase, accessToken, {
        touser: latest.openid,
        template_id: options.wechat.alertTemplateId,
        url: `${options.appUrl}/devices/${encodeURIComponent(latest.did)}`,
        client_msg_id: clientMsgId(`digest:${ids.join(',')}`),
        data: {
          thing1: { value: latest.device_name.slice(0, 20) },
          thing2: { value: group.length === 1 ? latest.title : digestText(group.filter((notice) => notice.edge === 'fire').length || group.length, group[0].created_at, now()) },
          character_string3: { value: (group.length === 1 ? latest.detail : `最近：${latest.title}`).slice(0, 32) },
          time4: { value: timeText(latest.created_at) },
        },
      })
      mark('digested', `msgid ${msgid}`)
    } catch (error) {
      if (error instanceof TemplateMessageError && (error.kind === 'not_subscribed' || error.kind === 'bad_openid')) mark('in_app_only', `${error.errcode}`)
      else if (error instanceof TemplateMessageError && error.kind === 'bad_template') {
        mark('failed', `${error.errcode}`)
        log(`digest not sent: ${error.message} — check WECHAT_ALERT_TEMPLATE_ID`)
      } else log(`digest of ${ids.length} notices not sent yet (${(error as Error).message}); next round`)
    }
  }

  const sendDigests = () => {
    sending = sending.then(async () => {
      const groups = new Map<string, Notice[]>()
      for (const notice of store.queuedNotices()) {
        const key = `${notice.openid}\u0000${notice.did}`
        groups.set(key, [...(groups.get(key) ?? []), notice])
      }
      for (const group of groups.values()) await sendDigest(group)
    })
    return sending
  }

  // ---- firmware updates: asked for, not pushed (firmware-notices.ts) ----
  const firmwareDeps = {
    store, now, log,
    asUser: async <T>(openid: string, path: string): Promise<T> => {
      const { token } = await gizwits<{ token: string }>('/app/users', { method: 'POST', body: JSON.stringify({ phone_id: openid }) })
      return gizwits<T>(path, { token })
    },
  }
  let checking: Promise<void> = Promise.resolve()
  const checkFirmware = (did?: string): Promise<void> => {
    checking = checking.then(() => checkFirmwareOf(firmwareDeps, did)).catch((error: Error) => log(`firmware check failed: ${error.message}`)).then(() => flushNotices())
    return checking
  }

  const client = new SnotiClient({
    endpoint: options.snoti,
    prefetch: options.prefetch,
    backoff: options.backoff,
    log,
    onEvent: async (push) => {
      if (['device_status_kv', 'attr_alert', 'attr_fault'].includes(push.event_type)) await refreshAudience()
      store.atomically(() => apply(push))
      await options.afterStore?.(push)
      void flushNotices()
      if (push.event_type === 'device_online') void checkFirmware(push.did)
    },
  })
  client.start()
  // Notices left pending by a previous run (killed between storing and sending) go out now.
  void flushNotices()
  const retry = setInterval(() => void flushNotices(), RETRY_EVERY_MS)
  retry.unref()
  const holds = setInterval(tick, options.holdTickMs ?? HOLD_TICK_MS)
  holds.unref()
  const digests = setInterval(() => void sendDigests(), options.digestEveryMs ?? DIGEST_EVERY_MS)
  digests.unref()
  const firmware = setInterval(() => void checkFirmware(), options.firmwareCheckMs ?? FIRMWARE_CHECK_MS)
  firmware.unref()

  return {
    store,
    client,
    flushNotices,
    tick,
    sendDigests,
    checkFirmware,
    process: (push) => store.atomically(() => apply(push)),
    stop: () => {
      clearInterval(retry)
      clearInterval(holds)
      clearInterval(digests)
      clearInterval(firmware)
      client.stop()
    },
  }
}
