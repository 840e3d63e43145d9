// The rules page's draft → the seed's rule shape: prefixes per device, and/or as condition groups, "5 分钟" as
// on → delay → off, constants as the seed writes them; and the one-tap example picked from the user's devices.
import { describe, expect, test } from 'vitest'
import acJson from '../../server/sandbox/products/air-conditioner/definition.json'
import plantJson from '../../server/sandbox/products/plant-waterer/definition.json'
import { productAttrs } from '@shared/datapoint'
import type { ProductDefinition } from '@shared/open-api'
import { exampleDraft, toRuleBody, type RuleDraft } from '@/composables/rule-draft'

const plant = productAttrs(plantJson as ProductDefinition)
const ac = productAttrs(acJson as ProductDefinition)
const PLANT = 'Pl7aNtWt3rR9sKx2Vb5QzH'
const AC = 'gKufzxZwYeyd3Skbsb6mza'
const productOf = (did: string) => (did === PLANT ? plantJson.product_key : acJson.product_key)
const attrOf = (did: string, name: string) => (did === PLANT ? plant : ac).find((attr) => attr.name === name)

describe('toRuleBody', () => {
  test('"土壤湿度 < 30 → 水泵 5 分钟" becomes the seed\'s input, condition and on → delay → off', () => {
    const draft: RuleDraft = {
      joiner: 'and',
      conditions: [{ did: PLANT, attr: 'soil_humidity', opt: '<', value: 30 }],
      action: { kind: 'devctrl', did: PLANT, attr: 'pump', value: true, minutes: 5, content: '' },
    }
    expect(toRuleBody(draft, '浇水', productOf, attrOf)).toEqual({
      name: '浇水', product_key: plantJson.product_key, did: PLANT, event: 'data', interval: 0, enabled: true,
      input: [{ did: PLANT, prefix: 'device1', product_key: plantJson.product_key }],
      condition: [[{ left: 'device1.soil_humidity', opt: '<', right: '30' }]],
      output: [[{ type: 'devctrl', did: PLANT, attrs: { pump: true } }, { type: 'delay', delay: 300 }, { type: 'devctrl', did: PLANT, attrs: { pump: false } }]],
    })
  })

  test('or puts each condition in its own group; switches compare with 1/0 and options quoted', () => {
    const body = toRuleBody({
      joiner: 'or',
      conditions: [{ did: AC, attr: 'switch', opt: '==', value: true }, { did: PLANT, attr: 'soil_humidity', opt: '<', value: 20 }, { did: AC, attr: 'mode', opt: '!=', value: '制冷' }],
      action: { kind: 'notify', did: '', attr: '', value: '', minutes: 0, content: ' 看看花 ' },
    }, 'x', productOf, attrOf)
    expect(body.input.map((input) => input.prefix)).toEqual(['device1', 'device2'])
    expect(body.condition).toEqual([
      [{ left: 'device1.switch', opt: '==', right: '1' }],
      [{ left: 'device2.soil_humidity', opt: '<', right: '20' }],
      [{ left: 'device1.mode', opt: '!=', right: "'制冷'" }],
    ])
    expect(body.output).toEqual([[{ type: 'notify', content: '看看花' }]])
  })
  test('a group action controls the group by id with its product\'s key, and "5 分钟" switches the group back off', () => {
    const GROUP = '65a1b2c3d4e5f60718293a4b'
    const body = toRuleBody({
      joiner: 'and',
      conditions: [{ did: PLANT, attr: 'soil_humidity', opt: '<', value: 30 }],
      action: { kind: 'groupctrl', did: '', group: GROUP, attr: 'switch', value: true, minutes: 5, content: '' },
    }, '开空调们', productOf, attrOf, (id) => (id === GROUP ? acJson.product_key : ''))
    // The rule's trigger stays the plant: a group is no input of the rule.
    expect(body.did).toBe(PLANT)
    expect(body.input).toEqual([{ did: PLANT, prefix: 'device1', product_key: plantJson.product_key }])
    expect(body.output).toEqual([[
      { type: 'groupctrl', group_id: GROUP, product_key: acJson.product_key, attrs: { switch: true } },
      { type: 'delay', delay: 300 },
      { type: 'groupctrl', group_id: GROUP, product_key: acJson.product_key, attrs: { switch: false } },
    ]])
  })

  test('a group action setting an option is one step, whatever the duration', () => {
    const body = toRuleBody({
      joiner: 'and',
      conditions: [{ did: PLANT, attr: 'soil_humidity', opt: '<', value: 30 }],
      action: { kind: 'groupctrl', did: '', group: 'g1', attr: 'mode', value: '制冷', minutes: 5, content: '' },
    }, 'x', productOf, attrOf, () => acJson.product_key)
    expect(body.output).toEqual([[{ type: 'groupctrl', group_id: 'g1', product_key: acJson.product_key, attrs: { mode: '制冷' } }]])
  })
})

describe('exampleDraft', () => {
  test('prefers a reading in % with a switch on the same device: the plant\'s soil and pump', () => {
    expect(exampleDraft([{ did: AC, attrs: ac }, { did: PLANT, attrs: plant }])).toEqual({
      joiner: 'and',
      conditions: [{ did: PLANT, attr: 'soil_humidity', opt: '<', value: 30 }],
      action: { kind: 'devctrl', did: PLANT, attr: 'pump', value: true, minutes: 5, content: '' },
    })
  })

  test('no device with a reading and a switch: no example', () => {
    expect(exampleDraft([{ did: PLANT, attrs: plant.filter((attr) => attr.data_type !== 'bool') }])).toBeNull()
  })
})
