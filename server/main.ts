// `npm start`: the sandbox (when no real cloud is configured), the SPA (built if missing) and the BFF.
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { buildApp } from './app'
import { ConfigError, loadConfig, type Config } from './config'
import { startSandbox, type Sandbox } from './sandbox/sandbox'

const root = join(import.meta.dirname, '..')

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error — ${error.message}`)
      process.exit(1)
    }
    throw error
  }
  mkdirSync(config.dataDir, { recursive: true })

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
      pushUrl: `http://127.0.0.1:${config.port}/wechat/push`,
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

  const { app } = await buildApp(config, { logger: process.env.LOG === '1' })
  await app.listen({ port: config.port, host: config.host })
  const shown = config.publicUrl ?? `http://localhost:${config.port}`
  console.log(`Open ${shown}${sandbox ? `  (sandbox Gizwits + WeChat at ${sandbox.url}; demo users listed at ${sandbox.url}/sandbox/users)` : ''}`)

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await app.close()
    await sandbox?.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown())
  process.once('SIGTERM', () => void shutdown())
}

await main()
