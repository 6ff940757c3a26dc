// The pre-update checklist in a real browser against `pci-maint serve` and real test servers: a fresh
// setup fails "a verified backup", "Back up and verify now" fixes it inline, the confirmations lead to
// "Ready to update"; after a bad upgrade (a collection dropped, files deleted) the after-checks fail
// and "Roll back" opens the rollback wizard with the pre-update restore point selected.
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { CONFIRMATIONS } from '../../shared/api/checklist';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';
import { checklistWorld, type ChecklistWorld } from '../support/checklist';
import { tempDir, testEngine } from '../support/engine';

let world: ChecklistWorld;
let app: ServedApp;

test.beforeAll(async () => {
  world = await checklistWorld();
  const home = tempDir('pci-e2e-checklist-');
  const engine = testEngine({ home });
  await world.saveProfile(engine);
  await engine.dispose();
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await world?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/checklist-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `checklist ${name}`);
}

const step = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });
const check = (page: Page, id: string, status: string) => page.locator(`[data-check="${id}"][data-status="${status}"]`);

test('prepares an update, then catches a bad one and links to the rollback', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pre-update checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Pre-update checklist' })).toBeVisible();
  await shot(page, '1-start');
  await page.getByRole('button', { name: 'Prepare an update' }).click();

  // 1. Versions.
  await expect(step(page, 'Versions')).toBeVisible();
  await page.getByLabel('Version you have now').fill('2.3.0');
  await page.getByLabel('Version you will install (optional)').fill('2.4.0');
  await shot(page, '2-versions');
  await page.getByRole('button', { name: 'Run the checks' }).click();

  // 2. Checks: no backup yet; the fix runs inline and the checks run again by themselves.
  await expect(step(page, 'Checks')).toBeVisible();
  await expect(check(page, 'backup', 'fail')).toBeVisible({ timeout: 30_000 });
  await expect(check(page, 'mongo', 'pass')).toBeVisible();
  await shot(page, '3-checks-no-backup');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Please check this step' })).toContainText('did not pass');
  await page.getByRole('button', { name: 'Back up and verify now' }).click();
  await expect(page.getByText('Backing up and verifying before the update')).toBeVisible();
  await expect(check(page, 'backup', 'pass')).toBeVisible({ timeout: 45_000 });
  await expect(page.getByRole('status').filter({ hasText: 'Every check passed' })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-status="fail"], [data-status="warn"]')).toHaveCount(0);
  await shot(page, '4-checks-passed');
  // Leaving for now and coming back resumes at the checks, not at "Versions".
  await page.getByRole('button', { name: 'Leave for now' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pre-update checklist' }).click();
  await expect(step(page, 'Checks')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Every check passed' })).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();

  // 3. Confirmations, then "Ready to update".
  await expect(step(page, 'Confirmations')).toBeVisible();
  for (const c of CONFIRMATIONS) {
    await page.getByLabel(c.label).check();
    await expect(page.getByLabel(c.label)).toBeChecked();
  }
  await expect(page.getByText('Still to do before the update')).toBeHidden();
  await shot(page, '5-confirmations');
  await page.getByRole('button', { name: 'Ready to update' }).click();
  await expect(step(page, 'Update')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Ready to update' })).toBeVisible();
  await shot(page, '6-ready');

  // The update happens (badly) while the app waits; it remembers the open update across a reload.
  await world.breakInstallation({ dropCollection: 'shares', deleteFiles: 3 });
  world.setVersion('2.4.0');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'After updating PCI File Manager' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'After updating PCI File Manager' })).toBeVisible();
  await expect(page.getByText('Version before the update: 2.3.0')).toBeVisible();
  await shot(page, '7-after-intro');
  await page.getByRole('button', { name: 'Check the result' }).click();

  // 4. The result: losses fail, with "Roll back".
  await expect(step(page, 'Result')).toBeVisible({ timeout: 30_000 });
  await expect(check(page, 'mongo', 'fail')).toContainText('shares');
  await expect(check(page, 'r2', 'fail')).toContainText('3 files are gone');
  await expect(check(page, 'consistency', 'fail')).toBeVisible();
  await expect(check(page, 'version', 'pass')).toContainText('Updated from 2.3.0 to 2.4.0');
  await page.getByLabel('Notes for the record').fill('Update to 2.4.0 dropped the shares collection.');
  await page.getByLabel('Notes for the record').blur();
  await shot(page, '8-after-failed');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the report' }).click();
  const report = await download;
  expect(report.suggestedFilename()).toMatch(/^update-Office-.*\.html$/);
  const html = fs.readFileSync(await report.path(), 'utf8');
  expect(html).toContain('2.3.0 → 2.4.0');
  expect(html).toContain('dropped the shares collection');
  const printable = await page.context().newPage();
  await printable.setContent(html);
  await printable.screenshot({ path: 'test-results/screens/checklist-10-report.png', fullPage: true });
  await printable.close();

  const snapshot = await page.evaluate(async () => {
    const r = await fetch('/api/checklist.current', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ profile: 'Office' }) });
    return ((await r.json()) as { result: { snapshotId: string } }).result.snapshotId;
  });
  expect(snapshot).toMatch(/^[0-9a-f]{32}$/);
  await check(page, 'mongo', 'fail').getByRole('button', { name: 'Roll back' }).click();
  await expect(page).toHaveURL(new RegExp(`#/restore\\?snapshot=${snapshot}&profile=Office$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await shot(page, '9-rollback');

  // The rollback itself (the wizard's steps), then the checks again: the update's story keeps both.
  const next = () => page.getByRole('button', { name: 'Next', exact: true }).click();
  await next();
  await next();
  await expect(page.getByTestId('plan-database')).toBeVisible({ timeout: 30_000 });
  await next();
  await page.getByRole('button', { name: 'Save what exists now', exact: true }).click();
  await expect(page.getByTestId('safety-saved')).toBeVisible({ timeout: 30_000 });
  await next();
  await page.getByLabel('Type RESTORE to confirm').fill('RESTORE');
  await page.getByRole('button', { name: 'Roll back now' }).click();
  await expect(page.getByTestId('result-ok')).toBeVisible({ timeout: 60_000 });
  world.setVersion('2.3.0'); // the old version installed again

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Pre-update checklist' }).click();
  const checkResult = page.getByRole('button', { name: 'Check the result' });
  if (await checkResult.isVisible()) await checkResult.click();
  await page.getByRole('button', { name: 'Run the checks again' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rolled back: everything is as before the update' })).toBeVisible({ timeout: 30_000 });
  await shot(page, '11-after-rollback');
  const again = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export the report' }).click();
  const story = fs.readFileSync(await (await again).path(), 'utf8');
  expect(story).toContain('2.3.0 → 2.4.0'); // the update's target, not "2.3.0 → 2.3.0"
  expect(story).toContain('Rolled back to before the update after the checks found problems. The checks after the rollback passed.');
  expect(story).toMatch(/What happened after the update[\s\S]*Failed[\s\S]*Rollback[\s\S]*Done[\s\S]*Passed/);
  const printed = await page.context().newPage();
  await printed.setContent(story);
  await printed.screenshot({ path: 'test-results/screens/checklist-12-report-rolled-back.png', fullPage: true });
  await printed.close();

  // Closed, the update is "Rolled back" in the past updates, not "Finished".
  await page.getByRole('button', { name: 'Done', exact: true }).click();
  const past = page.getByRole('table', { name: 'Past updates' });
  await expect(past.getByRole('row').nth(1)).toContainText('Rolled back', { timeout: 30_000 });
  await expect(past.getByRole('row').nth(1)).toContainText('2.3.0 → 2.4.0');
  await shot(page, '13-past-updates');

  // History: the failed after-checks are "Found problems", not "Succeeded".
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
  const afterRuns = page.getByRole('table', { name: 'Operations' }).getByRole('row').filter({ hasText: 'Checks after updating' });
  await expect(afterRuns.first().locator('[data-status="succeeded"]')).toBeVisible(); // the last run, after the rollback
  await expect(afterRuns.locator('[data-status="problems"]').first()).toHaveText('Found problems'); // the run before it
});
