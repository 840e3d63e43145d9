// The vendor's always-on worker: consumes SNoti for every device of every product, keeps history, evaluates the
// owners' over-limit rules and the devices' own alarms, and tells every bound user in WeChat. Each event is stored
// with its consequences (history rows, alert edges, pending notices) in one transaction and only then acknowledged,
// and a redelivered event is recognised by its content, so a kill -9 anywhere loses nothing and doubles nothing.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import {
  alertsTotal, noticesTotal, snotiConnected, snotiEventsTotal, snotiLagSeconds, workerStarted,
  AccessTokenSource, memoryTokenCache, pgCommandStore, pgHistoryStore, sendCustomText, sendSubscribeMessage, sendTemplateMessage, sqliteCommandStore, sqliteHistoryStore,
  TemplateMessageError, WeChatApiError, type HistoryStore, type Notice, type PgPool,
} from '../bff/worker-seam'
import { attrEdge, digestText, evaluate, FRESH, inQuietHours, ruleText, type Edge } from './alerts'
import { channelsFor, CONFIG_HINT, verdictOf, type Channel } from './channels'
import { commandResults, COMMAND_ANSWER_MS } from './command-results'
import { definitions as productDefinitions } from './definitions'
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
  /** Where history, alerts and notices live: PostgreSQL when the cluster has it (shared by every worker), else SQLite. */
  db?: Database.Database
  pool?: PgPool | null
  /** PostgreSQL: how long a worker holds the notices it is sending (tests shorten it to see a killed worker's taken over). */
  noticeClaimS?: number
  snoti: SnotiEndpoint
  gizwits: { apiBase: string; appId: string }
  /**
   * `subscribeTemplateId`: the subscription-notice template for command results (keywords thing1 device, thing2
   * result, thing3 detail, time4 time); without one, results go by customer-service message or stay in the app.
   */
  wechat: { apiBase: string; appId: string; appSecret: string; alertTemplateId: string; subscribeTemplateId?: string }
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
  /** How long a sent command whose page closed may wait for the device's report before it is told as failed. */
  commandAnswerMs?: number
  /** How often every owner's devices are checked for new firmware (firmware-notices.ts); also on each device_online. */
  firmwareCheckMs?: number
}

export interface EventWorker {
  store: HistoryStore
  client: SnotiClient
  /** Resolves once every notice pending now has had its send attempt. */
  flushNotices: () => Promise<void>
  /** Ends the hold times that have passed by the clock (runs every second by itself). */
  tick: () => Promise<void>
  /** Sends what WeChat's quota held back, one digest per user and device (runs every hour by itself). */
  sendDigests: () => Promise<void>
  /** Checks the owners' devices (or one) for new firmware and sends each version's notice once (firmware-notices.ts). */
  checkFirmware: (did?: string) => Promise<void>
  /** Stores one event with its consequences, as a push from SNoti is (bench/events drives it without a socket). */
  process: (push: SnotiPush) => Promise<void>
  stop: () => void
  /**
   * SIGTERM: stops taking events and acknowledging them, lets the event being stored finish (its ack is not sent:
   * SNoti redelivers it, and the ledger recognises it), and closes the connection, so SNoti hands what this worker
   * had unacknowledged to the other workers on the subscription key.
   */
  drain: () => Promise<void>
}

const eventKey = (push: SnotiPush) =>
  createHash('sha256').update(JSON.stringify([push.did, push.event_type, push.created_at, push.event_id ?? null, push.uid ?? null, push.data ?? null])).digest('hex')

function noDatabase(): never {
  throw new Error('startWorker needs a database: db (SQLite) or pool (PostgreSQL)')
}

const clientMsgId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32)

export function startWorker(options: WorkerOptions): EventWorker {
  const log = options.log ?? ((message: string) => console.warn(`[worker] ${message}`))
  const store: HistoryStore = options.pool ? pgHistoryStore(options.pool, { claimS: options.noticeClaimS }) : sqliteHistoryStore(options.db ?? noDatabase())
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

  // ---- the products' datapoints, so command notices read "设定温度 27°C" as the app's log does (definitions.ts) ----
  const datapoints = productDefinitions((productKey) => gizwits(`/app/datapoint?product_key=${encodeURIComponent(productKey)}`), log)
  const watched = options.snoti.credentials.map((credential) => credential.product_key)
  const commands = commandResults(options.pool ? pgCommandStore(options.pool) : sqliteCommandStore(options.db ?? noDatabase()), options.commandAnswerMs ?? COMMAND_ANSWER_MS, datapoints.attrsOf)

  async function refreshAudience(): Promise<void> {
    const now = Math.floor(Date.now() / 1000)
    for (const { openid, uid } of await store.knownUsers()) {
      const readAt = await store.audienceReadAt(uid)
      if (readAt !== null && now - readAt < AUDIENCE_TTL_S) continue
      try {
        const { token } = await gizwits<{ token: string }>('/app/users', { method: 'POST', body: JSON.stringify({ phone_id: openid }) })
        const { devices } = await gizwits<{ devices: Array<{ did: string; dev_alias: string; product_name?: string }> }>('/app/bindings?limit=100&skip=0', { token })
        await store.replaceAudienceOfUser(uid, devices.map((d) => ({ did: d.did, dev_alias: d.dev_alias || d.product_name || '' })), now)
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
  async function notify(tx: HistoryStore, did: string, alertKey: string, edge: Exclude<Edge, null>, at: number, critical: boolean, text: (deviceName: string) => { title: string; detail: string }): Promise<void> {
    for (const { uid, dev_alias: alias } of await tx.audienceOf(did)) {
      const openid = await tx.openidOf(uid)
      if (!openid || !(await tx.receives(openid, did))) continue
      const deviceName = alias || did
      const quiet = !critical && inQuietHours(await tx.quietHours(openid), at)
      await tx.addNotice({
        notice_key: `${alertKey}:${edge}:${at}:${openid}`, openid, did, device_name: deviceName, ...text(deviceName), created_at: at, edge, alert_key: alertKey,
        ...(quiet ? { status: 'in_app_only' as const, result: 'quiet_hours' } : {}),
      })
      if (quiet) noticesTotal.inc({ channel: 'in_app_only' })
    }
  }

  /** One step of one owner's rule, from a report or from the clock; its edge and notices stored with it. */
  async function step(tx: HistoryStore, ruleId: number, did: string, value: number | null, at: number): Promise<void> {
    const rule = await tx.rule(ruleId)
    const key = `rule:${ruleId}`
    const memory = (await tx.alertMemory(key)) ?? FRESH
    const seen = value ?? memory.lastValue
    if (!rule || seen === null) return
    const verdict = evaluate(rule, seen, memory, at)
    await tx.setAlertMemory(key, did, verdict.memory, at)
    if (verdict.edge) alertsTotal.inc({ edge: verdict.edge, source: 'rule' })
    if (verdict.edge && verdict.notify) await notify(tx, did, key, verdict.edge, at, rule.critical, () => ruleText(rule, seen, verdict.edge as 'fire' | 'clear'))
  }

  async function apply(tx: HistoryStore, push: SnotiPush): Promise<void> {
    const at = push.created_at
    const did = push.did
    if (typeof push.product_key === 'string') datapoints.noteDevice(did, push.product_key)
    if (!(await tx.recordEvent({ key: eventKey(push), did, type: push.event_type, createdAt: at, data: push.data ?? { uid: push.uid ?? null } }))) return
    switch (push.event_type) {
      case 'device_status_kv': {
        const data = (push.data ?? {}) as Record<string, unknown>
        const numbers = Object.fromEntries(Object.entries(data).filter(([, value]) => typeof value === 'number')) as Record<string, number>
        await tx.appendValues(did, at, numbers)
        // Commands to this device that this report shows done are confirmed (their result told if due).
        await commands.confirmByReport(did, data)
        for (const rule of await tx.rulesOf(did)) {
          const value = numbers[rule.attr]
          if (value !== undefined) await step(tx, rule.id, did, value, at)
        }
        break
      }
      case 'attr_alert':
      case 'attr_fault': {
        // The device maker declared these as alarms and faults: critical, told at once, even in quiet hours.
        const data = push.data as { attr_name: string; attr_displayname: string; value: number }
        const key = `attr:${did}:${data.attr_name}`
        const edge = attrEdge(data.value, await tx.alertState(key))
        if (!edge) break
        alertsTotal.inc({ edge, source: 'device' })
        await tx.setAlertState(key, did, edge === 'fire' ? 'firing' : 'ok', at)
        await notify(tx, did, key, edge, at, true, () => (edge === 'fire' ? { title: data.attr_displayname, detail: push.event_type === 'attr_fault' ? '设备故障' : '设备报警' } : { title: `已恢复：${data.attr_displayname}`, detail: '已恢复' }))
        break
      }
      case 'app2dev_kv':
        // A control the cloud sent: a schedule's or a rule's goes into the command journal (command-results.ts).
        await commands.fromControl(tx, { id: `cloud-${eventKey(push).slice(0, 40)}`, did, source: push.source, uid: push.uid, data: push.data })
        break
      case 'device_offline':
        await commands.deviceOffline(did)
        break
      case 'device_bind':
        if (typeof push.uid === 'string') await tx.addAudience(did, push.uid)
        break
      case 'device_unbind':
        // A guest whose time ran out, a removed guest, an owner who left: their notices end here.
        if (typeof push.uid === 'string') await tx.removeAudience(did, push.uid)
        break
    }
  }

  /** Hold times that have run out with the value still over the limit fire now, without waiting for a report. */
  async function tick(): Promise<void> {
    const at = now()
    try {
      for (const { alert_key: key, did } of await store.pendingHolds()) {
        const id = Number(key.slice('rule:'.length))
        if (key.startsWith('rule:') && Number.isInteger(id)) await store.atomically((tx) => step(tx, id, did, null, at), did)
      }
    } catch (error) {
      // The database is away for a moment: the hold ends at the next tick.
      log(`hold times not checked (${(error as Error).message})`)
    }
    try {
      // Commands whose page closed: those settled (by the relay or a report) become notices, the unanswered fail.
      // The definitions are read first (rarely: cached), outside the transaction; a cloud that is down costs one
      // timeout a minute at most and leaves the raw names.
      await datapoints.load(watched)
      await store.atomically((tx) => commands.tell(tx, at))
    } catch (error) {
      log(`command results not told yet (${(error as Error).message})`)
    }
    void flushNotices()
  }

  // ---- sending: after the transaction, from the outbox ----
  /** Where each notice ended up, counted as it is marked (the operator's "notices by channel"): the WeChat channel it
   * went out on when sent, else what became of it. */
  const PLACES: Record<string, string> = { digested: 'wechat_digest', in_app_only: 'in_app_only', queued: 'queued', failed: 'failed' }
  const markNotice = async (id: number, status: Parameters<HistoryStore['markNotice']>[1], result: string, channel: Parameters<HistoryStore['markNotice']>[3], on: HistoryStore = store) => {
    await on.markNotice(id, status, result, channel)
    const place = status === 'sent' ? channel : PLACES[status]
    if (place) noticesTotal.inc({ channel: place })
  }
  let sending: Promise<void> = Promise.resolve()
  const timeText = (at: number) => new Date(at * 1000 + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')

  const linkOf = (notice: Notice) => `${options.appUrl}/devices/${encodeURIComponent(notice.did)}`

  /** One attempt on one channel; the errcode WeChat answered (0 = sent), or null when it did not answer. */
  async function attempt(channel: Channel, notice: Notice): Promise<{ errcode: number | null; message: string; msgid?: number }> {
    try {
      if (channel === 'template') {
        const { msgid } = await sendTemplateMessage(options.wechat.apiBase, accessToken, {
          touser: notice.openid,
          template_id: options.wechat.alertTemplateId,
          url: linkOf(notice),
          client_msg_id: clientMsgId(notice.notice_key),
          data: { thing1: { value: notice.device_name.slice(0, 20) }, thing2: { value: notice.title.slice(0, 20) }, character_string3: { value: notice.detail.slice(0, 32) }, time4: { value: timeText(notice.created_at) } },
        })
        return { errcode: 0, message: 'ok', msgid }
      }
      if (channel === 'subscribe') {
        await sendSubscribeMessage(options.wechat.apiBase, accessToken, {
          touser: notice.openid,
          template_id: options.wechat.subscribeTemplateId!,
          page: linkOf(notice),
          data: { thing1: { value: notice.device_name.slice(0, 20) }, thing2: { value: notice.title.slice(0, 20) }, thing3: { value: notice.detail.slice(0, 20) }, time4: { value: timeText(notice.created_at) } },
        })
      } else {
        await sendCustomText(options.wechat.apiBase, accessToken, notice.openid, `${notice.device_name}：${notice.title}（${notice.detail}）\n<a href="${linkOf(notice)}">打开设备</a>`)
      }
      return { errcode: 0, message: 'ok' }
    } catch (error) {
      if (error instanceof TemplateMessageError || error instanceof WeChatApiError) return { errcode: error.errcode, message: error.message }
      return { errcode: null, message: (error as Error).message }
    }
  }

  /** Tries the notice's channels in order (channels.ts decides which and what each answer means) and stores the outcome. */
  async function send(notice: Notice): Promise<void> {
    const plan = channelsFor(notice.kind, notice.kind === 'command' ? await store.lastInteractionAt(notice.openid) : null, now())
      .filter((channel) => channel !== 'subscribe' || options.wechat.subscribeTemplateId)
    let last = '45015'
    for (const channel of plan) {
      const answer = await attempt(channel, notice)
      const verdict = verdictOf(answer.errcode)
      switch (verdict) {
        case 'sent': return markNotice(notice.id, 'sent', answer.msgid === undefined ? 'ok' : `msgid ${answer.msgid}`, channel)
        case 'in_app_only': return markNotice(notice.id, 'in_app_only', String(answer.errcode), 'app')
        case 'queued': return markNotice(notice.id, 'queued', String(answer.errcode), channel)
        case 'retry':
          // Still pending; marking it again ends this worker's claim (PostgreSQL), so the next flush of any worker retries it.
          await markNotice(notice.id, 'pending', String(answer.errcode ?? 'network'), undefined)
          return log(`notice ${notice.id} not sent yet by ${channel} (${answer.message}); trying again later`)
        case 'failed':
          // Misconfigured (40037, 47003, 48001): the operator must act; never a retry storm.
          await markNotice(notice.id, 'failed', String(answer.errcode), channel)
          return log(`notice ${notice.id} not sent by ${channel}: ${answer.message} — ${CONFIG_HINT[channel]}`)
        case 'next':
          last = String(answer.errcode)
          continue
      }
    }
    // Every channel said "not now" (outside the window), or none is configured: the app has it.
    await markNotice(notice.id, 'in_app_only', plan.length === 0 ? 'no_channel' : last, 'app')
  }

  const flushNotices = () => {
    sending = sending.then(async () => {
      for (const notice of await store.pendingNotices()) await send(notice)
    }).catch((error: Error) => log(`notices not read (${error.message}); the next flush tries again`))
    return sending
  }

  /**
   * What the quota held back, as one message per user and device ("过去一小时报警 5 次", the latest title beside it);
   * a single held notice goes out as itself. Still 45009: they wait for the next round.
   */
  async function sendDigest(group: Notice[]): Promise<void> {
    const latest = group[group.length - 1]
    const ids = group.map((notice) => notice.id)
    const mark = (status: 'digested' | 'in_app_only' | 'failed', result: string) => store.atomically(async (tx) => {
      for (const id of ids) await markNotice(id, status, result, status === 'in_app_only' ? 'app' : 'template', tx)
    })
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
      await mark('digested', `msgid ${msgid}`)
    } catch (error) {
      if (error instanceof TemplateMessageError && (error.kind === 'not_subscribed' || error.kind === 'bad_openid')) await mark('in_app_only', `${error.errcode}`)
      else if (error instanceof TemplateMessageError && error.kind === 'bad_template') {
        await mark('failed', `${error.errcode}`)
        log(`digest not sent: ${error.message} — check WECHAT_ALERT_TEMPLATE_ID`)
      } else log(`digest of ${ids.length} notices not sent yet (${(error as Error).message}); next round`)
    }
  }

  const sendDigests = () => {
    sending = sending.then(async () => {
      const groups = new Map<string, Notice[]>()
      for (const notice of await store.queuedNotices()) {
        const key = `${notice.openid}\u0000${notice.did}`
        groups.set(key, [...(groups.get(key) ?? []), notice])
      }
      for (const group of groups.values()) await sendDigest(group)
    }).catch((error: Error) => log(`digests not read (${error.message}); next round`))
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
      await store.atomically((tx) => apply(tx, push), push.did)
      snotiEventsTotal.inc()
      snotiLagSeconds.set(Math.max(0, Date.now() / 1000 - push.created_at))
      await options.afterStore?.(push)
      void flushNotices()
      if (push.event_type === 'device_online') void checkFirmware(push.did)
    },
  })
  workerStarted()
  client.listeners.add((state) => snotiConnected.set(state === 'up' ? 1 : 0))
  client.start()
  // Notices left pending by a previous run (killed between storing and sending) go out now.
  void flushNotices()
  const retry = setInterval(() => void flushNotices(), RETRY_EVERY_MS)
  retry.unref()
  const holds = setInterval(() => void tick(), options.holdTickMs ?? HOLD_TICK_MS)
  holds.unref()
  const digests = setInterval(() => void sendDigests(), options.digestEveryMs ?? DIGEST_EVERY_MS)
  digests.unref()
  const firmware = setInterval(() => void checkFirmware(), options.firmwareCheckMs ?? FIRMWARE_CHECK_MS)
  firmware.unref()

  function stop(): void {
    clearInterval(retry)
    clearInterval(holds)
    clearInterval(digests)
    clearInterval(firmware)
    client.stop()
  }

  return {
    store,
    client,
    flushNotices,
    tick,
    sendDigests,
    checkFirmware,
    process: (push) => store.atomically((tx) => apply(tx, push), push.did),
    stop,
    drain: async () => {
      clearInterval(retry)
      clearInterval(holds)
      clearInterval(digests)
      clearInterval(firmware)
      await client.drain()
      await sending
    },
  }
}
