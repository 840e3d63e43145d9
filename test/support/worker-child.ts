// `npm run worker` as the cluster tests run it (server/worker/run.ts, configured from the environment), with each
// stored event held WORKER_STORE_DELAY_MS before its ack — the window in which a kill leaves an event stored but
// unacknowledged — and a short notice claim (NOTICE_CLAIM_S), so a killed worker's notices are taken over in a test.
import { workerProcess } from '../../server/worker/run'

const delayMs = Number(process.env.WORKER_STORE_DELAY_MS ?? 0)
await workerProcess({
  afterStore: delayMs > 0 ? () => new Promise((resolve) => setTimeout(resolve, delayMs)) : undefined,
  noticeClaimS: process.env.NOTICE_CLAIM_S ? Number(process.env.NOTICE_CLAIM_S) : undefined,
  log: (message) => console.warn(`[worker] ${message}`),
})
