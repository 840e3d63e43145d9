// axe-core in a real page: injects the installed axe-core and returns its violations, counted by impact. Used by the
// accessibility end-to-end test (issue 11 §6: 0 critical and 0 serious on every page a user reaches).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

// Evaluated through the DevTools protocol rather than a script tag: the app's CSP rightly refuses inline scripts.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation { id: string; impact: string | null; help: string; targets: string[] }
export interface AxeReport { critical: number; serious: number; moderate: number; minor: number; violations: AxeViolation[] }

export async function runAxe(page: Page): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: object) => Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] })
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => String(node.target[0])) }))
  })
  const count = (impact: string) => violations.filter((violation) => violation.impact === impact).length
  return { critical: count('critical'), serious: count('serious'), moderate: count('moderate'), minor: count('minor'), violations }
}
