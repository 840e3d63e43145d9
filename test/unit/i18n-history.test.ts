// The history page's own catalogue (src/i18n/history.ts, loaded with that page) says everything in both languages.
import { expect, test } from 'vitest'
import { historyMessages } from '@/i18n/history'

function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`)))
}

test('the history page has the same keys in Chinese and English, none empty', () => {
  expect(keys(historyMessages.en).sort()).toEqual(keys(historyMessages['zh-CN']).sort())
  for (const locale of [historyMessages.en, historyMessages['zh-CN']]) {
    expect(JSON.stringify(locale)).not.toMatch(/:""/)
  }
})
