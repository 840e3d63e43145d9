import { describe, expect, test } from 'vitest'
import { isInWeChat, isIOS, landingUrl, urlToSign } from '@/wechat/environment'
import { kindOf } from '@/wechat/jssdk'
import { readQrContent } from '@/wechat/qr-content'

const ANDROID = 'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 MicroMessenger/8.0.50'
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50'

describe('WeChat environment', () => {
  test('should recognise the WeChat client and iOS', () => {
    expect(isInWeChat(ANDROID)).toBe(true)
    expect(isInWeChat('Mozilla/5.0 Chrome/120')).toBe(false)
    expect(isIOS(IPHONE)).toBe(true)
    expect(isIOS(ANDROID)).toBe(false)
  })

  test('should sign the landing URL on iOS and the current URL without its hash on Android', () => {
    expect(urlToSign(IPHONE, 'http://h5.example.com/scan?x=1#top')).toBe(landingUrl)
    expect(urlToSign(ANDROID, 'http://h5.example.com/scan?x=1#top')).toBe('http://h5.example.com/scan?x=1')
  })

  test('should sort WeChat\'s errMsg into failures the page can explain', () => {
    expect(kindOf('config:invalid signature')).toBe('signature')
    expect(kindOf('config:invalid url domain')).toBe('signature')
    expect(kindOf('scanQRCode:permission denied')).toBe('permission')
    expect(kindOf('scanQRCode:the permission value is offline verifying')).toBe('permission')
    expect(kindOf('configWXDeviceWiFi:function not exist')).toBe('unsupported')
    expect(kindOf('scanQRCode:cancel')).toBe('cancelled')
    expect(kindOf('scanQRCode:fail')).toBe('failed')
  })
})

describe('QR contents', () => {
  test('should read device codes, share invitations and anything else', () => {
    expect(readQrContent('http://www.gizwits.com?product_key=abc&did=D1&passcode=P1')).toEqual({ kind: 'device', productKey: 'abc', did: 'D1', passcode: 'P1' })
    expect(readQrContent('type=share&code=0123abcd')).toEqual({ kind: 'share', code: '0123abcd' })
    expect(readQrContent(' hello ')).toEqual({ kind: 'unknown', text: 'hello' })
    expect(readQrContent('http://www.gizwits.com?product_key=abc')).toEqual({ kind: 'unknown', text: 'http://www.gizwits.com?product_key=abc' })
  })
})
