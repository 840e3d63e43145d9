import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DEMO_WECHAT_APP_ID, DEMO_WECHAT_APP_SECRET } from '../../server/sandbox/demo-defaults'
import type { Sandbox } from '../../server/sandbox/sandbox'
import { AccessTokenSource } from '../../server/bff/wechat/access-token'
import { buildMenu, MenuClient, type MenuButton, type MenuEntry } from '../../server/bff/wechat/menu'
import { memoryTokenCache } from '../../server/bff/wechat/token-cache'
import { startTestSandbox } from '../support/backend'

const root = join(import.meta.dirname, '..', '..')
const entries = (JSON.parse(readFileSync(join(root, 'server/bff/wechat/menu.config.json'), 'utf8')) as { button: MenuEntry[] }).button

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startTestSandbox()
})
afterAll(async () => {
  await sandbox.close()
})

describe('custom menu', () => {
  test('should open our pages through the silent login, with the page as next', () => {
    const menu = buildMenu(entries, 'https://h5.example.com')
    expect(menu.button[0]).toEqual({ type: 'view', name: '我的设备', url: 'https://h5.example.com/auth/wechat/login?next=%2F' })
    expect(menu.button[1].sub_button?.map((button) => button.url)).toEqual([
      'https://h5.example.com/auth/wechat/login?next=%2Fscan',
      'https://h5.example.com/auth/wechat/login?next=%2Fwifi-setup',
    ])
    expect(menu.button[2]).toEqual({ type: 'click', name: '帮助', key: 'HELP' })
  })

  test('should be created, read back and deleted on the sandbox, which checks it as WeChat does', async () => {
    const client = new MenuClient(sandbox.url, new AccessTokenSource({ appId: DEMO_WECHAT_APP_ID, appSecret: DEMO_WECHAT_APP_SECRET, apiBase: sandbox.url }, memoryTokenCache()))
    await expect(client.get()).rejects.toMatchObject({ errcode: 46003 })
    const menu = buildMenu(entries, 'http://localhost:8080')
    await client.create(menu)
    // menu/get answers as WeChat does: every button carries sub_button, [] for a leaf; and that answer can be sent back.
    const withSubButtons = (button: MenuButton): MenuButton => ({ ...button, sub_button: (button.sub_button ?? []).map(withSubButtons) })
    const served = (await client.get()).menu
    expect(served).toEqual({ button: menu.button.map(withSubButtons) })
    await client.create(served)
    await expect(client.create({ button: [] })).rejects.toMatchObject({ errcode: 40016 })
    await expect(client.create({ button: [{ type: 'view', name: '一个名字长得超过了十六个字节', url: 'http://x' }] })).rejects.toMatchObject({ errcode: 40018 })
    await expect(client.create({ button: [{ type: 'click', name: 'ok' }] })).rejects.toMatchObject({ errcode: 40019 })
    await client.delete()
    await expect(client.get()).rejects.toMatchObject({ errcode: 46003 })
  })

  test('should be managed from the command line', async () => {
    const run = promisify(execFile)
    const env = { ...process.env, SANDBOX_PORT: String(sandbox.port), PORT: '8080', PUBLIC_URL: '' }
    const created = await run(process.execPath, ['--import', 'tsx', 'server/bff/wechat/menu-cli.ts', 'create'], { cwd: root, env })
    expect(created.stdout).toContain('menu created')
    const read = await run(process.execPath, ['--import', 'tsx', 'server/bff/wechat/menu-cli.ts', 'get'], { cwd: root, env })
    expect(read.stdout).toContain('http://localhost:8080/auth/wechat/login?next=%2Fscan')
    await expect(run(process.execPath, ['--import', 'tsx', 'server/bff/wechat/menu-cli.ts', 'nonsense'], { cwd: root, env })).rejects.toMatchObject({ code: 2 })
  })
})
