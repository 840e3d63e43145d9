// The rooms of server/README.md are lint rules, not wishes: each crossing below is reported by `npm run lint`'s own
// configuration, and the allowed imports next to it are not.
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, test } from 'vitest'

const root = join(import.meta.dirname, '..', '..')
const eslint = new ESLint({ cwd: root })

/** The restricted-import messages ESLint reports for `code` as if it were the file at `path`. */
async function crossings(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) })
  // ESLint puts its own sentence first ("'x' import is restricted from being used by a pattern."), then ours.
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message.replace(/^.*? by a pattern\. /, ''))
}

const imports = (from: string) => `import { x } from '${from}'\nexport const y = x\n`

describe('import boundaries', () => {
  test('should keep server code out of the SPA', async () => {
    expect(await crossings('src/stores/fixture.ts', imports('../../server/bff/config'))).toEqual(['The SPA runs in the browser: it never imports server code.'])
    expect(await crossings('src/stores/fixture.ts', imports('../../server/sandbox/world'))).toHaveLength(1)
    expect(await crossings('src/stores/fixture.ts', imports('@shared/open-api'))).toEqual([])
  })

  test('should keep pages and components off the API modules', async () => {
    const message = 'Pages and components talk to stores and composables, not to the API modules.'
    expect(await crossings('src/pages/fixture.ts', imports('@/api/sharing'))).toEqual([message])
    expect(await crossings('src/components/device/fixture.ts', imports('../../api/binding'))).toEqual([message])
    expect(await crossings('src/pages/fixture.ts', imports('../../server/bff/config'))).toEqual(['The SPA runs in the browser: it never imports server code.'])
    expect(await crossings('src/pages/fixture.ts', imports('@/composables/use-sharing'))).toEqual([])
    expect(await crossings('src/pages/fixture.ts', imports('@shared/api'))).toEqual([])
    expect(await crossings('src/composables/fixture.ts', imports('@/api/sharing'))).toEqual([])
  })

  test('should keep the shared shapes free of everything outside them', async () => {
    expect(await crossings('src/shared/fixture.ts', imports('@/api/http'))).toEqual(['src/shared imports nothing outside itself.'])
    expect(await crossings('src/shared/fixture.ts', imports('../stores/devices'))).toEqual(['src/shared imports nothing outside itself.'])
    expect(await crossings('src/shared/fixture.ts', imports('../../server/bff/errors'))).not.toEqual([])
    expect(await crossings('src/shared/fixture.ts', imports('./open-api'))).toEqual([])
  })

  test('should keep the BFF out of the sandbox', async () => {
    expect(await crossings('server/sandbox/fixture.ts', imports('../bff/gizwits/open-api-client'))).toEqual(['The BFF is its own program: reach it over HTTP, not by import.'])
    expect(await crossings('server/sandbox/fixture.ts', imports('../labels/label-render'))).toEqual([])
    expect(await crossings('server/sandbox/fixture.ts', imports('@shared/ws-frames'))).toEqual([])
  })

  test('should let the BFF reach the sandbox through its seam only', async () => {
    expect(await crossings('server/bff/fixture.ts', imports('../sandbox/world'))).toEqual(['The BFF reaches the sandbox only through server/sandbox/index.ts, its start-up seam.'])
    expect(await crossings('server/bff/routes/fixture.ts', imports('../../sandbox/demo-defaults'))).toHaveLength(1)
    expect(await crossings('server/bff/fixture.ts', imports('../sandbox/index'))).toEqual([])
    expect(await crossings('server/bff/fixture.ts', imports('../labels/label-signature'))).toEqual([])
  })

  test('should keep the labels tool apart from both programs', async () => {
    expect(await crossings('server/labels/fixture.ts', imports('../bff/errors'))).toHaveLength(1)
    expect(await crossings('server/labels/fixture.ts', imports('../sandbox/world'))).toHaveLength(1)
    expect(await crossings('server/labels/fixture.ts', imports('@shared/device-label'))).toEqual([])
  })
})
