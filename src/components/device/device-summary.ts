// The one line a device card shows: the main switch, then up to two readings with units, then alarms.
import { datapointKind, formatNumber, isActive } from '@shared/datapoint'
import type { AttrItem, Attrs } from '@shared/open-api'

export interface SummaryPart { key: string; text: string }

export function deviceSummary(attrs: AttrItem[], values: Attrs, words: { on: string; off: string }): SummaryPart[] {
  const parts: SummaryPart[] = []
  const power = attrs.find((attr) => datapointKind(attr) === 'switch')
  if (power && values[power.name] !== undefined) parts.push({ key: power.name, text: `${power.display_name} ${isActive(values[power.name]) ? words.on : words.off}` })
  for (const attr of attrs.filter((candidate) => datapointKind(candidate) === 'readonly' && candidate.data_type !== 'bool').slice(0, 2)) {
    const value = values[attr.name]
    if (typeof value === 'number') parts.push({ key: attr.name, text: `${attr.display_name} ${formatNumber(attr, value)}${attr.unit ?? ''}` })
  }
  return parts
}

export function activeAlarmCount(attrs: AttrItem[], values: Attrs): number {
  return attrs.filter((attr) => datapointKind(attr) === 'alarm' && isActive(values[attr.name])).length
}
