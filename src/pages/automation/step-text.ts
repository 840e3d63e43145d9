// How a scene step reads to a person: "客厅空调：开关 开 · 模式 制冷", "等待 5 秒", from the datapoint definition —
// the shared formatter (src/shared/values-text.ts, also behind the device log and the worker's notices), with the
// page's words for on and off.
import type { AttrItem, AttrValue } from '@shared/open-api'
import { valuesText as formatValues } from '@shared/values-text'

export function valuesText(attrs: AttrItem[], values: Record<string, AttrValue> | undefined, t: (key: string) => string): string {
  return formatValues(attrs, values, { on: t('automation.on'), off: t('automation.off'), separator: ' · ' })
}
