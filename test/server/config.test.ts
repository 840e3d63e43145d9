import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { ConfigError, keepSecretsInDataDir, loadConfig } from '../../server/bff/config'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h5-config-'))
  dirs.push(dir)
  return dir
}

const real = {
  GIZWITS_API_BASE: 'https://api.gizwits.com',
  WECHAT_OPEN_BASE: 'https://open.weixin.qq.com',
  WECHAT_API_BASE: 'https://api.weixin.qq.com',
  GIZWITS_APP_ID: '0123456789abcdef0123456789abcdef',
  GIZWITS_PRODUCTS: '0123456789abcdef0123456789abcdef:secret',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'secret',
  SESSION_SECRET: 'x'.repeat(32),
  DATA_KEY: 'd'.repeat(32),
  PUBLIC_URL: 'https://h5.example.com',
}

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('config', () => {
  test('should run on the sandbox with defaults when nothing is set', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 8080, sandboxPort: 8081, dataDir: './data', sandboxMode: true, sandboxBehaviour: 'live' })
    expect(config.sessionSecret.length).toBeGreaterThanOrEqual(32)
    expect(config.dataKey.length).toBeGreaterThanOrEqual(32)
    expect(config.trustProxy).toBe(false)
  })

  test('should take a complete real-cloud configuration', () => {
    const config = loadConfig(real)
    expect(config.sandboxMode).toBe(false)
    expect(config.gizwits.products.get('0123456789abcdef0123456789abcdef')).toBe('secret')
  })

  test('should name the setting that is wrong', () => {
    expect(errorOf({ PORT: 'abc' }).setting).toBe('PORT')
    expect(errorOf({ GIZWITS_API_BASE: 'https://api.gizwits.com' }).message).toContain('WECHAT_OPEN_BASE, WECHAT_API_BASE')
    expect(errorOf({ ...real, SESSION_SECRET: '' }).setting).toBe('SESSION_SECRET')
    expect(errorOf({ ...real, GIZWITS_PRODUCTS: 'nope' }).setting).toBe('GIZWITS_PRODUCTS')
    expect(errorOf({ ...real, GIZWITS_API_BASE: 'ftp://x' }).setting).toBe('GIZWITS_API_BASE')
    expect(errorOf({ ...real, WECHAT_APP_ID: 'nope' }).setting).toBe('WECHAT_APP_ID')
    expect(errorOf({ SANDBOX_BEHAVIOUR: 'wild' }).setting).toBe('SANDBOX_BEHAVIOUR')
    expect(errorOf({ ...real, PUBLIC_URL: '' }).setting).toBe('PUBLIC_URL')
    expect(errorOf({ ...real, WECHAT_TOKEN: 'no spaces allowed' }).setting).toBe('WECHAT_TOKEN')
    expect(errorOf({ ...real, WECHAT_AES_KEY: 'short' }).setting).toBe('WECHAT_AES_KEY')
    expect(errorOf({ ...real, DATA_KEY: '' }).setting).toBe('DATA_KEY')
    expect(errorOf({ ...real, DATA_KEY: 'short' }).message).toContain('at least 32')
    expect(errorOf({ DATA_KEY: 'short' }).setting).toBe('DATA_KEY')
    expect(errorOf({ TRUST_PROXY: 'yes' }).setting).toBe('TRUST_PROXY')
    expect(errorOf({ TRUST_PROXY: '10.0.0.0/40' }).setting).toBe('TRUST_PROXY')
    expect(errorOf({ TRUST_PROXY: '2' }).message).toContain('addresses or CIDR ranges instead')
  })

  test('should take TRUST_PROXY as Fastify does: off by default, true/false, or proxy addresses', () => {
    expect(loadConfig({ ...real }).trustProxy).toBe(false)
    expect(loadConfig({ ...real, TRUST_PROXY: 'true' }).trustProxy).toBe(true)
    expect(loadConfig({ ...real, TRUST_PROXY: 'false' }).trustProxy).toBe(false)
    expect(loadConfig({ ...real, TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'loopback'])
  })

  test('should generate missing secrets once in sandbox mode and keep them in DATA_DIR, owner-only', () => {
    const dataDir = tempDir()
    const first = loadConfig({ DATA_DIR: dataDir })
    expect(first.generatedSecrets).toEqual(['SESSION_SECRET', 'DATA_KEY'])
    keepSecretsInDataDir(first)
    const second = loadConfig({ DATA_DIR: dataDir })
    expect(second.sessionSecret).not.toBe(first.sessionSecret)
    keepSecretsInDataDir(second)
    expect(second.sessionSecret).toBe(first.sessionSecret)
    expect(second.dataKey).toBe(first.dataKey)
    for (const name of ['session-secret', 'data-key']) expect((statSync(join(dataDir, name)).mode & 0o777).toString(8)).toBe('600')
    expect(readFileSync(join(dataDir, 'session-secret'), 'utf8').trim()).toBe(first.sessionSecret)

    // A file an older copy or a hand left readable is made owner-only; a configured secret is never written.
    chmodSync(join(dataDir, 'data-key'), 0o644)
    const configured = loadConfig({ DATA_DIR: dataDir, SESSION_SECRET: 's'.repeat(40) })
    keepSecretsInDataDir(configured)
    expect(configured.sessionSecret).toBe('s'.repeat(40))
    expect((statSync(join(dataDir, 'data-key')).mode & 0o777).toString(8)).toBe('600')

    writeFileSync(join(dataDir, 'session-secret'), 'short')
    expect(() => keepSecretsInDataDir(loadConfig({ DATA_DIR: dataDir }))).toThrow(/session-secret holds fewer than 32 characters/)
  })
})
