// The flat XML of WeChat's server pushes and passive replies: one level of elements, values in CDATA or plain.
// Read by a scanner of our own, not regexes: the body comes from anyone on the internet, and the old
// `<(\w+)>([\s\S]*?)<\/\1>` rescanned to the end for every unclosed tag (21,000 `<a>` blocked the loop ~1 s).
// Every step moves forward through the input; the one step back (an element found to nest others is searched
// once more for its closing tag) covers only that element, so the work is at most twice the input whatever it
// holds, and the first thing that is not WeChat's shape (an unclosed tag, a bad name) ends the scan with an error.
export type PushFields = Record<string, string>

export class PushXmlError extends Error {}

/** More fields than any WeChat push carries (a device_event has 11): a body with more is not from WeChat. */
export const MAX_PUSH_FIELDS = 64
/** Element names in WeChat's pushes are short words (`FromUserName`, `QrcodeSuffixData`). */
export const MAX_FIELD_NAME = 64

/**
 * Characters the scanner has looked at since the process started: tests read it around a call (or a request) to
 * show the work is bounded by the input's length, without timing anything.
 */
export const scanWork = { chars: 0 }

const CDATA_OPEN = '<![CDATA['
const CDATA_CLOSE = ']]>'

const isNameChar = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13

/** A forward-only cursor over the input; `seen` counts every character any search examined. */
class Cursor {
  pos = 0
  seen = 0
  constructor(readonly text: string, readonly end = text.length) {}

  /** Whether `literal` starts at pos; counted as examining all of it (an upper bound, so the count stays honest). */
  at(literal: string): boolean {
    this.seen += literal.length
    return this.pos + literal.length <= this.end && this.text.startsWith(literal, this.pos)
  }

  /** Moves past `literal`, or fails. */
  expect(literal: string, what: string): void {
    if (!this.at(literal)) throw new PushXmlError(`not a WeChat push: expected ${what} at ${this.pos}`)
    this.pos += literal.length
  }

  skipSpace(): void {
    while (this.pos < this.end && isSpace(this.text.charCodeAt(this.pos))) {
      this.pos++
      this.seen++
    }
  }

  /** Index of the next `literal` at or after pos (and before end), or -1; counts the characters searched. */
  find(literal: string): number {
    const found = this.text.indexOf(literal, this.pos)
    const hit = found === -1 || found + literal.length > this.end ? -1 : found
    this.seen += (hit === -1 ? this.end : hit + literal.length) - this.pos
    return hit
  }

  name(): string {
    const start = this.pos
    while (this.pos < this.end && this.pos - start <= MAX_FIELD_NAME && isNameChar(this.text.charCodeAt(this.pos))) this.pos++
    this.seen += this.pos - start + 1
    const length = this.pos - start
    if (length === 0 || length > MAX_FIELD_NAME) throw new PushXmlError(`not a WeChat push: bad element name at ${start}`)
    return this.text.slice(start, this.pos)
  }
}

/**
 * One element's value: plain text and CDATA sections up to `</name>`. A few events nest elements (ScanCodeInfo,
 * SendPicsInfo, CopyrightCheckResult): their value is the inner XML as it stands, read by one search for the
 * closing tag, as the old parser did; nothing here acts on them.
 */
function readValue(cursor: Cursor, name: string): string {
  const close = `</${name}>`
  const start = cursor.pos
  let value = ''
  for (;;) {
    if (cursor.at(CDATA_OPEN)) {
      cursor.pos += CDATA_OPEN.length
      const end = cursor.find(CDATA_CLOSE)
      if (end === -1) throw new PushXmlError(`not a WeChat push: unclosed CDATA in <${name}>`)
      value += cursor.text.slice(cursor.pos, end)
      cursor.pos = end + CDATA_CLOSE.length
      continue
    }
    if (cursor.at(close)) {
      cursor.pos += close.length
      return value
    }
    if (cursor.pos < cursor.end && cursor.text.charCodeAt(cursor.pos) !== 60 /* < */) {
      const next = cursor.find('<')
      if (next === -1) throw new PushXmlError(`not a WeChat push: <${name}> is never closed`)
      value += cursor.text.slice(cursor.pos, next)
      cursor.pos = next
      continue
    }
    if (cursor.pos < cursor.end) {
      cursor.pos = start
      const end = cursor.find(close)
      if (end === -1) throw new PushXmlError(`not a WeChat push: <${name}> is never closed`)
      cursor.pos = end + close.length
      return cursor.text.slice(start, end)
    }
    throw new PushXmlError(`not a WeChat push: <${name}> is not closed by ${close}`)
  }
}

/** Reads `<xml><Name>value</Name>…</xml>`; throws PushXmlError on anything else, after linear work at most. */
export function parsePushXml(xml: string): PushFields {
  let start = 0
  let end = xml.length
  while (start < end && isSpace(xml.charCodeAt(start))) start++
  while (end > start && isSpace(xml.charCodeAt(end - 1))) end--
  const cursor = new Cursor(xml, end)
  cursor.pos = start
  cursor.seen = start + (xml.length - end)
  try {
    cursor.expect('<xml>', '<xml>')
    const fields: PushFields = Object.create(null) as PushFields
    let count = 0
    for (;;) {
      cursor.skipSpace()
      if (cursor.at('</xml>')) {
        if (cursor.pos + 6 !== end) throw new PushXmlError('not a WeChat push: text after </xml>')
        return { ...fields }
      }
      cursor.expect('<', 'an element or </xml>')
      const name = cursor.name()
      cursor.expect('>', `> after <${name}`)
      if (++count > MAX_PUSH_FIELDS) throw new PushXmlError(`not a WeChat push: more than ${MAX_PUSH_FIELDS} fields`)
      if (name in fields) throw new PushXmlError(`not a WeChat push: <${name}> twice`)
      fields[name] = readValue(cursor, name)
    }
  } finally {
    scanWork.chars += cursor.seen
  }
}

/**
 * The safe-mode envelope's `Encrypt` value, read before the signature is checked (msg_signature covers it) by
 * the same linear scan, so an `<Encrypt>` typed inside a compatible-mode message's CDATA is not mistaken for it.
 * Null when the body is not one flat envelope with an Encrypt element.
 */
export function encryptedField(xml: string): string | null {
  try {
    return parsePushXml(xml).Encrypt ?? null
  } catch (error) {
    if (error instanceof PushXmlError) return null
    throw error
  }
}

export function buildXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([name, value]) => (typeof value === 'number' ? `<${name}>${value}</${name}>` : `<${name}><![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]></${name}>`))
    .join('')
  return `<xml>${body}</xml>`
}

/** A passive text reply to the user who wrote (To/From swapped). */
export function textReply(push: PushFields, content: string, nowS = Math.floor(Date.now() / 1000)): string {
  return buildXml({ ToUserName: push.FromUserName, FromUserName: push.ToUserName, CreateTime: nowS, MsgType: 'text', Content: content })
}

/** What identifies a push across WeChat's retries: MsgId for messages, sender + time + event for events. */
export function pushKey(push: PushFields): string {
  return push.MsgId ? `msg:${push.MsgId}` : `event:${push.FromUserName}:${push.CreateTime}:${push.Event ?? ''}:${push.EventKey ?? ''}`
}
