import { describe, expect, test } from 'vitest'
import { readLanAnnouncement } from '@/wechat/lan-announcement'
import { readQrContent, routeFor } from '@/wechat/qr-content'

const PK = '4214bf2d79694a259232431b6f2ef46b'

describe('scanned codes', () => {
  test('should read each form a device or an invitation may carry', () => {
    expect(readQrContent(`https://iot.example.com/bind?product_key=${PK}&mac=AC:CF:23:50:D4:49&sig=Ab3_-x9Yz012`)).toEqual({ kind: 'label', productKey: PK, mac: 'accf2350d449', sig: 'Ab3_-x9Yz012' })
    // An old label (no signature, or a damaged one) is still recognised, so the bind page can say what to do.
    expect(readQrContent(`https://iot.example.com/bind?product_key=${PK}&mac=AC:CF:23:50:D4:49`)).toEqual({ kind: 'label', productKey: PK, mac: 'accf2350d449', sig: null })
    expect(readQrContent(`https://iot.example.com/bind?product_key=${PK}&mac=accf2350d449&sig=short`)).toEqual({ kind: 'label', productKey: PK, mac: 'accf2350d449', sig: null })
    expect(readQrContent(`http://www.gizwits.com?product_key=${PK}&did=D1&passcode=P1`)).toEqual({ kind: 'device', productKey: PK, did: 'D1', passcode: 'P1' })
    expect(readQrContent('GZQR0123456789ABCDEF0123456789ABCDEF01234567')).toEqual({ kind: 'gizwits-qr', content: 'GZQR0123456789ABCDEF0123456789ABCDEF01234567' })
    expect(readQrContent('type=share&code=60a6cacabe4046f4aa25ac1f79d81a4f')).toEqual({ kind: 'share', code: '60a6cacabe4046f4aa25ac1f79d81a4f' })
    expect(readQrContent(`https://shop.example.com/?product_key=${PK}&mac=nope`).kind).toBe('unknown')
    expect(readQrContent('你好，世界').kind).toBe('unknown')
  })

  test('should read a home\'s invitation link from any of our hosts, and nothing that only looks like one', () => {
    const code = '0123456789abcdef0123456789abcdef'
    expect(readQrContent(`https://iot.example.com/homes/join?code=${code}`)).toEqual({ kind: 'home-invite', code })
    expect(readQrContent(`  http://localhost:8080/homes/join?code=${code}\n`)).toEqual({ kind: 'home-invite', code })
    // A damaged or foreign code, another path, or no code at all: not a home invitation.
    expect(readQrContent(`https://iot.example.com/homes/join?code=${code.slice(1)}`).kind).toBe('unknown')
    expect(readQrContent(`https://iot.example.com/homes/join?code=${code.toUpperCase()}`).kind).toBe('unknown')
    expect(readQrContent(`https://iot.example.com/homes?code=${code}`).kind).toBe('unknown')
    expect(readQrContent('https://iot.example.com/homes/join').kind).toBe('unknown')
    // A device share's link stays a device share.
    expect(readQrContent(`https://iot.example.com/share?code=${code}`)).toEqual({ kind: 'share', code })
  })

  test('should open the bind page for device codes, the share page for device invitations and the join page for homes', () => {
    expect(routeFor({ kind: 'label', productKey: PK, mac: 'accf2350d449', sig: 'Ab3_-x9Yz012' })).toEqual({ path: '/bind', query: { product_key: PK, mac: 'accf2350d449', sig: 'Ab3_-x9Yz012' } })
    expect(routeFor({ kind: 'label', productKey: PK, mac: 'accf2350d449', sig: null })).toEqual({ path: '/bind', query: { product_key: PK, mac: 'accf2350d449' } })
    expect(routeFor({ kind: 'gizwits-qr', content: 'GZQR1' })).toEqual({ path: '/bind', query: { qr: 'GZQR1' } })
    expect(routeFor({ kind: 'share', code: 'abc' })).toEqual({ path: '/share', query: { code: 'abc' } })
    expect(routeFor({ kind: 'home-invite', code: 'abc' })).toEqual({ path: '/homes/join', query: { code: 'abc' } })
    expect(routeFor({ kind: 'unknown', text: 'x' })).toBeNull()
  })
})

describe('LAN discovery answers', () => {
  const answer = (payload: string) => ({ deviceId: 'accf2350d449', base64Data: btoa(payload) })

  test('should read our devices\' announcement, with the passcode only while it is given', () => {
    expect(readLanAnnouncement(answer(`product_key=${PK}&did=Nw1eRxAx7vV3wOb6Zf9UdM&mac=accf2350d449&passcode=ABCDEFGHIJ`)))
      .toEqual({ productKey: PK, did: 'Nw1eRxAx7vV3wOb6Zf9UdM', mac: 'accf2350d449', passcode: 'ABCDEFGHIJ' })
    expect(readLanAnnouncement(answer(`product_key=${PK}&did=Nw1eRxAx7vV3wOb6Zf9UdM&mac=accf2350d449`))?.passcode).toBeNull()
  })

  test('should ignore answers that are not ours or not well formed', () => {
    expect(readLanAnnouncement({ deviceId: 'accf2350d449' })).toBeNull()
    expect(readLanAnnouncement({ deviceId: 'x', base64Data: '%%%not base64' })).toBeNull()
    expect(readLanAnnouncement(answer(`product_key=nope&did=D1&mac=accf2350d449`))).toBeNull()
    expect(readLanAnnouncement(answer(`product_key=${PK}&did=../../x&mac=accf2350d449`))).toBeNull()
    expect(readLanAnnouncement(answer(`product_key=${PK}&did=D1&mac=accf2350d449&passcode=<script>`))?.passcode).toBeNull()
  })
})
