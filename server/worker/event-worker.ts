// The vendor's always-on worker: consumes SNoti for every device of every product, keeps history, evaluates the
// owners' over-limit rules and the devices' own alarms, and tells every bound user in WeChat. Each event is stored
// with its consequences (history rows, alert edges, pending notices) in one transaction and only then acknowledged,
// and a redelivered event is recognised by its content, so a kill -9 anywhere loses nothing and doubles nothing.
import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import {
  AccessTokenSource, memoryTokenCache, sendTemplateMessage, sqliteHistoryStore, TemplateMessageError, type HistoryStore, type Notice,
} from '../bff/worker-seam'
import { attrEdge, ruleEdge, ruleText, type Edge } from './alerts'
import { SnotiClient, type SnotiEndpoint, type SnotiPush } from './snoti-client'

/** Bindings read per user are trusted this long; bind/unbind events keep them current in between. */
const AUDIENCE_TTL_S = 10 * 60
const CLOUD_TIMEOUT_MS = 5000
/** Notices WeChat could not take for a passing reason (busy, network) are tried again this often. */
const RETRY_EVERY_MS = 30_000

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
}

export interface EventWorker {
  store: HistoryStore
  client: SnotiClient
  /** Resolves once every notice pending now has had its send attempt. */
  flushNotices: () => Promise<void>
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
  function notify(did: string, alertKey: string, edge: Exclude<Edge, null>, at: number, text: (deviceName: string) => { title: string; detail: string }): void {
    for (const { uid, dev_alias: alias } of store.audienceOf(did)) {
      const openid = store.openidOf(uid)
      if (!openid) continue
      const deviceName = alias || did
      store.addNotice({ notice_key: `${alertKey}:${edge}:${at}:${openid}`, openid, did, device_name: deviceName, ...text(deviceName), created_at: at })
    }
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
          if (value === undefined) continue
          const key = `rule:${rule.id}`
          const edge = ruleEdge(rule, value, store.alertState(key))
          if (!edge) continue
          store.setAlertState(key, did, edge === 'fire' ? 'firing' : 'ok', at)
          notify(did, key, edge, at, () => ruleText(rule, value, edge))
        }
        break
      }
      case 'attr_alert':
      case 'attr_fault': {
        const data = push.data as { attr_name: string; attr_displayname: string; value: number }
        const key = `attr:${did}:${data.attr_name}`
        const edge = attrEdge(data.value, store.alertState(key))
        if (!edge) break
        store.setAlertState(key, did, edge === 'fire' ? 'firing' : 'ok', at)
        notify(did, key, edge, at, () => (edge === 'fire' ? { title: data.attr_displayname, detail: push.event_type === 'attr_fault' ? '设备故障' : '设备报警' } : { title: `已恢复：${data.attr_displayname}`, detail: '已恢复' }))
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
        else if (error.kind === 'api_error' && error.errcode === -1) log(`WeChat busy for notice ${notice.id}; trying again later`)
        else {
          // Template misconfigured (40037, 47003) or quota spent (45009): the operator must act; never a retry storm.
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
    },
  })
  client.start()
  // Notices left pending by a previous run (killed between storing and sending) go out now.
  void flushNotices()
  const retry = setInterval(() => void flushNotices(), RETRY_EVERY_MS)
  retry.unref()

  return {
    store,
    client,
    flushNotices,
    stop: () => {
      clearInterval(retry)
      client.stop()
    },
  }
}
