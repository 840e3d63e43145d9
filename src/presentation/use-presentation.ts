// A product's presentation in the user's language: its profile (or the derived one), its datapoints' labels, its
// enum items' labels and its name. Read inside a computed, it follows a language switch.
import { useI18n } from 'vue-i18n'
import type { Locale } from '@shared/constants'
import type { AttrItem } from '@shared/open-api'
import '@/i18n/glance'
import { useDevicesStore } from '@/stores/devices'
import { profileOf, type PresentationProfile } from './profiles'
import { labelOf, optionLabelOf, productNameOf } from './words'

export interface Presentation {
  profile: PresentationProfile
  label: (attr: AttrItem) => string
  option: (attr: AttrItem, value: string) => string
  productName: string
}

export function usePresentation(): (productKey: string) => Presentation {
  const { t, locale } = useI18n()
  const devices = useDevicesStore()
  return (productKey) => {
    const profile = profileOf(productKey, devices.attrsOf(productKey))
    const current = locale.value as Locale
    return {
      profile,
      label: (attr) => labelOf(profile, attr, current),
      option: (attr, value) => optionLabelOf(profile, attr, value, current, (n) => t('glance.option', { n })),
      productName: productNameOf(profile, devices.products[productKey]?.name, current, t('glance.product')),
    }
  }
}
