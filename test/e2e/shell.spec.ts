// The app shell in a real browser against `pci-maint serve`: every top-level screen (each checked
// with axe-core for WCAG AA), the dashboard, an empty history, and the token gate.
import { expect, test } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';

let app: ServedApp;
test.beforeEach(async () => {
  app = await serveApp();
});
test.afterEach(async () => {
  await app.stop();
});

const SCREENS = [
  { name: 'Dashboard', heading: 'Dashboard', file: 'dashboard' },
  { name: 'Backup', heading: 'Make a backup', file: 'backup' },
  { name: 'Restore points', heading: 'Restore points', file: 'restore-points' },
  { name: 'Verify', heading: 'Nothing to verify yet', file: 'verify' },
  { name: 'Storage check', heading: 'Storage check', file: 'storage-check' },
  { name: 'Restore', heading: 'Roll back to an earlier state', file: 'restore' },
  { name: 'Pre-update checklist', heading: 'Pre-update checklist', file: 'checklist' },
  { name: 'History', heading: 'History', file: 'history' },
  { name: 'Support', heading: 'Support bundle', file: 'support' },
  { name: 'Maintenance plan', heading: 'Maintenance plan', file: 'plan' },
  { name: 'Maintenance', heading: 'Maintenance', file: 'maintenance' },
  { name: 'Settings', heading: 'Settings', file: 'settings' },
];

test('the tokened URL opens the dashboard and every screen is reachable from the navigation', async ({ page }) => {
  // Twelve screens, each checked by axe: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  // The token left the address bar (it lives in an HTTP-only cookie now).
  expect(page.url()).not.toContain('token=');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const screen of SCREENS) {
    await nav.getByRole('link', { name: screen.name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: screen.heading })).toBeVisible();
    await expect(nav.getByRole('link', { name: screen.name, exact: true })).toHaveAttribute('aria-current', 'page');
    await page.screenshot({ path: `test-results/screens/${screen.file}.png`, fullPage: true });
    await expectAccessible(page, `${screen.name} (empty data folder)`);
  }
});

test('history shows its empty state on a new data folder', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  await expect(page.getByTestId('history-empty')).toContainText('Nothing has happened yet');
});

test('settings shows the real data folder of this run', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('table', { name: 'About this installation' })).toContainText(app.home);
});

test('without the token the page is refused', async ({ page }) => {
  const response = await page.goto(app.origin + '/');
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('Unauthorized');
});

test('the dark colour scheme follows the system', async ({ browser }) => {
  const context = await browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await page.screenshot({ path: 'test-results/screens/dashboard-dark.png', fullPage: true });
  await expectAccessible(page, 'Dashboard (dark, empty data folder)');
  await context.close();
});
