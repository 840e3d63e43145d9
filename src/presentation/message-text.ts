// A message centre entry in the user's language. The cloud writes its messages in Chinese prose; we read which
// kind of message it is and who and which device it names, and build the text from that kind, so English users
// read English. A message of a kind we do not know is shown as the cloud wrote it in Chinese, and in English as
// its type ("A sharing message"), never as Chinese prose.
import { MessageType, type AppMessage } from '@shared/open-api'

export type MessageKind = 'sharedToYou' | 'youShared' | 'revokedFromYou' | 'youRevoked' | 'declined' | 'accepted' | 'youAccepted'
export interface ParsedMessage { kind: MessageKind; who: string; device: string }

// The cloud's wordings (seed 003 消息中心; the sandbox's SharingDesk says the same), most specific first.
const PATTERNS: Array<[MessageKind, RegExp]> = [
  ['youShared', /^您给 (?<who>\S+) 共享了设备 (?<device>.+?)!?$/],
  ['sharedToYou', /^(?<who>\S+) 给您共享了设备 (?<device>.+?)!?$/],
  ['revokedFromYou', /^(?<who>\S+) 收回了共享给您的设备 (?<device>.+)$/],
  ['youRevoked', /^您取消了对 (?<who>\S+) 的设备共享 (?<device>.+)$/],
  ['youAccepted', /^您接受了 (?<who>\S+) 共享的设备 (?<device>.+)$/],
  ['declined', /^(?<who>\S+) 拒绝了您共享的设备 (?<device>.+)$/],
  ['accepted', /^(?<who>\S+) 接受了您共享的设备 (?<device>.+)$/],
]

export function parseMessage(content: string): ParsedMessage | null {
  for (const [kind, pattern] of PATTERNS) {
    const match = pattern.exec(content.trim())
    if (match?.groups) return { kind, who: match.groups.who, device: match.groups.device }
  }
  return null
}

type Translate = (key: string, params?: Record<string, unknown>) => string

/** The text to show: built from the message's kind, in the user's language. */
export function messageText(message: AppMessage, t: Translate, definitionLanguage: boolean): string {
  const parsed = parseMessage(message.content)
  if (parsed) {
    const who = parsed.who === '二维码' ? t('glance.message.qr') : parsed.who
    return t(`glance.message.${parsed.kind}`, { who, device: parsed.device })
  }
  if (definitionLanguage) return message.content
  return message.type === MessageType.SHARING ? t('glance.message.sharing') : t('glance.message.system')
}
