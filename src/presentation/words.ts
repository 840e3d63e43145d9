// A product's words in the user's language. Definitions carry zh-CN only; the other language comes from the
// product's presentation profile, and a product without one still shows no Chinese in English: its datapoints'
// identifiers, made readable ("set_temp" → "Set temp"), and its enum items by number.
import type { Locale } from '@shared/constants'
import type { AttrItem } from '@shared/open-api'
import type { PresentationProfile } from './profiles'

/** The language product definitions are written in. */
export const DEFINITION_LOCALE: Locale = 'zh-CN'

/** "set_temp" → "Set temp", "LED_OnOff" → "LED on off". */
export function humanise(identifier: string): string {
  const words = identifier
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\-\s]+/)
    .filter(Boolean)
    .map((word) => (word === word.toUpperCase() ? word : word.toLowerCase()))
  const text = words.join(' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

export function labelOf(profile: PresentationProfile, attr: AttrItem, locale: Locale): string {
  if (locale === DEFINITION_LOCALE) return attr.display_name
  return profile.words[locale as 'en']?.attrs[attr.name] ?? humanise(attr.name)
}

export function optionLabelOf(profile: PresentationProfile, attr: AttrItem, value: string, locale: Locale, option: (n: number) => string): string {
  if (locale === DEFINITION_LOCALE) return value
  const known = profile.words[locale as 'en']?.enums?.[attr.name]?.[value]
  if (known) return known
  const index = (attr.enum ?? []).indexOf(value)
  return option(index >= 0 ? index + 1 : 0)
}

/** The product's name; `fallback` (a generic word in the user's language) when the profile has none. */
export function productNameOf(profile: PresentationProfile, definitionName: string | undefined, locale: Locale, fallback: string): string {
  if (locale === DEFINITION_LOCALE) return definitionName ?? fallback
  return profile.words[locale as 'en']?.name ?? fallback
}
