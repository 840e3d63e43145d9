// The worker's hold on each product's datapoints (server/worker/definitions.ts): read once per product and reused,
// read again when stale, one read at a time, and — when the cloud is down — never an error: the last definition
// read, or none (the command notice then uses raw names; command-results.test.ts shows the named text end to end).
import { expect, test } from 'vitest'
import { definitions, DEFINITION_RETRY_MS, DEFINITION_TTL_MS } from '../../server/worker/definitions'
import type { ProductDefinition } from '@shared/open-api'
import airConditionerJson from '../../server/sandbox/products/air-conditioner/definition.json'

const AC = airConditionerJson as ProductDefinition

function cloud() {
  const state = { up: true, reads: 0, now: 1_000_000 }
  const logged: string[] = []
  const held = definitions(async (productKey) => {
    state.reads++
    await new Promise((resolve) => setImmediate(resolve))
    if (!state.up) throw new Error('Gizwits /app/datapoint answered 503')
    if (productKey !== AC.product_key) throw new Error('no such product')
    return AC
  }, (message) => logged.push(message), () => state.now)
  return { state, logged, held }
}

test('reads a product once, reuses it, and names the datapoints of the devices SNoti placed in it', async () => {
  const { state, held } = cloud()
  held.noteDevice('did-ac', AC.product_key)
  await Promise.all([held.load(), held.load(), held.load([AC.product_key])])
  await held.load()
  expect(state.reads).toBe(1)
  expect(held.attrsOf('did-ac').map((attr) => attr.name)).toContain('set_temp')
  // A device no event has placed yet: the product held that defines every name asked.
  expect(held.attrsOf('did-unplaced', ['set_temp', 'mode']).length).toBeGreaterThan(0)
  expect(held.attrsOf('did-unplaced', ['set_temp', 'pump'])).toEqual([])
  state.now += DEFINITION_TTL_MS
  await held.load()
  expect(state.reads).toBe(2)
})

test('a cloud that is down costs no error: the last definition read stays, or none, and asking waits a while', async () => {
  const { state, logged, held } = cloud()
  state.up = false
  held.noteDevice('did-ac', AC.product_key)
  await expect(held.load()).resolves.toBeUndefined()
  expect(held.attrsOf('did-ac')).toEqual([])
  expect(logged.at(-1)).toMatch(/not read .*raw names/)
  await held.load()
  expect(state.reads).toBe(1)
  state.now += DEFINITION_RETRY_MS
  state.up = true
  await held.load()
  expect(held.attrsOf('did-ac').length).toBeGreaterThan(0)
  state.now += DEFINITION_TTL_MS
  state.up = false
  await held.load()
  expect(held.attrsOf('did-ac').length).toBeGreaterThan(0)
  expect(logged.at(-1)).toMatch(/the last ones read/)
})
