// The one place that chooses a control for a datapoint, by its kind.
import type { Component } from 'vue'
import { datapointKind, type DatapointKind } from '@shared/datapoint'
import type { AttrItem } from '@shared/open-api'
import DatapointAlarm from './DatapointAlarm.vue'
import DatapointBinary from './DatapointBinary.vue'
import DatapointEnum from './DatapointEnum.vue'
import DatapointNumber from './DatapointNumber.vue'
import DatapointReadonly from './DatapointReadonly.vue'
import DatapointSwitch from './DatapointSwitch.vue'

export const CONTROLS: Record<DatapointKind, Component> = {
  switch: DatapointSwitch,
  enum: DatapointEnum,
  number: DatapointNumber,
  readonly: DatapointReadonly,
  alarm: DatapointAlarm,
  binary: DatapointBinary,
}

export function resolveControl(attr: AttrItem): Component {
  return CONTROLS[datapointKind(attr)]
}
