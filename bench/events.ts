// The vendor's worker's throughput: SNoti `device_status_kv` events for 10,000 devices, each event stored with its
// history rows, every rule of its device evaluated and its alert state written (one transaction per event, as the
// worker does before each ack), against a bare loop that only parses the same event lines, in the same run. Then
// what the worker keeps per device (SQLite bytes and heap). No socket: this measures the worker, not TLS.
// Run: npx tsx bench/events.ts   (DEVICES=10000 EVENTS=100000 to change)
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '../server/bff/store/database'
import { startWorker } from '../server/worker/event-worker'
import type { SnotiPush } from '../server/worker/snoti-client'

const DEVICES = Number(process.env.DEVICES ?? 10_000)
const EVENTS = Number(process.env.EVENTS ?? 100_000)
const dir = mkdtempSync(join(tmpdir(), 'bench-events-'))
const db = openDatabase(join(dir, 'app.db'))
const worker = startWorker({
  db,
  // Nothing listens there: the client keeps retrying in the background; events are handed in directly.
  snoti: { host: '127.0.0.1', port: 9, credentials: [], subkey: 'bench' },
  gizwits: { apiBase: 'http://127.0.0.1:9', appId: 'bench' },
  wechat: { apiBase: 'http://127.0.0.1:9', appId: 'bench', appSecret: 'bench', alertTemplateId: 'bench' },
  appUrl: 'http://app.example',
  log: () => {},
  backoff: { firstMs: 60_000, maxMs: 60_000 },
})
const did = (index: number) => `BenchDevice${String(index).padStart(11, '0')}`
// Every device has a limit on its soil humidity, as an owner would set it.
await worker.store.atomically(async (tx) => {
  for (let index = 0; index < DEVICES; index++) await tx.saveRule({ did: did(index), attr: 'soil_humidity', op: 'below', threshold: 30, hysteresis: 5, label: '土壤湿度', unit: '%', created_by: 'bench' })
})

const start = Date.now() / 1000 - EVENTS
const lines = Array.from({ length: EVENTS }, (_, index) => JSON.stringify({
  cmd: 'event_push', delivery_id: index + 1, msg_id: `m${index}`, event_type: 'device_status_kv', product_key: 'pk', did: did(index % DEVICES), mac: '', group_id: '',
  created_at: start + index, data: { soil_humidity: 20 + ((index * 7) % 50), temperature: 22.5, light: 8000 + (index % 900), pump: 0, auto_water: 1 },
}))

const heapBefore = process.memoryUsage().heapUsed
let checksum = 0
let begin = process.hrtime.bigint()
for (const line of lines) checksum += (JSON.parse(line) as SnotiPush).created_at > 0 ? 1 : 0
const bareS = Number(process.hrtime.bigint() - begin) / 1e9

begin = process.hrtime.bigint()
for (const line of lines) await worker.process(JSON.parse(line) as SnotiPush)
const workerS = Number(process.hrtime.bigint() - begin) / 1e9

const counts = db.prepare("SELECT (SELECT COUNT(*) FROM device_events) AS events, (SELECT COUNT(*) FROM datapoint_history) AS history, (SELECT COUNT(*) FROM alert_state) AS alerts").get() as Record<string, number>
db.pragma('wal_checkpoint(TRUNCATE)')
const bytes = statSync(join(dir, 'app.db')).size
console.log(`events: ${EVENTS} over ${DEVICES} devices (checksum ${checksum})`)
console.log(`bare parse loop:  ${Math.round(EVENTS / bareS).toLocaleString()} events/s`)
console.log(`worker (parse + event + history + rules + alert state, one transaction each): ${Math.round(EVENTS / workerS).toLocaleString()} events/s (${(bareS / workerS * 100).toFixed(1)}% of bare)`)
console.log(`stored: ${counts.events} events, ${counts.history} history rows, ${counts.alerts} alert states`)
console.log(`per device: ${(bytes / DEVICES / 1024).toFixed(1)} KiB of SQLite after ${EVENTS / DEVICES} events each; heap growth ${((process.memoryUsage().heapUsed - heapBefore) / DEVICES).toFixed(0)} B`)
await worker.flushNotices()
worker.stop()
db.close()
rmSync(dir, { recursive: true, force: true })
