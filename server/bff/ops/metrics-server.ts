// /metrics in Prometheus' text format, on a port of its own (METRICS_PORT, bound to METRICS_HOST, 127.0.0.1 unless
// set): unauthenticated, so it must never be the public port, where /metrics is simply not a route (404). Off when
// METRICS_PORT is unset. A plain node:http server: nothing of the BFF's plugins, cookies or routes is reachable here.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { registry } from './metrics'

export interface MetricsServer { port: number; close: () => Promise<void> }

/** `beforeScrape` refreshes gauges read from elsewhere (devices online, the quota) before the registry is read. */
export async function startMetricsServer(port: number, host: string, beforeScrape: () => Promise<void> = async () => {}): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0]
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n')
      return
    }
    beforeScrape()
      .catch(() => {})
      .then(() => registry.metrics())
      .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text))
      .catch((error: Error) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${error.message}\n`))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
