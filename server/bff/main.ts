// `npm start`: the sandbox (when no real cloud is configured), the SPA (built if missing) and the BFF.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from './app'
import { ConfigError, keepSecretsInDataDir, loadConfig, type Config } from './config'
import type { Context } from './context'
import { gracefulStop } from './cluster/graceful'
import { DatabaseError, openDatabase } from './store/database'
import { buildMenu, MenuClient, type MenuEntry } from './wechat/menu'
import { DEMO_ALERT_TEMPLATE_ID, DEMO_SUBSCRIBE_TEMPLATE_ID, startSandbox, type Sandbox } from '../sandbox/index'
import { startWorker, type EventWorker } from '../worker/event-worker'

const root = join(import.meta.dirname, '..', '..')

async function createSandboxMenu(config: Config, context: Context): Promise<void> {
  const entries = (JSON.parse(readFileSync(join(import.meta.dirname, 'wechat', 'menu.config.json'), 'utf8')) as { button: MenuEntry[] }).button
  await new MenuClient(config.wechat.apiBase, context.wechat.accessToken).create(buildMenu(entries, config.publicUrl ?? `http://localhost:${config.port}`))
}

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 })
    keepSecretsInDataDir(config)
    // Checked before anything starts, so a damaged or missing database stops the start with what to do about it.
    openDatabase(join(config.dataDir, 'app.db')).close()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error — ${error.message}`)
      process.exit(1)
    }
    if (error instanceof DatabaseError) {
      console.error(`Database error — ${error.message}`)
      process.exit(1)
    }
    throw error
  }

  let sandbox: Sandbox | undefined
  if (config.sandboxMode) {
    sandbox = await startSandbox({
      port: config.sandboxPort,
      dataFile: join(config.dataDir, 'sandbox.db'),
      gizwitsAppId: config.gizwits.appId,
      wechatAppId: config.wechat.appId,
      wechatAppSecret: config.wechat.appSecret,
      behaviour: config.sandboxBehaviour,
      wechatToken: config.wechat.pushToken ?? undefined,
      wechatAesKey: config.wechat.aesKey ?? undefined,
      // localhost, like the browser: links in replies then reach the app with the same cookies.
      pushUrl: `http://localhost:${config.port}/wechat/push`,
      appUrl: config.publicUrl ?? `http://localhost:${config.port}`,
      labelKey: config.labelKey ?? undefined,
    })
    config.gizwits.apiBase = sandbox.url
    config.wechat.apiBase = sandbox.url
    for (const product of sandbox.products) config.gizwits.products.set(product.product_key, product.product_secret)
  }

  if (!existsSync(join(root, 'dist', 'index.html'))) {
    console.log('Building the SPA (first start)…')
    const { build } = await import('vite')
    await build({ root, logLevel: 'warn' })
  }

  const { app, context } = await buildApp(config, { logger: process.env.LOG === '1' })
  await app.listen({ port: config.port, host: config.host })
  // On the sandbox the vendor's worker runs in this process: SNoti's port, certificate and credentials exist
  // only here. With real clouds it is its own process (`npm run worker`, server/worker/README.md).
  let worker: EventWorker | undefined
  if (sandbox) {
    worker = startWorker({
      db: openDatabase(join(config.dataDir, 'app.db')),
      snoti: { host: sandbox.snoti.host, port: sandbox.snoti.port, ca: sandbox.snoti.ca, credentials: sandbox.snoti.credentials, subkey: 'vendor_worker' },
      gizwits: { apiBase: config.gizwits.apiBase, appId: config.gizwits.appId },
      wechat: { apiBase: config.wechat.apiBase, appId: config.wechat.appId, appSecret: config.wechat.appSecret, alertTemplateId: process.env.WECHAT_ALERT_TEMPLATE_ID || DEMO_ALERT_TEMPLATE_ID,
        subscribeTemplateId: process.env.WECHAT_SUBSCRIBE_TEMPLATE_ID || DEMO_SUBSCRIBE_TEMPLATE_ID },
      appUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    })
  }
  // On the sandbox the Official Account gets its menu at once, through the same API a real one uses.
  if (sandbox) await createSandboxMenu(config, context).catch((error: Error) => console.warn(`sandbox menu not created: ${error.message}`))
  const shown = config.publicUrl ?? `http://localhost:${config.port}`
  console.log(`Open ${shown}${sandbox ? `  — or the sandbox's WeChat at http://localhost:${sandbox.port}/wechat/ (Gizwits + WeChat stand-in at ${sandbox.url})` : ''}`)

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    // Graceful (server/bff/cluster/graceful.ts): pages told to reconnect, commands in flight finished, then closed.
    await Promise.all([worker?.drain(), gracefulStop(app, context)])
    await sandbox?.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}

await main()
