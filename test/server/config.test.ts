import { describe, expect, test } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config'

const real = {
  GIZWITS_API_BASE: 'https://api.gizwits.com',
  WECHAT_OPEN_BASE: 'https://open.weixin.qq.com',
  WECHAT_API_BASE: 'https://api.weixin.qq.com',
  GIZWITS_APP_ID: '0123456789abcdef0123456789abcdef',
  GIZWITS_PRODUCTS: '0123456789abcdef0123456789abcdef:secret',
  WECHAT_APP_ID: 'wx0123456789abcdef',
  WECHAT_APP_SECRET: 'secret',
  SESSION_SECRET: 'x'.repeat(32),
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
  })
})
