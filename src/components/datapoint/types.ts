import type { AttrItem, AttrValue } from '@shared/open-api'

/** Props every datapoint control takes; each emits `change` with a value in display units. */
export interface DatapointProps {
  attr: AttrItem
  value: AttrValue | undefined
  disabled?: boolean
}
