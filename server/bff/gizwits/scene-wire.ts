// Scene tasks carry datapoint values in their own encoding (seed 003 用户场景: "枚举型数据点传序号，扩展型数据点传
// base64 编码字符串"), unlike a single or group control (enum by name, binary as hex). The page always speaks the
// control's form; these two turn it into the scene's and back, after the values were checked as a control's are.
import type { AttrItem, AttrValue } from '@shared/open-api'

export function toSceneWire(attrs: AttrItem[], values: Record<string, AttrValue>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {}
  for (const [name, value] of Object.entries(values)) {
    const attr = attrs.find((candidate) => candidate.name === name)
    if (attr?.data_type === 'enum' && typeof value === 'string') out[name] = (attr.enum ?? []).indexOf(value)
    else if (attr?.data_type === 'binary' && typeof value === 'string') out[name] = Buffer.from(value, 'hex').toString('base64')
    else out[name] = value
  }
  return out
}

export function fromSceneWire(attrs: AttrItem[], values: Record<string, AttrValue>): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {}
  for (const [name, value] of Object.entries(values)) {
    const attr = attrs.find((candidate) => candidate.name === name)
    if (attr?.data_type === 'enum' && typeof value === 'number') out[name] = attr.enum?.[value] ?? String(value)
    else if (attr?.data_type === 'binary' && typeof value === 'string') out[name] = Buffer.from(value, 'base64').toString('hex')
    else out[name] = value
  }
  return out
}
