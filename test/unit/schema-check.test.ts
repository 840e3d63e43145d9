// The page socket's frame checks (src/shared/schema-check.ts, used by the BFF and the SPA) judged against
// TypeBox's own Value.Check on the same schemas: a few thousand frames, good and broken, must get the same verdict.
import { Value } from 'typebox/value'
import { describe, expect, test } from 'vitest'
import { compileSchema } from '@shared/schema-check'
import { checkPageClientFrame, checkPageServerFrame, PageClientFrame, PageServerFrame } from '@shared/ws-frames'

const DID = 'aBcD1234efGH5678ijKL90'
const CLIENT: unknown[] = [
  { cmd: 'ping' },
  { cmd: 'ping', data: { junk: 'x' }, req_sn: 'x' },
  { cmd: 'subscribe_req', data: [{ did: DID }, { did: '' }] },
  { cmd: 'subscribe_req', data: [] },
  { cmd: 'c2s_read', data: { did: DID } },
  { cmd: 'c2s_write', req_sn: 3, id: 'abcdefgh12', data: { did: DID, attrs: { switch: true, mode: '制冷', raw: [1, 2] } } },
  { cmd: 'c2s_write', data: { did: DID, attrs: JSON.parse('{"__proto__":{"switch":true}}') as unknown } },
  { cmd: 'c2s_command_status', data: { ids: ['abcdefgh12', 'x'.repeat(64)] } },
]
const SERVER: unknown[] = [
  { cmd: 'pong' },
  { cmd: 'subscribe_res', data: { success: [{ did: DID, error_code: 0, msg: 'ok' }], failed: [{ did: 'x', error_code: 9017, msg: '未绑定' }] } },
  { cmd: 's2c_noti', res_sn: 4, data: { did: DID, attrs: { switch: false, temp: 26.5, mode: 'cool', bytes: [0, 255] } } },
  { cmd: 's2c_online_status', data: { did: DID, passcode: 'ABC', mac: '18fe34a1b2c3', online: true } },
  { cmd: 's2c_binding_changed', data: { did: DID, bind: false } },
  { cmd: 's2c_invalid_msg', data: { error_code: 4400, msg: '无法识别的消息' } },
  { cmd: 's2c_write_res', res_sn: 0, data: { did: DID, ok: false, id: 'abcdefgh12', state: 'expired', error_code: 'not_sent', msg: '未发送' } },
  { cmd: 's2c_command_status', data: { commands: [{ id: 'abcdefgh12', state: 'unknown' }] } },
  { cmd: 's2c_cloud_status', data: { connected: true } },
]

// No undefined: the frames checked are JSON.parse's output, which never holds it.
const ODD: unknown[] = [null, true, 0, 1.5, -1, 256, 2 ** 53 + 1, '', 'x'.repeat(65), '🐶'.repeat(64), '🐶'.repeat(65), 'ping', [], [1], {}, { did: 1 }, ['a', 'b'], 'abcdefgh', 'abc!defgh']

/** Every value reachable by replacing one node of the frame (at any depth) with an odd value, or dropping it. */
function mutants(value: unknown): unknown[] {
  const out: unknown[] = []
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      for (const odd of ODD) out.push(value.map((other, i) => (i === index ? odd : other)))
      for (const inner of mutants(item)) out.push(value.map((other, i) => (i === index ? inner : other)))
    })
    out.push(Array.from({ length: 201 }, () => value[0]))
  } else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const { [key]: dropped, ...rest } = record
      out.push(rest)
      for (const odd of ODD) out.push({ ...record, [key]: odd })
      for (const inner of mutants(dropped)) out.push({ ...record, [key]: inner })
    }
    out.push({ ...record, extra: 1 })
  }
  return out
}

describe('page socket frame checks', () => {
  test.each([
    ['page → BFF', PageClientFrame, checkPageClientFrame, CLIENT],
    ['BFF → page', PageServerFrame, checkPageServerFrame, SERVER],
  ] as const)('should judge %s frames as TypeBox does', (_name, schema, check, samples) => {
    let accepted = 0
    let refused = 0
    for (const sample of samples) {
      expect(check(sample), JSON.stringify(sample)).toBe(true)
      for (const value of [sample, ...mutants(sample)]) {
        const expected = Value.Check(schema, value)
        expect(check(value), JSON.stringify(value)?.slice(0, 200)).toBe(expected)
        if (expected) accepted++
        else refused++
      }
    }
    // Both verdicts were exercised, so agreement is not vacuous.
    expect(accepted).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(500)
  })

  test('should refuse to compile a schema with a keyword it does not check', () => {
    expect(() => compileSchema({ type: 'string', format: 'email' } as never)).toThrow('format')
  })
})
