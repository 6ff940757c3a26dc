// The automated accessibility check: axe-core (WCAG 2.1 A/AA) on every page of the app and on the
// steps of its wizards, in the light and the dark colour scheme, against `pci-maint serve` with a
// real connection, a real backup and a finished check (so the pages show their content, not only
// their empty states). Any serious or critical violation fails the test and names the elements.
// Keyboard access is checked here too: the skip link is the first Tab stop, and navigating moves
// the focus to the new page's heading.
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { startOffice, type Office } from '../support/office';
import type { MongoTestServer } from '../support/mongo-wire';
import type { S3TestServer } from '../support/s3';
import { expectAccessible } from '../support/axe';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';

let office: Office;
let mongo: MongoTestServer;
let s3: S3TestServer;
let app: ServedApp;
let home: string;
let backups: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  office = await startOffice('a11y');
  ({ mongo, s3, home, backups } = office);
  const { engine } = office;
  const backup = await engine.jobs.wait(startBackupJob(engine, 'Office', { tags: ['manual'] }).id);
  expect(backup.status).toBe('succeeded');
  await engine.close();
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await office?.close();
});

const PAGES: { link: string; heading: string | RegExp }[] = [
  { link: 'Dashboard', heading: 'Dashboard' },
  { link: 'Backup', heading: 'Make a backup' },
  { link: 'Restore points', heading: 'Restore points' },
  { link: 'Verify', heading: 'Verify a backup' },
  { link: 'Storage check', heading: 'Storage check' },
  { link: 'Restore', heading: 'Roll back to an earlier state' },
  // With an update open (the wizards' test opens one), the checklist shows it.
  { link: 'Pre-update checklist', heading: /^(Pre-update checklist|Before updating PCI File Manager)$/ },
  { link: 'History', heading: 'History' },
  { link: 'Support', heading: 'Support bundle' },
  { link: 'Maintenance plan', heading: 'Maintenance plan' },
  { link: 'Maintenance', heading: 'Maintenance' },
  { link: 'Settings', heading: 'Settings' },
];

test.use({ actionTimeout: 20_000 });

const step = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });
const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();

async function check(page: Page, scheme: string, where: string): Promise<void> {
  // Let transitions settle: axe measures the colours that are painted.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 250)))');
  await expectAccessible(page, `${where} (${scheme})`);
  // Nothing is wider than the window (the technical-details box once was 1364 px wide at 1280).
  const widths = await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]');
  expect.soft((widths as number[])[0], `width of ${where} (${scheme})`).toBeLessThanOrEqual((widths as number[])[1]);
  const file = `a11y-${scheme}-${where.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`.replace(/-+$/, '');
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join('test-results/screens', `${file}.png`), fullPage: true });
}

/** Every text field on the page says in one line what it is (the jargon of item 8 explained). */
async function expectFieldsExplained(page: Page, where: string): Promise<void> {
  const bare = await page.evaluate(`[...document.querySelectorAll('main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main textarea')]
    .filter((el) => !el.getAttribute('aria-describedby'))
    .map((el) => el.getAttribute('aria-label') || (el.labels && el.labels[0] ? el.labels[0].textContent : el.name))`);
  expect(bare, `fields without an explanation on ${where}`).toEqual([]);
}

async function openPage(browser: Browser, scheme: 'light' | 'dark'): Promise<Page> {
  const context = await browser.newContext({ colorScheme: scheme });
  const page = await context.newPage();
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  return page;
}

for (const scheme of ['light', 'dark'] as const) {
  test(`every page meets WCAG AA (${scheme})`, async ({ browser }) => {
    test.setTimeout(240_000);
    const page = await openPage(browser, scheme);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const p of PAGES) {
      await nav.getByRole('link', { name: p.link, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: p.heading })).toBeVisible();
      await check(page, scheme, p.link);
    }
    // A finished run's details, opened from the history.
    await nav.getByRole('link', { name: 'History', exact: true }).click();
    await page.getByRole('table').getByRole('link').first().click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await check(page, scheme, 'Run details');
    await page.context().close();
  });

  test(`the wizards' steps meet WCAG AA (${scheme})`, async ({ browser }) => {
    test.setTimeout(240_000);
    const page = await openPage(browser, scheme);
    const nav = page.getByRole('navigation', { name: 'Main' });

    // Backup: what, where, protection, review (not started).
    await nav.getByRole('link', { name: 'Backup', exact: true }).click();
    await expect(step(page, 'What to back up')).toBeVisible();
    await next(page);
    await expect(step(page, 'Where it goes')).toBeFocused();
    await expect(page.getByTestId('where-restore')).not.toBeEmpty({ timeout: 30_000 });
    await check(page, scheme, 'Backup where');
    await next(page);
    await expect(step(page, 'Protection')).toBeVisible();
    await check(page, scheme, 'Backup protection');
    await next(page);
    await expect(step(page, 'Review')).toBeVisible();
    await check(page, scheme, 'Backup review');
    // Cancel past the first step asks before dropping the choices made.
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'Leave this wizard?' })).toBeVisible();
    await check(page, scheme, 'Leave the wizard');
    await page.getByRole('button', { name: 'Stay here' }).click();
    await expect(step(page, 'Review')).toBeVisible();

    // Verify: a quick check, run to its result.
    await nav.getByRole('link', { name: 'Verify', exact: true }).click();
    await expect(step(page, 'Choose')).toBeVisible();
    await page.getByRole('radio', { name: 'Quick check' }).check();
    await page.getByRole('button', { name: 'Start the check' }).click();
    await expect(page.getByTestId('verify-ok')).toBeVisible({ timeout: 60_000 });
    // The result takes the focus, and the step indicator ticks every step, the last one too.
    await expect(page.getByRole('heading', { level: 2, name: 'Result' })).toBeFocused();
    await expect(page.getByTestId('steps').locator('[data-state]')).toHaveCount(3);
    await expect(page.getByTestId('steps').locator('[data-state="done"]')).toHaveCount(3);
    await check(page, scheme, 'Verify result');

    // Storage check: run, with the dataset's planted problems.
    await nav.getByRole('link', { name: 'Storage check', exact: true }).click();
    await page.getByRole('button', { name: /^(Start the check|Check again)$/ }).click();
    await expect(page.getByTestId('check-problems')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('check-result-region')).toBeFocused();
    await check(page, scheme, 'Storage check result');

    // Restore: restore point, what, preview (nothing is changed).
    await nav.getByRole('link', { name: 'Restore', exact: true }).click();
    await expect(step(page, 'Choose a restore point')).toBeVisible();
    await page.getByRole('radiogroup').getByRole('radio').first().check();
    await check(page, scheme, 'Restore point');
    await next(page);
    await expect(step(page, 'Choose what to restore')).toBeVisible();
    await check(page, scheme, 'Restore what');
    await next(page);
    await expect(page.getByTestId('plan-database')).toBeVisible({ timeout: 30_000 });
    await check(page, scheme, 'Restore preview');

    // Checklist: start, versions.
    await nav.getByRole('link', { name: 'Pre-update checklist', exact: true }).click();
    // The light run opened an update already; the dark one finds it where it was left.
    const prepare = page.getByRole('button', { name: 'Prepare an update' });
    await expect(step(page, 'Versions').or(prepare)).toBeVisible();
    if (await prepare.isVisible()) await prepare.click();
    await expect(step(page, 'Versions')).toBeVisible();
    await check(page, scheme, 'Checklist versions');

    // Connect: every step of a new connection, with its test results.
    await nav.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('button', { name: 'Add another connection' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connect PCI File Manager' })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'PCI File Manager' })).toBeChecked();
    await check(page, scheme, 'Connect what to keep safe');
    await page.getByRole('button', { name: 'Next' }).click();
    // A server that is not there: the failed checks, their technical details open.
    await page.getByLabel('MongoDB connection string').fill(`mongodb://pci:secret@127.0.0.1:1/pcifm?serverSelectionTimeoutMS=500&appName=${'a-long-application-name-'.repeat(8)}`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    const failed = page.getByRole('list', { name: 'MongoDB test results' });
    await expect(failed.locator('[data-status="fail"]').first()).toBeVisible({ timeout: 30_000 });
    for (const button of await failed.getByRole('button', { name: 'Show technical details' }).all()) await button.click();
    await check(page, scheme, 'Connect MongoDB failed');
    await page.getByLabel('MongoDB connection string').fill(`${mongo.uri}pcifm`);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('list', { name: 'MongoDB test results' })).toBeVisible({ timeout: 30_000 });
    await check(page, scheme, 'Connect MongoDB');
    await expectFieldsExplained(page, 'Connect MongoDB');
    await next(page);
    await expect(step(page, 'R2')).toBeVisible({ timeout: 30_000 });
    await page.getByText('Other S3-compatible storage').click();
    await page.getByLabel('Endpoint address').fill(s3.endpoint);
    // The demo's instructions name a region and path-style: the form has a place for both.
    await expect(page.getByLabel('Region')).toHaveValue('auto');
    await expect(page.getByRole('checkbox', { name: 'Path-style addresses' })).toBeChecked();
    await page.getByLabel('Bucket name').fill('pci-files');
    await page.getByLabel('Access Key ID').fill(s3.accessKeyId);
    await page.getByLabel('Secret Access Key').fill(s3.secretAccessKey);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect(page.getByRole('list', { name: 'R2 test results' })).toBeVisible({ timeout: 30_000 });
    await check(page, scheme, 'Connect R2');
    await expectFieldsExplained(page, 'Connect R2');
    await next(page);
    await expect(step(page, 'File records')).toBeVisible({ timeout: 30_000 });
    await check(page, scheme, 'Connect file records');
    await expectFieldsExplained(page, 'Connect file records');
    await next(page);
    await expect(step(page, 'Backup location')).toBeVisible();
    await page.getByLabel('Backup folder').fill(path.join(backups, 'second'));
    await check(page, scheme, 'Connect backup location');

    // Support: the options, then the preview.
    await nav.getByRole('link', { name: 'Support', exact: true }).click();
    await check(page, scheme, 'Support options');
    await page.context().close();
  });
}

test('the keyboard: a skip link first, and the focus follows the page', async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.screenshot({ path: 'test-results/screens/a11y-skip-link.png' });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeFocused();
  // The next Tab stop is in the page, not in the sidebar.
  await page.keyboard.press('Tab');
  expect(await page.evaluate('Boolean(document.activeElement?.closest("main"))')).toBe(true);

  // Navigating with the sidebar (by keyboard) moves the focus to the new page's heading.
  const history = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true });
  await history.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeFocused();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Restore points', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Restore points' })).toBeFocused();
});
