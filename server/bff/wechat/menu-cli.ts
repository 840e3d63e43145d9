// `npm run wechat:menu -- create|get|delete`: the Official Account's custom menu from menu.config.json.
// With no cloud configured it talks to the sandbox of a running `npm start` (SANDBOX_PORT).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError, loadConfig } from '../config'
import { AccessTokenSource } from './access-token'
import { WeChatApiError } from './errors'
import { buildMenu, MenuClient, type MenuEntry } from './menu'
import { memoryTokenCache } from './token-cache'

const action = process.argv[2]
if (action !== 'create' && action !== 'get' && action !== 'delete') {
  console.error('usage: npm run wechat:menu -- create|get|delete')
  process.exit(2)
}

try {
  const config = loadConfig()
  const apiBase = config.sandboxMode ? `http://127.0.0.1:${config.sandboxPort}` : config.wechat.apiBase
  const publicUrl = config.publicUrl ?? (config.sandboxMode ? `http://localhost:${config.port}` : null)
  if (!publicUrl) throw new ConfigError('PUBLIC_URL', 'required to build menu links for real clouds')
  const client = new MenuClient(apiBase, new AccessTokenSource({ appId: config.wechat.appId, appSecret: config.wechat.appSecret, apiBase }, memoryTokenCache()))
  const entries = (JSON.parse(readFileSync(join(import.meta.dirname, 'menu.config.json'), 'utf8')) as { button: MenuEntry[] }).button
  if (action === 'create') {
    const menu = buildMenu(entries, publicUrl)
    await client.create(menu)
    console.log(`menu created:\n${JSON.stringify(menu, null, 2)}`)
  } else if (action === 'get') {
    console.log(JSON.stringify(await client.get(), null, 2))
  } else {
    await client.delete()
    console.log('menu deleted')
  }
} catch (error) {
  if (error instanceof ConfigError) console.error(`Configuration error — ${error.message}`)
  else if (error instanceof WeChatApiError) console.error(`WeChat refused: ${error.errcode} ${error.errmsg}`)
  else console.error(`Could not reach WeChat: ${(error as Error).message} (is \`npm start\` running for the sandbox?)`)
  process.exit(1)
}
