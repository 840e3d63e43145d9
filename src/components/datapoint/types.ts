import type { AttrItem, AttrValue } from '@shared/open-api'

/** Props every datapoint control takes; each emits `change` with a value in display units. */
export interface DatapointProps {
  attr: AttrItem
  value: AttrValue | undefined
  disabled?: boolean
  /** The datapoint's label in the user's language (the presentation profile's); the definition's when absent. */
  label?: string
  /** An enum item's label in the user's language; the item itself when absent. */
  option?: (value: string) => string
}
