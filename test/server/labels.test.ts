// The production line's labels: what the CLI accepts, and that the drawn QR is exactly the label URL's.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import QRCode from 'qrcode'
import { afterAll, describe, expect, test } from 'vitest'
import { deviceLabelUrl } from '@shared/device-label'
import { labelPng, labelSvg } from '../../server/labels/label-render'
import { labelSignature, labelSignatureValid } from '../../server/labels/label-signature'
import { readMacs } from '../../server/labels/labels-cli'
import { DEMO_LABEL_KEY } from '../../server/sandbox/demo-defaults'
import { startTestSandbox } from '../support/backend'

const PRODUCT = '4214bf2d79694a259232431b6f2ef46b'
const KEY = 'a-test-label-key-of-at-least-32-characters'
const cliEnv = { ...process.env, LABEL_KEY: KEY }
const root = join(import.meta.dirname, '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'labels-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Greyscale pixels back out of our PNG (one IDAT, filter 0 rows). */
function decode(png: Buffer): { width: number; height: number; at: (x: number, y: number) => number } {
  const width = png.readUInt32BE(16)
  const height = png.readUInt32BE(20)
  let offset = 8
  const idat: Buffer[] = []
  while (offset < png.length) {
    const length = png.readUInt32BE(offset)
    if (png.toString('ascii', offset + 4, offset + 8) === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length))
    offset += 12 + length
  }
  const rows = inflateSync(Buffer.concat(idat))
  return { width, height, at: (x, y) => rows[y * (width + 1) + 1 + x] }
}

describe('device labels', () => {
  test('should read MAC files, naming every bad line', () => {
    expect(readMacs('AC:CF:23:50:D4:49\n\n# spare\naccf2350d44a\n')).toEqual({ macs: ['accf2350d449', 'accf2350d44a'], problems: [] })
    expect(readMacs('accf2350d449\nzz\naccf2350d449').problems).toEqual(['line 2: "zz" is not a MAC address', 'line 3: accf2350d449 appears twice'])
  })

  test('should sign each label for its own product, MAC and key only', () => {
    const sig = labelSignature(KEY, PRODUCT, 'accf2350d449')
    expect(sig).toMatch(/^[A-Za-z0-9_-]{12}$/)
    expect(labelSignatureValid(KEY, PRODUCT, 'ACCF2350D449', sig)).toBe(true)
    expect(labelSignatureValid(KEY, PRODUCT, 'accf2350d44a', sig)).toBe(false)
    expect(labelSignatureValid(KEY, '8c2e51f0a4b34d9e9f1a7b6c5d4e3f21', 'accf2350d449', sig)).toBe(false)
    expect(labelSignatureValid(`${KEY}x`, PRODUCT, 'accf2350d449', sig)).toBe(false)
    expect(labelSignatureValid(KEY, PRODUCT, 'accf2350d449', sig.slice(0, 11))).toBe(false)
  })

  test('should draw the label URL\'s QR module for module, with the MAC in text', () => {
    const sig = labelSignature(KEY, PRODUCT, 'accf2350d449')
    const url = deviceLabelUrl('https://iot.example.com', PRODUCT, 'accf2350d449', sig)
    expect(url).toBe(`https://iot.example.com/bind?product_key=${PRODUCT}&mac=accf2350d449&sig=${sig}`)
    const scale = 8
    const image = decode(labelPng({ url, mac: 'accf2350d449' }, scale))
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' })
    const left = Math.floor((image.width - modules.size * scale) / 2)
    let mismatches = 0
    for (let y = 0; y < modules.size; y++) {
      for (let x = 0; x < modules.size; x++) {
        const dark = image.at(left + x * scale + scale / 2, 4 * scale + y * scale + scale / 2) === 0
        if (dark !== (modules.get(y, x) === 1)) mismatches++
      }
    }
    expect(mismatches).toBe(0)
    const svg = labelSvg({ url, mac: 'accf2350d449', productName: '空调' })
    expect(svg).toContain('MAC AC:CF:23:50:D4:49')
    expect(svg).toContain('>空调</text>')
  })

  test('should write SVG and PNG per MAC from the CLI, and nothing when a line is bad', () => {
    const good = join(dir, 'good.txt')
    writeFileSync(good, 'accf2350d449\naccf2350d44a\n')
    const out = join(dir, 'out')
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'server/labels/labels-cli.ts', '--product', PRODUCT, '--macs', good, '--out', out, '--base-url', 'https://iot.example.com'], { cwd: root, encoding: 'utf8', env: cliEnv })
    expect(printed).toContain('2 label(s), 4 file(s)')
    expect(readdirSync(out).sort()).toEqual(['accf2350d449.png', 'accf2350d449.svg', 'accf2350d44a.png', 'accf2350d44a.svg'])

    const bad = join(dir, 'bad.txt')
    writeFileSync(bad, 'accf2350d44b\nnot-a-mac\n')
    const badOut = join(dir, 'bad-out')
    let stderr = ''
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'server/labels/labels-cli.ts', '--product', PRODUCT, '--macs', bad, '--out', badOut, '--base-url', 'https://iot.example.com'], { cwd: root, encoding: 'utf8', stdio: 'pipe', env: cliEnv })
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr)
    }
    expect(stderr).toContain('line 2: "not-a-mac" is not a MAC address')
    expect(existsSync(badOut)).toBe(false)
    expect(readFileSync(join(out, 'accf2350d449.svg'), 'utf8')).toContain('<svg')

    // Without the label key nothing is written: an unsigned label could not bind anything.
    let keyless = ''
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'server/labels/labels-cli.ts', '--product', PRODUCT, '--macs', good, '--out', join(dir, 'keyless'), '--base-url', 'https://iot.example.com'], { cwd: root, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, LABEL_KEY: '' } })
    } catch (error) {
      keyless = String((error as { stderr: string }).stderr)
    }
    expect(keyless).toContain('LABEL_KEY')
    expect(existsSync(join(dir, 'keyless'))).toBe(false)
  })

  test('should show every virtual device\'s label in the sandbox', async () => {
    const sandbox = await startTestSandbox({ appUrl: 'http://localhost:8080' })
    try {
      const page = await (await fetch(`${sandbox.url}/sandbox/labels`)).text()
      expect(page.match(/data-label="/g)).toHaveLength(14) // nine devices, two gateways, two door sensors and a metering plug
      expect(page).toContain(`href="http://localhost:8080/bind?product_key=4214bf2d79694a259232431b6f2ef46b&mac=accf2350d449&sig=${labelSignature(DEMO_LABEL_KEY, PRODUCT, 'accf2350d449')}"`)
      const svg = await fetch(`${sandbox.url}/sandbox/devices/Nw1eRxAx7vV3wOb6Zf9UdM/label.svg`)
      expect(svg.headers.get('content-type')).toContain('image/svg+xml')
      expect(await svg.text()).toContain('MAC AC:CF:23:50:D4:49')
    } finally {
      await sandbox.close()
    }
  })
})
