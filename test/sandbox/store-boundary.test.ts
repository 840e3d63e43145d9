// The sandbox's raw SQL lives in its store layer (server/sandbox/store/) only, and `npm run lint` says so: a file
// elsewhere in the sandbox that reaches for SQLite is reported, the store's own files are not.
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

async function reported(path: string, from = 'better-sqlite3'): Promise<string[]> {
  const [result] = await eslint.lintText(`import Database from '${from}'\nexport const open = () => new Database(':memory:')\n`, { filePath: join(root, path) })
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message.replace(/^.*? by a pattern\. /, ''))
}

test('should report SQLite used outside the sandbox\'s store layer', async () => {
  expect(await reported('server/sandbox/fixture.ts')).toEqual(['The sandbox\'s SQL lives in server/sandbox/store/: ask a store there.'])
  expect(await reported('server/sandbox/products/fixture/index.ts')).toHaveLength(1)
  expect(await reported('server/sandbox/store/fixture.ts')).toEqual([])
  // The store layer is still the sandbox's: the BFF stays out of it too.
  expect(await reported('server/sandbox/store/fixture.ts', '../../bff/store/sqlite')).toEqual(['The BFF is its own program: reach it over HTTP, not by import.'])
})
