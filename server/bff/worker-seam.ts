// What the vendor's worker (server/worker/, its own room) may use of the BFF, and nothing else (eslint.config.js):
// the store, so history, alert rules and notices live in the same DATA_DIR/app.db — or the same PostgreSQL when
// DATABASE_URL is set — under the same numbered migrations the BFF applies; and the WeChat senders (template,
// subscription, customer-service) with its access_token source (stable_token, so two processes holding one never
// invalidate each other). Everything else of the BFF stays out of reach.
export { openDatabase, DatabaseError } from './store/database'
export { openPostgres, pgCommandStore, type PgPool } from './store/postgres'
export { pgHistoryStore } from './store/pg-history-store'
export { sqliteHistoryStore, type AlertOp, type AlertRule, type HistoryStore, type Notice, type NoticeChannel, type NoticeKind, type NoticeStatus } from './store/history-store'
export { sendTemplateMessage, TemplateMessageError, type TemplateMessage } from './wechat/template-message'
export { sendCustomText, sendSubscribeMessage, type SubscribeMessage } from './wechat/notify-messages'
export { WeChatApiError, WeChatErrcode } from './wechat/errors'
export { sqliteCommandStore, type CommandResults, type CommandStore } from './store/command-store'
export { AccessTokenSource } from './wechat/access-token'
export { memoryTokenCache } from './wechat/token-cache'
// The process's figures (ops/metrics.ts): the worker counts alerts, notices and the event stream's lag there, so the
// operator page and /metrics of its process show them.
export { startMetricsServer } from './ops/metrics-server'
export { startHeartbeat } from './ops/heartbeats'
export { connectRedis } from './cluster/redis-state'
export { alertsTotal, noticesTotal, snotiConnected, snotiEventsTotal, snotiLagSeconds, workerStarted } from './ops/metrics'
