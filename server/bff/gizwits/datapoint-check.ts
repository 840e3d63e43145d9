// The datapoint rule for a write, in the BFF's terms: whatever the shared check (src/shared/datapoint.ts) finds
// wrong becomes one clear, localized 400 naming the datapoint as users know it. The REST control route and the
// relay's c2s_write both apply it, so a write is judged the same whichever way it comes.
import { checkWriteAll, numberSpec } from '@shared/datapoint'
import type { AttrItem, AttrValue } from '@shared/open-api'
import { GizwitsErrorCode } from '@shared/open-api'
import { ApiError } from '../errors'

export function assertWritable(attrs: AttrItem[], values: Record<string, AttrValue>, binaryAs: 'bytes' | 'hex'): void {
  const problem = checkWriteAll(attrs, values, binaryAs)
  if (!problem) return
  const attr = attrs.find((candidate) => candidate.name === problem.name)
  const name = attr?.display_name || problem.name
  const unit = attr?.unit ?? ''
  const code = GizwitsErrorCode.ATTR_INVALID
  const detail = `${problem.reason}: ${problem.name}`
  switch (problem.reason) {
    case 'unknown': throw new ApiError(400, code, 'attr_unknown', { name }, detail)
    case 'not_writable': throw new ApiError(400, code, 'attr_not_writable', { name }, detail)
    case 'type': throw new ApiError(400, code, `attr_type_${problem.expected}`, { name }, detail)
    case 'enum': throw new ApiError(400, code, 'attr_enum', { name, allowed: problem.allowed.join(' / ') }, detail)
    case 'range': {
      const { decimals } = numberSpec(attr!)
      throw new ApiError(400, code, 'attr_range', { name, min: `${problem.min.toFixed(decimals)}${unit}`, max: `${problem.max.toFixed(decimals)}${unit}` }, detail)
    }
    case 'step': throw new ApiError(400, code, 'attr_step', { name, step: `${problem.step}${unit}`, min: `${problem.min}${unit}` }, detail)
    case 'binary_length': throw new ApiError(400, code, 'attr_binary_length', { name, bytes: problem.bytes }, detail)
  }
}
