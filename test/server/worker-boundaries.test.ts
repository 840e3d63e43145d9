// The worker's room (server/README.md) as lint rules: it reaches the BFF only through server/bff/worker-seam.ts and
// the sandbox only through its start-up seam, and only the BFF's main.ts may start it.
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function crossings(path: string, from: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { x } from '${from}'\nexport const y = x\n`, { filePath: join(root, path) })
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message.replace(/^.*? by a pattern\. /, ''))
}

test('the worker imports the BFF only through its seam, and the sandbox only through index.ts', async () => {
  expect(await crossings('server/worker/fixture.ts', '../bff/store/history-store')).toEqual(['The worker uses the BFF only through server/bff/worker-seam.ts.'])
  expect(await crossings('server/worker/fixture.ts', '../bff/worker-seam')).toEqual([])
  expect(await crossings('server/worker/fixture.ts', '../sandbox/world')).toEqual(['The worker reaches the sandbox only through server/sandbox/index.ts, its start-up seam.'])
  expect(await crossings('server/worker/fixture.ts', '../sandbox/index')).toEqual([])
  expect(await crossings('server/worker/fixture.ts', '@shared/open-api')).toEqual([])
})

test('only the BFF\'s main.ts starts the worker; the sandbox never imports it', async () => {
  expect(await crossings('server/bff/routes/fixture.ts', '../../worker/event-worker')).toHaveLength(1)
  expect(await crossings('server/bff/main.ts', '../worker/event-worker')).toEqual([])
  expect(await crossings('server/bff/main.ts', '../sandbox/world')).toHaveLength(1)
  expect(await crossings('server/sandbox/fixture.ts', '../worker/event-worker')).toHaveLength(1)
  expect(await crossings('server/bff/fixture.ts', '../sandbox/world')).toHaveLength(1)
})
