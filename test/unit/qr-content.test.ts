import { describe, expect, test } from 'vitest'
import { readQrContent, routeFor } from '@/wechat/qr-content'

const PK = '4214bf2d79694a259232431b6f2ef46b'

describe('scanned codes', () => {
  test('should read each form a device or an invitation may carry', () => {
    expect(readQrContent(`https://iot.example.com/bind?product_key=${PK}&mac=AC:CF:23:50:D4:49`)).toEqual({ kind: 'label', productKey: PK, mac: 'accf2350d449' })
    expect(readQrContent(`http://www.gizwits.com?product_key=${PK}&did=D1&passcode=P1`)).toEqual({ kind: 'device', productKey: PK, did: 'D1', passcode: 'P1' })
    expect(readQrContent('GZQR0123456789ABCDEF0123456789ABCDEF01234567')).toEqual({ kind: 'gizwits-qr', content: 'GZQR0123456789ABCDEF0123456789ABCDEF01234567' })
    expect(readQrContent('type=share&code=60a6cacabe4046f4aa25ac1f79d81a4f')).toEqual({ kind: 'share', code: '60a6cacabe4046f4aa25ac1f79d81a4f' })
    expect(readQrContent(`https://shop.example.com/?product_key=${PK}&mac=nope`).kind).toBe('unknown')
    expect(readQrContent('你好，世界').kind).toBe('unknown')
  })

  test('should open the bind page for device codes and the share page for invitations', () => {
    expect(routeFor({ kind: 'label', productKey: PK, mac: 'accf2350d449' })).toEqual({ path: '/bind', query: { product_key: PK, mac: 'accf2350d449' } })
    expect(routeFor({ kind: 'gizwits-qr', content: 'GZQR1' })).toEqual({ path: '/bind', query: { qr: 'GZQR1' } })
    expect(routeFor({ kind: 'share', code: 'abc' })).toEqual({ path: '/share', query: { code: 'abc' } })
    expect(routeFor({ kind: 'unknown', text: 'x' })).toBeNull()
  })
})
