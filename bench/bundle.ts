// Gzip size of what the first route (`/`) loads: the entry script, the CSS and the modules it preloads.
// Run: npm run bench:bundle
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const TARGET_KB = 130
const dist = join(import.meta.dirname, '..', 'dist')
const html = readFileSync(join(dist, 'index.html'), 'utf8')
const assets = [
  ...html.matchAll(/<script[^>]+src="([^"]+)"/g),
  ...html.matchAll(/<link[^>]+rel="(?:stylesheet|modulepreload)"[^>]+href="([^"]+)"/g),
  ...html.matchAll(/<link[^>]+href="([^"]+)"[^>]+rel="(?:stylesheet|modulepreload)"/g),
].map((match) => match[1])

let raw = 0
let gzip = 0
const rows: string[] = []
for (const asset of new Set(assets)) {
  const bytes = readFileSync(join(dist, asset.replace(/^\//, '')))
  const zipped = gzipSync(bytes, { level: 9 }).length
  raw += bytes.length
  gzip += zipped
  rows.push(`${asset.padEnd(48)} ${(bytes.length / 1024).toFixed(1).padStart(8)} KB ${(zipped / 1024).toFixed(1).padStart(8)} KB gzip`)
}
console.log(rows.join('\n'))
console.log(`first route: ${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip; target ≤ ${TARGET_KB} KB gzip (${((gzip / 1024 / TARGET_KB) * 100).toFixed(0)}% of target)`)
