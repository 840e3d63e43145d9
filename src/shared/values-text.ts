// Datapoint values as a person reads them — "设定温度 27°C、开关 开、模式 制冷" — from the product's definition: the
// one formatter behind the device's log and scene steps in the page and the worker's command notices in WeChat, so a
// notice says what the app's log says. Values are display values (y = ratio·x + addition already applied: what the
// page writes and what reports carry), shown with their datapoint's decimals and unit; switches arrive as
// true/false (the page) or 0/1 (SNoti), enum items by name (the page) or index (SNoti). A name the definition
// does not know (no definition at hand) is shown as it is, so the text is never lost.
import { formatNumber } from './datapoint'
import type { AttrItem, AttrValue } from './open-api'

export interface ValuesTextOptions {
  /** The words for a switch's two states; zh-CN by default (the definitions' language). */
  on?: string
  off?: string
  /** Between entries; "、" by default. */
  separator?: string
  /** Leave out names the definition does not know (the log shows only what it can name). */
  knownOnly?: boolean
  /** The datapoint's label; its display_name by default. */
  label?: (attr: AttrItem) => string
}

function shown(attr: AttrItem, value: AttrValue, on: string, off: string): string {
  if (typeof value === 'boolean') return value ? on : off
  if (attr.data_type === 'bool' && (value === 0 || value === 1)) return value === 1 ? on : off
  if (attr.data_type === 'enum' && typeof value === 'number') return attr.enum?.[value] ?? String(value)
  if (typeof value === 'number') return `${formatNumber(attr, value)}${attr.unit ?? ''}`
  if (Array.isArray(value)) return value.map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return String(value)
}

/** Each value as "label value", in the order given. */
export function valueEntries(attrs: readonly AttrItem[], values: Record<string, AttrValue> | undefined, options: ValuesTextOptions = {}): string[] {
  const { on = '开', off = '关', knownOnly = false, label = (attr: AttrItem) => attr.display_name || attr.name } = options
  const byName = new Map(attrs.map((attr) => [attr.name, attr]))
  return Object.entries(values ?? {}).flatMap(([name, value]) => {
    const attr = byName.get(name)
    if (!attr) {
      if (knownOnly) return []
      return [`${name} ${typeof value === 'boolean' ? (value ? on : off) : Array.isArray(value) ? value.join(',') : String(value)}`]
    }
    return [`${label(attr)} ${shown(attr, value, on, off)}`]
  })
}

export function valuesText(attrs: readonly AttrItem[], values: Record<string, AttrValue> | undefined, options: ValuesTextOptions = {}): string {
  return valueEntries(attrs, values, options).join(options.separator ?? '、')
}

/**
 * Entries joined within `max` characters (a WeChat keyword's limit): whole entries only, "等" closing the text when
 * some had to be left out; a first entry longer than the limit is cut.
 */
export function fitEntries(entries: readonly string[], max: number, separator = '、'): string {
  let text = ''
  for (const [index, entry] of entries.entries()) {
    const next = index === 0 ? entry : `${text}${separator}${entry}`
    const rest = index < entries.length - 1
    if (next.length > (rest ? max - 1 : max)) {
      if (index === 0) return entry.slice(0, max)
      return `${text}等`
    }
    text = next
  }
  return text
}
