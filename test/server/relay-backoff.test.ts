// The BFF's cloud socket reconnects after a jittered wait (full jitter, random source injected) whose ceiling grows
// and is capped low, against a real WebSocket server that drops every connection at once.
import { afterEach, describe, expect, test } from 'vitest'
import { WebSocketServer } from 'ws'
import { CloudConnection } from '../../server/bff/relay/cloud-connection'

let server: WebSocketServer | undefined
let cloud: CloudConnection | undefined
afterEach(() => {
  cloud?.stop()
  server?.close()
})

async function delaysAgainstADroppingCloud(random: () => number, count: number): Promise<number[]> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((resolve) => server!.once('listening', resolve))
  server.on('connection', (socket) => socket.terminate())
  const { port } = server.address() as { port: number }
  cloud = new CloudConnection({
    url: `ws://127.0.0.1:${port}/ws/app/v1`,
    appId: 'test',
    credentials: async () => ({ uid: 'u', token: 't' }),
    timing: { backoffBaseMs: 20, backoffCapMs: 50 },
    random,
  })
  const delays: number[] = []
  const done = new Promise<void>((resolve) => cloud!.on('reconnecting', (delay) => {
    delays.push(delay)
    if (delays.length === count) resolve()
  }))
  cloud.start()
  await done
  cloud.stop()
  return delays
}

describe('cloud reconnect backoff', () => {
  test('should grow the ceiling up to the cap and wait at most the cap', async () => {
    expect(await delaysAgainstADroppingCloud(() => 1, 5)).toEqual([20, 40, 50, 50, 50])
  })

  test('should draw each wait at random below the ceiling', async () => {
    expect(await delaysAgainstADroppingCloud(() => 0.5, 4)).toEqual([20, 30, 35, 35])
  })
})
