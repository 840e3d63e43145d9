// The sandbox's scheduler at scale: 10,000 schedules (weekly, monthly, one-shot) across 1,000 virtual devices, the
// sandbox clock advanced minute by minute through a simulated day. Every occurrence is claimed in the sandbox's
// SQLite store, written to its virtual device and answered by the device's report, as in the running sandbox (no
// HTTP in between: this measures the scheduler, not Fastify). Against a bare loop over the same due times, in the
// same run, stepping the same minutes.
// Lateness is real time from the clock advance that made an occurrence due to its firing (on the fake clock every
// occurrence in a minute becomes due at that minute's advance, so this is the queueing inside one minute's batch).
// Run: npm run bench:scheduler (node --expose-gc, for the heap figures)   (SCHEDULES=10000 DEVICES=1000 STEP_S=60 to change)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SandboxClock } from '../server/sandbox/clock'
import { nextOccurrence } from '../server/sandbox/automation/occurrences'
import { Scheduler, load } from '../server/sandbox/automation/scheduler'
import { scheduleRunner } from '../server/sandbox/automation/schedule-runner'
import { loadProducts } from '../server/sandbox/products/registry'
import { DeviceSimulator } from '../server/sandbox/simulator'
import { openStores } from '../server/sandbox/store/index'
import { World } from '../server/sandbox/world'
import { summarize } from './support/stats'

const SCHEDULES = Number(process.env.SCHEDULES ?? 10_000)
const DEVICES = Number(process.env.DEVICES ?? 1000)
const STEP_S = Number(process.env.STEP_S ?? 60)
const DAY_MS = 86_400_000
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

// A repeatable mix, not Math.random: the same schedules on every run.
let seed = 14
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
const pick = (n: number) => Math.floor(random() * n)
const pad = (n: number) => String(n).padStart(2, '0')

// 1,000 more air conditioners next to the demo's own devices, all online.
const products = await loadProducts()
const ac = [...products.values()].find((product) => product.definition.name === '空调')!
const benchDids = Array.from({ length: DEVICES }, (_, index) => `BenchAc${String(index).padStart(15, '0')}`)
products.set(ac.definition.product_key, {
  ...ac,
  module: { ...ac.module, devices: [...ac.module.devices, ...benchDids.map((did, index) => ({ did, mac: index.toString(16).padStart(12, '0').replace(/^0/, 'b'), passcode: 'BENCHPASS1', online: true }))] },
})
const dir = mkdtempSync(join(tmpdir(), 'bench-scheduler-'))
const stores = openStores(join(dir, 'sandbox.db'))
const clock = new SandboxClock()
const world = new World(stores, products, clock)
const simulator = new DeviceSimulator(world.devices, world.bindings, 'still', () => 0)
const { uid } = world.accounts.userForPhoneId('bench-scheduler')
for (const did of benchDids) world.bindings.bind(uid, did, { role: 'owner' })

// The day starts at the next UTC midnight; schedules are made just before it.
const dayStart = Math.ceil(clock.nowMs() / DAY_MS) * DAY_MS + DAY_MS
clock.advance((dayStart - 60_000 - clock.nowMs()) / 1000)
const since = clock.nowMs()
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
const rows = Array.from({ length: SCHEDULES }, (_, index) => {
  const kind = index % 10
  const fields = {
    date: '', time: `${pad(pick(24))}:${pad(pick(60))}`, repeat: 'none', days: [] as number[], start_date: '', end_date: '', enabled: true, remark: '',
    attrs: { switch: index % 2 === 0, set_temp: 16 + pick(15) }, raw: '',
  }
  if (kind < 6) fields.repeat = WEEKDAYS.filter(() => random() < 0.6).join(',') || 'mon'
  else if (kind < 9) {
    fields.repeat = 'day'
    fields.days = [1 + pick(31), 1 + pick(31)]
  } else fields.date = dateOf(dayStart)
  const id = index.toString(16).padStart(24, '0')
  return { id, uid, api: 'device' as const, did: benchDids[index % DEVICES]!, group_id: '', scene_id: '', product_key: ac.definition.product_key, fields: JSON.stringify(fields), enabled: 1, created_at: '', since_ms: since, last_due_ms: null }
})
const insert = () => { for (const row of rows) stores.schedulers.put(row) }
const begin = Date.now()
insert()
const insertMs = Date.now() - begin

// The due times of the simulated day, from the same occurrence rule (the baseline's input).
const end = dayStart + DAY_MS
const dues: number[] = []
for (const row of rows) {
  const { fields } = load(row)
  for (let due = nextOccurrence(fields, since); due !== null && due <= end; due = nextOccurrence(fields, due)) dues.push(due)
}
dues.sort((a, b) => a - b)

global.gc?.()
const heapBefore = process.memoryUsage().heapUsed
const rssBefore = process.memoryUsage().rss
let fired = 0
let lateness: number[] = []
let stepStarted = 0n
const runner = scheduleRunner(world, simulator)
let answered = 0
let failed = 0
const scheduler = new Scheduler(stores.schedulers, clock, (schedule, finish, due) => runner(schedule, (result) => {
  if (result.status === 'succeed') answered++
  else failed++
  finish(result)
}, due))
scheduler.onFire = () => {
  fired++
  lateness.push(Number(process.hrtime.bigint() - stepStarted) / 1e6)
}
scheduler.start()
const queued = scheduler.queued
global.gc?.()
const heapQueued = process.memoryUsage().heapUsed - heapBefore
const rssQueued = process.memoryUsage().rss - rssBefore

// The day, minute by minute; device answers (setTimeout 0) are let through between minutes, as time would.
const yieldToDevices = () => new Promise((resolve) => setImmediate(resolve))
let inAdvanceNs = 0n
const runStart = process.hrtime.bigint()
for (let at = since + STEP_S * 1000; at <= end; at += STEP_S * 1000) {
  stepStarted = process.hrtime.bigint()
  clock.advance(STEP_S)
  inAdvanceNs += process.hrtime.bigint() - stepStarted
  await yieldToDevices()
}
while (answered + failed < fired) await new Promise((resolve) => setTimeout(resolve, 5))
const schedulerS = Number(process.hrtime.bigint() - runStart) / 1e9
const schedulerLateness = summarize(lateness)
global.gc?.()
const heapAfter = process.memoryUsage().heapUsed - heapBefore

// Baseline: a bare loop over the same sorted due times, stepping the same minutes, "firing" = counting.
lateness = []
let bareFired = 0
let cursor = 0
const bareStart = process.hrtime.bigint()
for (let at = since + STEP_S * 1000; at <= end; at += STEP_S * 1000) {
  stepStarted = process.hrtime.bigint()
  while (cursor < dues.length && dues[cursor]! <= at) {
    cursor++
    bareFired++
    lateness.push(Number(process.hrtime.bigint() - stepStarted) / 1e6)
  }
  await yieldToDevices()
}
const bareS = Number(process.hrtime.bigint() - bareStart) / 1e9
const bareLateness = summarize(lateness)

const logged = rows.reduce((sum, row) => sum + stores.schedulers.runsOf(row.id, 1000).length, 0)
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
console.log(`bench:scheduler — ${SCHEDULES} schedules on ${DEVICES} virtual devices, a simulated day in ${STEP_S} s steps (inserting them: ${insertMs} ms)`)
console.log(`occurrences due in the day: ${dues.length}; fired ${fired} (bare loop ${bareFired}), each once: ${fired === dues.length && logged === fired ? 'yes' : 'NO'}; device answers ${answered}, failed ${failed}`)
console.log(`scheduler: ${(fired / schedulerS).toFixed(0)} fires/s over the whole day (${schedulerS.toFixed(2)} s, claims + writes + answers); lateness after the minute's advance p50 ${schedulerLateness.p50.toFixed(2)} ms, p99 ${schedulerLateness.p99.toFixed(2)} ms`)
console.log(`  of which inside the clock advances (heap, batch claim, the device write handed over): ${(Number(inAdvanceNs) / 1e6).toFixed(0)} ms, ${(fired / (Number(inAdvanceNs) / 1e9)).toFixed(0)} fires/s; the rest is the virtual devices answering (each report stored) and the run results written`)
console.log(`bare loop: ${(bareFired / bareS).toFixed(0)} fires/s (${bareS.toFixed(3)} s, mostly the 1,440 yields); lateness p50 ${bareLateness.p50.toFixed(4)} ms, p99 ${bareLateness.p99.toFixed(4)} ms`)
console.log(`memory: ${queued} schedules queued, heap +${kib(heapQueued)} (${(heapQueued / SCHEDULES).toFixed(0)} B per schedule), RSS +${kib(rssQueued)}; heap after the day +${kib(heapAfter)}; bare loop's due array ${kib(dues.length * 8)}`)
scheduler.stop()
simulator.stop()
stores.close()
rmSync(dir, { recursive: true, force: true })
