// The operator page across two BFFs behind nginx on real Redis (test/support/cluster-stack.ts): each instance writes
// its figures as a heartbeat into the cluster's Redis (server/bff/ops/heartbeats.ts), so the page of either lists
// both with their own connections, and the cluster's commands add up whichever BFF relayed them. An instance
// stopped with SIGTERM leaves the list at once.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { OpsFigures } from '../../server/bff/ops/figures'
import { cmd, FIRST_USER, FrameRecorder, LIVING_ROOM_AC } from '../support/backend'
import { startClusterStack, type ClusterStack } from '../support/cluster-stack'
import { loginThroughSandbox } from '../support/login'

const TOKEN = 'cluster-operator-token-0123456789'
let stack: ClusterStack

beforeAll(async () => {
  stack = await startClusterStack({ bffs: 2, env: { OPERATOR_TOKEN: TOKEN } })
})
afterAll(async () => {
  await stack?.stop()
})

async function operatorCookie(base: string): Promise<string> {
  const response = await fetch(`${base}/ops/login`, { method: 'POST', headers: { origin: stack.nginx.url, 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) })
  expect(response.status).toBe(204)
  return response.headers.getSetCookie().find((line) => line.startsWith('h5_ops='))!.split(';')[0]
}

const figuresFrom = async (base: string, cookie: string) => (await fetch(`${base}/ops/figures`, { headers: { cookie } })).json() as Promise<OpsFigures>

test('either BFF lists both instances with their own pages, and the commands of both add up', async () => {
  // Signed in on BFF-1; the cookie is good on BFF-2 too (SESSION_SECRET and OPERATOR_TOKEN are the cluster's).
  const cookie = await operatorCookie(stack.bffUrls[0])
  const user = await loginThroughSandbox(stack.nginx.url, FIRST_USER)
  // A page held by BFF-2 only.
  const page = await FrameRecorder.open(`${stack.bffUrls[1].replace('http', 'ws')}/ws`, { cookie: user, origin: stack.nginx.url })
  await page.next(cmd('s2c_cloud_status'), 5000)
  page.send({ cmd: 'subscribe_req', data: [{ did: LIVING_ROOM_AC }] })
  await page.next(cmd('subscribe_res'), 5000)
  page.send({ cmd: 'c2s_write', req_sn: 1, id: 'cluster-ops-command-1', data: { did: LIVING_ROOM_AC, attrs: { set_temp: 23 } } })
  await page.next((frame) => frame.cmd === 's2c_noti' && frame.res_sn === 1, 5000)

  // Read on BFF-1: BFF-2's page and command arrive with its next heartbeat (every 5 s).
  await expect.poll(async () => {
    const figures = await figuresFrom(stack.bffUrls[0], cookie)
    return figures.instances.map((instance) => ({ id: instance.id, role: instance.role, pages: instance.connections?.pages }))
  }, { timeout: 15_000, interval: 500 }).toEqual([{ id: 'bff-1', role: 'bff', pages: 0 }, { id: 'bff-2', role: 'bff', pages: 1 }])
  await expect.poll(async () => (await figuresFrom(stack.bffUrls[0], cookie)).commands.total.confirmed, { timeout: 15_000, interval: 500 }).toBeGreaterThanOrEqual(1)
  const fromTwo = await figuresFrom(stack.bffUrls[1], cookie)
  expect(fromTwo.instances.map((instance) => instance.id)).toEqual(['bff-1', 'bff-2'])
  page.close()

  // BFF-2 stopped gracefully: gone from BFF-1's list at once, not after its heartbeat expires.
  await stack.killBff(1, 'SIGTERM')
  expect((await figuresFrom(stack.bffUrls[0], cookie)).instances.map((instance) => instance.id)).toEqual(['bff-1'])
})
