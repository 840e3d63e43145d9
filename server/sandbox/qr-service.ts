// Gizwits' QR service as the sandbox plays it: each device gets an opaque code only the cloud can read back
// (`bind_latest`). The real content is encrypted; here it is a keyed hash of the did, just as unreadable to apps.
import { createHmac } from 'node:crypto'
import type { World } from './world'

const SERVICE_KEY = 'sandbox-gizwits-qr-service'

export function qrServiceContent(did: string): string {
  return `GZQR${createHmac('sha256', SERVICE_KEY).update(did).digest('hex').slice(0, 40).toUpperCase()}`
}

export function deviceForQrContent(world: World, content: string): string | undefined {
  return [...world.devices.keys()].find((did) => qrServiceContent(did) === content.trim())
}
