// One sandbox process at a vendor's scale: DEVICES (10,000) generated virtual devices (server/sandbox/fleet.ts) each
// reporting its whole status once per REPORT_S (60 s: a sensor reporting once a minute), with the vendor's SNoti
// consumer connected and acknowledging every event (the worker's own client, server/worker/snoti-client.ts), against
// the same sandbox with no fleet (the demo's shelf only, same behaviour, same consumer) in the same run.
// Figures: resident memory (median of samples over the window) and its growth per device, CPU of the sandbox process
// (user + system time over the window, as % of one core), events delivered per second against the reports expected,
// and the sandbox's SQLite store per device at the end.
// Run: npm run bench:sandbox-scale   (DEVICES=10000 REPORT_S=60 WARMUP_S=20 WINDOW_S=60 to change it)
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SnotiClient } from '../server/worker/snoti-client'
import { freePort } from '../test/support/free-port'
import { waitUntilUp } from '../test/support/wait-until-up'
import { rssMiB } from './support/stats'

const DEVICES = Number(process.env.DEVICES ?? 10_000)
const REPORT_S = Number(process.env.REPORT_S ?? 60)
const WARMUP_S = Number(process.env.WARMUP_S ?? 20)
const WINDOW_S = Number(process.env.WINDOW_S ?? 60)
const root = join(import.meta.dirname, '..')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** user + system CPU seconds of a process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The sandbox derives each product's SNoti credentials from its secret (server/sandbox/snoti/): so does the bench. */
function credentials(products: Array<{ product_key: string; product_secret: string }>) {
  const digest = (label: string, secret: string) => createHash('sha256').update(`${label}:${secret}`).digest('hex')
  return products.map((p) => ({ product_key: p.product_key, auth_id: digest('snoti-auth-id', p.product_secret).slice(0, 22), auth_secret: digest('snoti-auth-secret', p.product_secret).slice(0, 32) }))
}

interface Result { devices: number; rssMiB: number; cpuPercent: number; eventsPerS: number; expectedPerS: number; storeBytes: number; startS: number }

async function run(devices: number): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'h5-sandbox-scale-'))
  const port = await freePort()
  const snotiPort = await freePort()
  let log = ''
  const started = Date.now()
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/sandbox/main.ts'], {
    cwd: root,
    env: { ...process.env, SANDBOX_PORT: String(port), SNOTI_PORT: String(snotiPort), DATA_DIR: dataDir, SANDBOX_BEHAVIOUR: 'live', SANDBOX_FLEET: String(devices), SANDBOX_FLEET_REPORT_S: String(REPORT_S) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => (log += chunk))
  child.stderr?.on('data', (chunk) => (log += chunk))
  const url = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(`${url}/sandbox/products`, child, () => log, 120_000)
    while (!existsSync(join(dataDir, 'snoti-ca.crt'))) await sleep(100)
    const startS = (Date.now() - started) / 1000
    const products = (await (await fetch(`${url}/sandbox/products`)).json()) as Array<{ product_key: string; product_secret: string }>
    let events = 0
    const consumer = new SnotiClient({
      endpoint: { host: '127.0.0.1', port: snotiPort, ca: readFileSync(join(dataDir, 'snoti-ca.crt'), 'utf8'), credentials: credentials(products), subkey: 'bench_scale' },
      prefetch: 500,
      log: () => {},
      onEvent: async () => void events++,
    })
    consumer.start()
    await sleep(WARMUP_S * 1000)
    const pid = child.pid!
    const cpuStart = cpuSeconds(pid)
    const eventsStart = events
    const rss: number[] = []
    const windowStart = Date.now()
    while (Date.now() - windowStart < WINDOW_S * 1000) {
      await sleep(2000)
      rss.push(rssMiB(pid))
    }
    const seconds = (Date.now() - windowStart) / 1000
    const result = {
      devices,
      rssMiB: median(rss),
      cpuPercent: ((cpuSeconds(pid) - cpuStart) / seconds) * 100,
      eventsPerS: (events - eventsStart) / seconds,
      expectedPerS: devices / REPORT_S,
      storeBytes: ['sandbox.db', 'sandbox.db-wal'].reduce((sum, name) => sum + (existsSync(join(dataDir, name)) ? statSync(join(dataDir, name)).size : 0), 0),
      startS,
    }
    consumer.stop()
    return result
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(5000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
}

console.log(`sandbox-scale: ${DEVICES} fleet devices, one report each per ${REPORT_S} s, warm-up ${WARMUP_S} s, window ${WINDOW_S} s`)
const baseline = await run(0)
const fleet = await run(DEVICES)
const row = (name: string, r: Result) =>
  `${name.padEnd(22)} start ${r.startS.toFixed(1).padStart(5)} s  RSS ${r.rssMiB.toFixed(1).padStart(7)} MiB  CPU ${r.cpuPercent.toFixed(1).padStart(5)} % of a core  SNoti events ${r.eventsPerS.toFixed(1).padStart(7)}/s (fleet reports expected ${r.expectedPerS.toFixed(1)}/s)  store ${(r.storeBytes / 1048576).toFixed(1)} MiB`
console.log(row('baseline (demo shelf)', baseline))
console.log(row(`fleet of ${DEVICES}`, fleet))
const extraRss = fleet.rssMiB - baseline.rssMiB
console.log(`memory per device: ${((extraRss * 1048576) / DEVICES / 1024).toFixed(2)} KiB resident (${extraRss.toFixed(1)} MiB for ${DEVICES})`)
console.log(`CPU per 1,000 devices: ${(((fleet.cpuPercent - baseline.cpuPercent) / DEVICES) * 1000).toFixed(2)} % of a core (at one report per device per ${REPORT_S} s)`)
console.log(`store per device: ${((fleet.storeBytes - baseline.storeBytes) / DEVICES / 1024).toFixed(2)} KiB after ${WARMUP_S + WINDOW_S} s`)
console.log(`delivered: ${(fleet.eventsPerS - baseline.eventsPerS).toFixed(1)} fleet events/s of ${fleet.expectedPerS.toFixed(1)} expected`)
process.exit(0)
