// `npm run labels -- --product <key> --macs <file>`: printable labels for the production line, one per MAC.
// The QR is our label URL, so WeChat's own scanner opens the bind page directly. Each label is signed with the
// vendor's LABEL_KEY (the same key the BFF checks): the signature, not the MAC, is what lets its holder bind.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { deviceLabelUrl, normaliseMac } from '@shared/device-label'
import { labelPng, labelSvg } from './label-render'
import { labelSignature } from './label-signature'

const USAGE = `Usage: npm run labels -- --product <product_key> --macs <file> [--out labels] [--format svg|png|both]
                         [--base-url https://your.app] [--name 产品名称]
  <file>: one MAC per line (aa:bb:cc:dd:ee:ff or aabbccddeeff); empty lines and # comments are skipped.
  --base-url defaults to PUBLIC_URL, the origin WeChat users reach the app at.
  LABEL_KEY (environment, at least 32 characters) must be the BFF's: labels are signed with it.`

export interface LabelJob { productKey: string; macs: string[]; out: string; formats: Array<'svg' | 'png'>; baseUrl: string; labelKey: string; name?: string }

/** Reads the MAC file; every bad line is reported with its number, and nothing is written when any is bad. */
export function readMacs(text: string): { macs: string[]; problems: string[] } {
  const macs: string[] = []
  const problems: string[] = []
  const seen = new Set<string>()
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*/, '').trim()
    if (!line) return
    const mac = normaliseMac(line)
    if (!mac) problems.push(`line ${index + 1}: "${line}" is not a MAC address`)
    else if (seen.has(mac)) problems.push(`line ${index + 1}: ${line} appears twice`)
    else {
      seen.add(mac)
      macs.push(mac)
    }
  })
  return { macs, problems }
}

export function writeLabels(job: LabelJob): string[] {
  mkdirSync(job.out, { recursive: true })
  const written: string[] = []
  for (const mac of job.macs) {
    const label = { url: deviceLabelUrl(job.baseUrl, job.productKey, mac, labelSignature(job.labelKey, job.productKey, mac)), mac, productName: job.name }
    if (job.formats.includes('svg')) written.push(write(join(job.out, `${mac}.svg`), labelSvg(label)))
    if (job.formats.includes('png')) written.push(write(join(job.out, `${mac}.png`), labelPng(label)))
  }
  return written
}

function write(file: string, content: string | Buffer): string {
  writeFileSync(file, content)
  return file
}

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(1)
}

function main(): void {
  let values
  try {
    values = parseArgs({
      options: { product: { type: 'string' }, macs: { type: 'string' }, out: { type: 'string', default: 'labels' }, format: { type: 'string', default: 'both' }, 'base-url': { type: 'string' }, name: { type: 'string' } },
    }).values
  } catch (error) {
    fail((error as Error).message)
  }
  const productKey = values.product?.toLowerCase() ?? ''
  if (!/^[0-9a-f]{32}$/.test(productKey)) fail('--product must be the 32-hex product_key')
  if (!values.macs) fail('--macs is required')
  const baseUrl = values['base-url'] ?? process.env.PUBLIC_URL ?? ''
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) fail('--base-url (or PUBLIC_URL) must be the app\'s http(s) origin')
  const labelKey = process.env.LABEL_KEY ?? ''
  if (labelKey.length < 32) fail('LABEL_KEY must be set to the BFF\'s label key (at least 32 characters): labels are signed with it')
  const formats: Array<'svg' | 'png'> = values.format === 'both' ? ['svg', 'png'] : values.format === 'svg' || values.format === 'png' ? [values.format] : fail('--format must be svg, png or both')
  let text: string
  try {
    text = readFileSync(values.macs, 'utf8')
  } catch (error) {
    fail(`cannot read ${values.macs}: ${(error as Error).message}`)
  }
  const { macs, problems } = readMacs(text)
  if (problems.length > 0) fail(`${values.macs} has ${problems.length} bad line(s), no labels written:\n  ${problems.join('\n  ')}`)
  if (macs.length === 0) fail(`${values.macs} lists no MAC addresses`)
  const written = writeLabels({ productKey, macs, out: resolve(values.out), formats, baseUrl, labelKey, name: values.name })
  console.log(`${macs.length} label(s), ${written.length} file(s) in ${resolve(values.out)}`)
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) main()
