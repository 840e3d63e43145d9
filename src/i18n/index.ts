import { Locale as VantLocale } from 'vant'
import vantEnUS from 'vant/es/locale/lang/en-US'
import vantZhCN from 'vant/es/locale/lang/zh-CN'
import { createI18n } from 'vue-i18n'
import { LOCALES, type Locale } from '@shared/constants'
import en from './en'
import zhCN from './zh-CN'

const STORAGE_KEY = 'locale'

/** zh-CN unless the user chose English, or the phone speaks English and the user never chose. */
export function initialLocale(stored: string | null = safeStorage()?.getItem(STORAGE_KEY) ?? null, languages: readonly string[] = navigator.languages ?? []): Locale {
  if (stored && (LOCALES as readonly string[]).includes(stored)) return stored as Locale
  const first = languages[0]?.toLowerCase() ?? ''
  return first.startsWith('en') ? 'en' : 'zh-CN'
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  applyToVant(locale)
  document.documentElement.lang = locale
  safeStorage()?.setItem(STORAGE_KEY, locale)
}

/** Vant's own words (picker buttons, pull-to-refresh) follow the app's language. */
export function applyToVant(locale: Locale): void {
  if (locale === 'en') VantLocale.use('en-US', vantEnUS)
  else VantLocale.use('zh-CN', vantZhCN)
}
