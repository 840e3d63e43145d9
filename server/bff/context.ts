// Everything routes need, built once per app: config, store, cloud clients, access checks, the live hub.
import type Database from 'better-sqlite3'
import type { FastifyRequest } from 'fastify'
import type { Config } from './config'
import { BindingChanges } from './gizwits/binding-changes'
import { BindingGuard, type AttemptLimits } from './gizwits/binding-guard'
import { DeviceAccess } from './gizwits/device-access'
import { GizwitsAccounts } from './gizwits/gizwits-accounts'
import { sessionLookup } from './http/authentication'
import { OpenApiClient } from './gizwits/open-api-client'
import { UserHub, type RelayOptions } from './relay/user-hub'
import { sqliteCommandStore, type CommandResults, type CommandStore } from './store/command-store'
import { DatabaseHealth } from './store/database'
import { sqliteOAuthStateStore, type OAuthStateStore } from './store/oauth-state-store'
import { sqliteHistoryStore, type HistoryStore } from './store/history-store'
import { pgHomeStore, sqliteHomeStore, type HomeStore } from './store/home-store'
import { sqlitePushStore, type PushStore } from './store/push-store'
import { sqliteSessionStore, type Session, type SessionStore } from './store/session-store'
import { tokenSealer } from './store/token-sealer'
import { sqliteUserRepository, type UserRepository } from './store/user-repository'
import { AccessTokenSource } from './wechat/access-token'
import { JsapiTicketSource } from './wechat/jsapi-ticket'
import { memoryTokenCache } from './wechat/token-cache'
import { EMBEDDED, type ClusterState } from './cluster/cluster-state'
import { redisAttemptCounter, redisOAuthStateStore, redisTokenCache } from './cluster/redis-state'
import { pgCommandStore, pgPushStore, pgSessionStore } from './store/postgres'
import { pgHistoryStore } from './store/pg-history-store'

export interface Context {
  /** PostgreSQL, Redis and the cluster bus when configured; EMBEDDED otherwise. */
  cluster: ClusterState
  config: Config
  users: UserRepository
  sessions: SessionStore
  oauthStates: OAuthStateStore
  /** /healthz asks it; the error handler tells it when a request met a damaged database. */
  storeHealth: DatabaseHealth
  client: OpenApiClient
  accounts: GizwitsAccounts
  access: DeviceAccess
  /** Where every change of bindings is reported, so what depends on them is invalidated in one place. */
  bindingChanges: BindingChanges
  /** Every binding goes through here: proof of possession, one refusal, attempts limited. */
  binding: BindingGuard
  hub: UserHub
  wechat: { accessToken: AccessTokenSource; jsapiTicket: JsapiTicketSource }
  /** WeChat pushes: nonces and dedup keys, and the events kept for the features that act on them. */
  pushes: PushStore
  /** Device history and alert rules, filled by the vendor's worker (server/worker/). */
  history: HistoryStore
  /** Homes, rooms, device placements and home sharing (PostgreSQL when the cluster has it). */
  homes: HomeStore
  /** The commands given to each device, for its log: the relay's journal (SQLite or PostgreSQL, the worker's too). */
  commandLog: CommandResults
  /** The same one journal, as the relay writes it (PostgreSQL when the cluster has it): group and scene commands too. */
  commands: CommandStore
  /** The request's session, looked up once per request; the signed-in scope refuses requests without one. */
  sessionOf: (request: FastifyRequest) => Promise<Session | null>
  /** Browser-facing WeChat base; in sandbox mode the sandbox on the host the browser used. */
  wechatOpenBase: (request: FastifyRequest) => string
}

export interface ContextOptions { releaseAfterMs?: number; relay?: RelayOptions; bindAttemptLimits?: AttemptLimits }

/**
 * Each store from PostgreSQL or Redis when the cluster has them (cluster/cluster-state.ts), else embedded (what
 * each engine holds: README "Several BFFs").
 */
export function createContext(config: Config, db: Database.Database, options: ContextOptions = {}, cluster: ClusterState = EMBEDDED): Context {
  const { pool, redis, bus } = cluster
  const users = cluster.users ?? sqliteUserRepository(db, tokenSealer(config.dataKey), (message) => console.warn(message))
  const sessions = pool ? pgSessionStore(pool) : sqliteSessionStore(db)
  const oauthStates = redis ? redisOAuthStateStore(redis) : sqliteOAuthStateStore(db)
  const storeHealth = new DatabaseHealth(db)
  const client = new OpenApiClient({ apiBase: config.gizwits.apiBase, appId: config.gizwits.appId })
  const accounts = new GizwitsAccounts(client, users)
  const access = new DeviceAccess(client, accounts, () => new Set(config.gizwits.products.keys()))
  const bindingChanges = new BindingChanges(access, bus ? (event) => bus.publish(event) : undefined)
  const counter = redis ? (windowMs: number) => redisAttemptCounter(redis, windowMs) : undefined
  const binding = new BindingGuard(client, accounts, bindingChanges, { productSecrets: config.gizwits.products, labelKey: config.labelKey, limits: options.bindAttemptLimits, counter })
  const commands = pool ? pgCommandStore(pool) : sqliteCommandStore(db)
  const hub = new UserHub({
    config, client, accounts, access, bindingChanges, commands, relay: options.relay, releaseAfterMs: options.releaseAfterMs,
    journalShared: pool !== null,
    announce: bus ? (openid, id, state) => bus.publish({ kind: 'command', openid, id, state }) : undefined,
    onStoreError: (error) => console.warn(`command journal: ${(error as Error).message}`),
  })
  // What the other instances did: their binding changes invalidate our caches, their command outcomes reach our pages.
  bus?.onEvent((event) => {
    if (event.kind === 'user_changed') access.forget(event.openid)
    else if (event.kind === 'devices_changed') {
      for (const did of event.dids) access.forgetDevice(did)
      if (event.by !== undefined) access.forget(event.by)
    } else hub.deliverCommandStatus(event.openid, [{ id: event.id, state: event.state }])
  })

  // The API base is read per call: in sandbox mode main.ts fills it in once the sandbox listens.
  const wechatCredentials = { appId: config.wechat.appId, appSecret: config.wechat.appSecret, get apiBase() { return config.wechat.apiBase } }
  const tokenCache = redis ? redisTokenCache(redis) : memoryTokenCache()
  const accessToken = new AccessTokenSource(wechatCredentials, tokenCache)
  const wechat = { accessToken, jsapiTicket: new JsapiTicketSource(config.wechat.appId, () => config.wechat.apiBase, accessToken, tokenCache) }

  return {
    cluster, config, users, sessions, oauthStates, storeHealth, client, accounts, access, bindingChanges, binding, hub, wechat, pushes: pool ? pgPushStore(pool) : sqlitePushStore(db), history: pool ? pgHistoryStore(pool) : sqliteHistoryStore(db), homes: pool ? pgHomeStore(pool) : sqliteHomeStore(db), commandLog: commands, commands, sessionOf: sessionLookup(sessions),
    wechatOpenBase: (request) => config.wechat.openBase || `http://${request.hostname.replace(/:\d+$/, '')}:${config.sandboxPort}`,
  }
}
