// The flat XML of WeChat's server pushes and passive replies: one level of elements, values in CDATA or plain.
export type PushFields = Record<string, string>

export function parsePushXml(xml: string): PushFields {
  const root = /<xml>([\s\S]*)<\/xml>/.exec(xml.trim())
  if (!root) throw new Error('not a WeChat push: no <xml> root')
  const fields: PushFields = {}
  for (const match of root[1].matchAll(/<(\w+)>([\s\S]*?)<\/\1>/g)) {
    // A value may be split over several CDATA sections (that is how "]]>" itself is written).
    fields[match[1]] = match[2].includes('<![CDATA[') ? match[2].replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1') : match[2]
  }
  return fields
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
