/** Accessibility checks for the browser tests: axe-core in the page, no serious or critical violation. */
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe in the page. Injected via CDP evaluation, which the page's CSP (script-src 'self') does not govern. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as any).axe.run();
    return (result.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: (v.impact ?? null) as string | null,
      help: v.help as string,
      targets: (v.nodes as any[]).map((n) => (n.target as string[]).join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with axe's findings when the page has a serious or critical violation. */
export async function expectAccessible(page: Page, what: string) {
  const found = await seriousViolations(page);
  expect(found, `axe on ${what}: ${JSON.stringify(found, null, 2)}`).toEqual([]);
}
