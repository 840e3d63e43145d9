// REST carries bools as 0/1 and binary as hex strings; the live socket carries true/false and byte arrays.
// Pages keep the socket's form, so REST values are turned into it once, here.
import type { AttrItem, Attrs } from '@shared/open-api'

export function fromRestAttrs(defs: AttrItem[], attrs: Attrs): Attrs {
  const out: Attrs = {}
  for (const [name, value] of Object.entries(attrs)) {
    const def = defs.find((candidate) => candidate.name === name)
    if (def?.data_type === 'bool' && typeof value !== 'boolean') out[name] = value === 1 || value === '1' || value === 'true'
    else if (def?.data_type === 'binary' && typeof value === 'string') out[name] = value.match(/../g)?.map((pair) => parseInt(pair, 16)) ?? []
    else out[name] = value
  }
  return out
}
