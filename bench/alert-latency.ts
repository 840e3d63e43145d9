// Sandbox report → WeChat send request received: a report crosses an owner's limit on the plant, SNoti carries it
// to the vendor's worker, which stores it with its alert edge and sends the template message; the clock stops when
// the send request reaches the WeChat side. A recording proxy sits in front of the sandbox's WeChat API, so the
// moment measured is the request's arrival, not a poll. Each round fires and recovers (two samples). Target: p95 ≤ 1 s.
// Run: npx tsx bench/alert-latency.ts   (ROUNDS=100 to change)
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { UserToken } from '@shared/open-api'
import { openDatabase } from '../server/bff/store/database'
import { sqliteUserRepository } from '../server/bff/store/user-repository'
import { tokenSealer } from '../server/bff/store/token-sealer'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_GIZWITS_APP_ID, DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../server/sandbox/demo-defaults'
import { startSandbox } from '../server/sandbox/sandbox'
import { startWorker } from '../server/worker/event-worker'
import { ms, summarize } from './support/stats'

const ROUNDS = Number(process.env.ROUNDS ?? 100)
const OWNER = 'oDemo_XiaoMing_6fA2kP9sQ1wE'
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'

const sandbox = await startSandbox({ port: 0, dataFile: ':memory:', behaviour: 'still', reportDelayMs: 20, gizwitsAppId: DEMO_GIZWITS_APP_ID, wechatAppId: DEMO_WECHAT_APP_ID, wechatAppSecret: DEMO_WECHAT_APP_SECRET })

// The WeChat side: every request is forwarded to the sandbox; a template send wakes whoever waits for it.
let arrived: (() => void) | null = null
const proxy = createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.on('end', async () => {
    if (request.url?.startsWith('/cgi-bin/message/template/send')) arrived?.()
    const answer = await fetch(`${sandbox.url}${request.url}`, { method: request.method, headers: { 'content-type': 'application/json' }, body: request.method === 'GET' ? undefined : Buffer.concat(chunks) })
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text())
  })
})
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
const wechatBase = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`

const dir = mkdtempSync(join(tmpdir(), 'bench-alert-'))
const db = openDatabase(join(dir, 'app.db'))
const user = (await (await fetch(`${sandbox.url}/app/users`, { method: 'POST', headers: { 'X-Gizwits-Application-Id': DEMO_GIZWITS_APP_ID, 'content-type': 'application/json' }, body: JSON.stringify({ phone_id: OWNER }) })).json()) as UserToken
sqliteUserRepository(db, tokenSealer('bench-data-key-0123456789abcdef0123456789')).saveCredentials(OWNER, { uid: user.uid, token: user.token, expireAt: user.expire_at })
const worker = startWorker({
  db,
  snoti: { host: sandbox.snoti.host, port: sandbox.snoti.port, ca: sandbox.snoti.ca, credentials: sandbox.snoti.credentials, subkey: 'vendor_worker' },
  gizwits: { apiBase: sandbox.url, appId: DEMO_GIZWITS_APP_ID },
  wechat: { apiBase: wechatBase, appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, alertTemplateId: DEMO_ALERT_TEMPLATE_ID },
  appUrl: 'http://app.example',
  log: () => {},
})
await worker.store.saveRule({ did: PLANT, attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 0, label: '土壤湿度', unit: '%', created_by: OWNER })
while (worker.client.state !== 'up') await new Promise((resolve) => setTimeout(resolve, 20))

async function crossing(soil: number): Promise<number> {
  const sent = new Promise<void>((resolve) => (arrived = resolve))
  const begin = performance.now()
  await fetch(`${sandbox.url}/sandbox/devices/${PLANT}/report`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { soil_humidity: soil } }) })
  await sent
  return performance.now() - begin
}

// One warm-up round (access_token, bindings read once), outside the figures.
await crossing(20)
await crossing(45)
const samples: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  samples.push(await crossing(20))
  samples.push(await crossing(45))
}
const { count, p50, p95, p99 } = summarize(samples)
console.log(`report → WeChat send request received, ${count} crossings (fire and recovery): p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}; target p95 ≤ 1000 ms: ${p95 <= 1000 ? 'met' : 'NOT met'}`)
worker.stop()
await worker.flushNotices()
db.close()
proxy.close()
await sandbox.close()
rmSync(dir, { recursive: true, force: true })
