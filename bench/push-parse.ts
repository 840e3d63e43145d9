// The push parser's time on a 64 KB hostile body against a 1 KB normal one, the old regex parser (copied below as
// the baseline) against the scanner in server/bff/wechat/push-xml.ts, in one run. Linear means the hostile body costs
// about what its size says; the old parser's cost grew with the square of the number of unclosed tags.
// Run: npm run bench:push-parse   (RUNS=21 to change the samples per case; the old parser's hostile case runs
// at most 7 times, each one blocks for about a second)
import { parsePushXml, type PushFields } from '../server/bff/wechat/push-xml'
import { summarize } from './support/stats'

const RUNS = Number(process.env.RUNS ?? 21)

/** server/bff/wechat/push-xml.ts before issue 9, verbatim: the baseline. */
function oldParsePushXml(xml: string): PushFields {
  const root = /<xml>([\s\S]*)<\/xml>/.exec(xml.trim())
  if (!root) throw new Error('not a WeChat push: no <xml> root')
  const fields: PushFields = {}
  for (const match of root[1].matchAll(/<(\w+)>([\s\S]*?)<\/\1>/g)) {
    fields[match[1]] = match[2].includes('<![CDATA[') ? match[2].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1') : match[2]
  }
  return fields
}

const KB = 1024
const textPush = (content: string) =>
  `<xml><ToUserName><![CDATA[gh_sandbox0001]]></ToUserName><FromUserName><![CDATA[oDemo_XiaoMing_6fA2kP9sQ1wE]]></FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>24000000000000001</MsgId></xml>`
const padded = (size: number) => textPush('设'.repeat(Math.floor((size - textPush('').length) / 3)))
// The reported body, as many `<a>` as fit in 64 KB.
const hostile = `<xml>${'<a>'.repeat(Math.floor((64 * KB - 11) / 3))}</xml>`

const cases: Array<{ name: string; body: string }> = [
  { name: 'normal text push, 1 KB', body: padded(KB) },
  { name: 'normal text push, 64 KB', body: padded(64 * KB) },
  { name: 'hostile: unclosed <a> × 21,841, 64 KB', body: hostile },
  // Shapes that make the scanner read to the end before it refuses: its worst case, still one pass.
  { name: 'hostile: CDATA sections never closed, 64 KB', body: `<xml><a>${'<![CDATA[x]]>'.repeat(Math.floor((64 * KB - 8) / 13))}` },
  { name: 'hostile: 64 fields, then more, 64 KB', body: `<xml>${Array.from({ length: 6000 }, (_, i) => `<f${i}>1</f${i}>`).join('')}`.slice(0, 64 * KB) },
]
const us = (value: number) => `${(value * 1000).toFixed(1)} µs`

function median(parse: (xml: string) => unknown, body: string, runs: number): number {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    try {
      parse(body)
    } catch {
      // The new parser refuses hostile bodies; the refusal is what is timed.
    }
    samples.push(performance.now() - started)
  }
  return summarize(samples).p50
}

console.log(`push parser, median of up to ${RUNS} parses per case (Node ${process.version})\n`)
console.log(`${'body'.padEnd(46)} ${'bytes'.padStart(7)} ${'old (regex)'.padStart(14)} ${'new (scanner)'.padStart(14)}  ratio`)
for (const { name, body } of cases) {
  const bytes = Buffer.byteLength(body)
  // Warm both up on the normal body first so the JIT is not what is measured.
  median(oldParsePushXml, cases[0].body, 50)
  median(parsePushXml, cases[0].body, 50)
  const old = median(oldParsePushXml, body, body === hostile ? Math.min(RUNS, 7) : RUNS)
  const scanned = median(parsePushXml, body, RUNS)
  console.log(`${name.padEnd(46)} ${String(bytes).padStart(7)} ${us(old).padStart(14)} ${us(scanned).padStart(14)}  ${(old / scanned).toFixed(1)}×`)
}
