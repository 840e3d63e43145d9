// One printable device label: the QR of the device's label URL with its MAC underneath, as SVG (for print
// shops, with the product name) or PNG (for label printers). Drawn from the QR matrix so both match exactly.
import { deflateSync, crc32 } from 'node:zlib'
import QRCode from 'qrcode'

export interface Label { url: string; mac: string; productName?: string }

const QUIET = 4

const macText = (mac: string) => mac.toUpperCase().replace(/(..)(?!$)/g, '$1:')
const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!)

function matrix(url: string): { size: number; dark: (x: number, y: number) => boolean } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' })
  return { size: modules.size, dark: (x, y) => modules.get(y, x) === 1 }
}

export function labelSvg(label: Label, moduleMm = 0.5): string {
  const qr = matrix(label.url)
  const side = qr.size + QUIET * 2
  const textRows = label.productName ? 12 : 7
  let path = ''
  for (let y = 0; y < qr.size; y++) for (let x = 0; x < qr.size; x++) if (qr.dark(x, y)) path += `M${x + QUIET} ${y + QUIET}h1v1h-1z`
  const lines = [label.productName ? `<text x="${side / 2}" y="${side + 4}" font-size="3.6" text-anchor="middle" font-family="sans-serif">${escapeXml(label.productName)}</text>` : '',
    `<text x="${side / 2}" y="${side + textRows - 2.5}" font-size="3.6" text-anchor="middle" font-family="monospace">MAC ${macText(label.mac)}</text>`]
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${side * moduleMm}mm" height="${(side + textRows) * moduleMm}mm" viewBox="0 0 ${side} ${side + textRows}">
<rect width="100%" height="100%" fill="#fff"/>
<path d="${path}" fill="#000"/>
${lines.join('\n')}
</svg>
`
}

// A 3×5 pixel font for what a MAC needs: hex digits, ':' and the word MAC.
const GLYPHS: Record<string, string> = {
  '0': '111101101101111', '1': '010110010010111', '2': '111001111100111', '3': '111001111001111', '4': '101101111001001',
  '5': '111100111001111', '6': '111100111101111', '7': '111001010010010', '8': '111101111101111', '9': '111101111001111',
  A: '010101111101101', B: '110101110101110', C: '011100100100011', D: '110101101101110', E: '111100111100111', F: '111100111100100',
  M: '101111111101101', ':': '000010000010000', ' ': '000000000000000',
}

/** Greyscale PNG: `scale` pixels per QR module, the MAC in the pixel font below. */
export function labelPng(label: Label, scale = 8): Buffer {
  const qr = matrix(label.url)
  const text = `MAC ${macText(label.mac)}`
  const glyph = Math.max(1, Math.floor(scale / 2))
  const textWidth = text.length * 4 * glyph
  const width = Math.max((qr.size + QUIET * 2) * scale, textWidth + 2 * scale)
  const qrLeft = Math.floor((width - qr.size * scale) / 2)
  const textTop = (qr.size + QUIET * 2) * scale
  const height = textTop + 5 * glyph + 2 * scale
  const pixels = Buffer.alloc(width * height, 255)
  const paint = (px: number, py: number, w: number, h: number) => {
    for (let y = py; y < py + h; y++) pixels.fill(0, y * width + px, y * width + px + w)
  }
  for (let y = 0; y < qr.size; y++) for (let x = 0; x < qr.size; x++) if (qr.dark(x, y)) paint(qrLeft + x * scale, QUIET * scale + y * scale, scale, scale)
  const textLeft = Math.floor((width - textWidth) / 2)
  ;[...text].forEach((char, index) => {
    const bits = GLYPHS[char] ?? GLYPHS[' ']
    for (let i = 0; i < 15; i++) if (bits[i] === '1') paint(textLeft + index * 4 * glyph + (i % 3) * glyph, textTop + Math.floor(i / 3) * glyph, glyph, glyph)
  })
  return encodePng(pixels, width, height)
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([head, body, crc])
}

function encodePng(grey: Buffer, width: number, height: number): Buffer {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8) // 8-bit greyscale, no interlace
  const rows = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) grey.copy(rows, y * (width + 1) + 1, y * width, (y + 1) * width)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))])
}
