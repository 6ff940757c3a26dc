// The automated accessibility check of the end-to-end tests: axe-core on the page as it is now,
// failing on any serious or critical violation of WCAG 2.1 A/AA, with a message that names each
// rule, why it matters and the elements that break it.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const BLOCKING = new Set(['serious', 'critical']);

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/** Serious and critical WCAG A/AA violations on the page, in plain form. */
export async function axeFindings(page: Page): Promise<AxeFinding[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ''))
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
    }));
}

/** Fail the test when axe reports a serious or critical violation; `where` names the page or step. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  const findings = await axeFindings(page);
  const text = findings.map((f) => `${f.impact} ${f.rule}: ${f.help}\n${f.targets.map((t) => `    ${t}`).join('\n')}`).join('\n');
  // Soft: one run lists every page that fails, not only the first.
  expect.soft(findings, `accessibility of ${where}:\n${text}`).toEqual([]);
}
