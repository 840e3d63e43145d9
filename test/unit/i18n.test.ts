import { mount } from '@vue/test-utils'
import { defineComponent, h } from 'vue'
import { useI18n } from 'vue-i18n'
import { afterEach, describe, expect, test } from 'vitest'
import en from '@/i18n/en'
import { i18n, initialLocale, setLocale } from '@/i18n'
import zhCN from '@/i18n/zh-CN'

function keys(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : keys(value as object, `${prefix}${key}.`)))
}

describe('i18n', () => {
  afterEach(() => setLocale('zh-CN'))

  test('should have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  test('should speak Chinese unless the user chose English or the phone speaks English', () => {
    expect(initialLocale(null, ['zh-CN', 'en'])).toBe('zh-CN')
    expect(initialLocale(null, [])).toBe('zh-CN')
    expect(initialLocale(null, ['fr-FR'])).toBe('zh-CN')
    expect(initialLocale(null, ['en-US'])).toBe('en')
    expect(initialLocale('en', ['zh-CN'])).toBe('en')
    expect(initialLocale('zh-CN', ['en-US'])).toBe('zh-CN')
    expect(initialLocale('klingon', ['zh-CN'])).toBe('zh-CN')
  })

  test('should switch the rendered language', async () => {
    const Title = defineComponent({ setup: () => { const { t } = useI18n(); return () => h('h1', t('app.title')) } })
    setLocale('zh-CN')
    const wrapper = mount(Title, { global: { plugins: [i18n] } })
    expect(wrapper.text()).toBe('我的设备')
    setLocale('en')
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toBe('My devices')
    expect(document.documentElement.lang).toBe('en')
  })
})
