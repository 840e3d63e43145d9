// What a device card says at a glance: the one or two values its product's presentation profile names (the main
// switch is the card's toggle, not text), then how many alarms are active.
import { datapointKind, formatNumber, isActive } from '@shared/datapoint'
import type { AttrItem, Attrs } from '@shared/open-api'
import type { PresentationProfile } from '@/presentation/profiles'

export interface SummaryPart { key: string; text: string }
export interface SummaryWords {
  on: string
  off: string
  label: (attr: AttrItem) => string
  option: (attr: AttrItem, value: string) => string
}

export function deviceSummary(profile: PresentationProfile, attrs: AttrItem[], values: Attrs, words: SummaryWords): SummaryPart[] {
  const parts: SummaryPart[] = []
  for (const name of profile.card.slice(0, 2)) {
    const attr = attrs.find((candidate) => candidate.name === name)
    const value = values[name]
    if (!attr || value === undefined) continue
    let text: string
    if (typeof value === 'number') text = `${formatNumber(attr, value)}${attr.unit ?? ''}`
    else if (typeof value === 'string' && attr.data_type === 'enum') text = words.option(attr, value)
    else if (attr.data_type === 'bool') text = isActive(value) ? words.on : words.off
    else continue
    parts.push({ key: name, text: `${words.label(attr)} ${text}` })
  }
  return parts
}

export function activeAlarmCount(attrs: AttrItem[], values: Attrs): number {
  return attrs.filter((attr) => datapointKind(attr) === 'alarm' && isActive(values[attr.name])).length
}
