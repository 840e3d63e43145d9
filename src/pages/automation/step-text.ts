// How a scene step reads to a person: "客厅空调：开关 开 · 模式 制冷", "等待 5 秒", from the datapoint definition.
import { formatNumber } from '@shared/datapoint'
import type { AttrItem, AttrValue } from '@shared/open-api'

export function valuesText(attrs: AttrItem[], values: Record<string, AttrValue> | undefined, t: (key: string) => string): string {
  return Object.entries(values ?? {}).map(([name, value]) => {
    const attr = attrs.find((candidate) => candidate.name === name)
    const label = attr?.display_name || name
    if (typeof value === 'boolean') return `${label} ${t(value ? 'automation.on' : 'automation.off')}`
    if (typeof value === 'number' && attr) return `${label} ${formatNumber(attr, value)}${attr.unit ?? ''}`
    return `${label} ${String(value)}`
  }).join(' · ')
}
