// The maintenance plan page in a real browser against `pci-maint serve`: what is due, "Run now" on one
// check, signing a manual step off with a note, switching an item off and moving one to another
// frequency, and "Run all checks now" finding something to do. Each step is photographed and checked
// with axe-core (the screenshots feed the user guide).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { saveProfile } from '../../electron/core/profiles/service';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';
import { tempDir, testEngine } from '../support/engine';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';

let app: ServedApp;
let root: string;
let mongo: MongoTestServer;
let health: http.Server;

test.beforeAll(async () => {
  root = tempDir('pci-e2e-plan-');
  const home = path.join(root, 'home');
  fs.mkdirSync(path.join(root, 'backups'));
  mongo = await startMongoTestServer();
  health = http.createServer((_req, res) => res.end('{"status":"ok"}'));
  await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
  const engine = testEngine({ home });
  await saveProfile(
    engine,
    {
      name: 'Office',
      sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }],
      destination: { kind: 'folder', path: path.join(root, 'backups') },
      app: { healthUrl: `http://127.0.0.1:${(health.address() as AddressInfo).port}/health` },
    },
    { mongoUri: `${mongo.uri}pcifm` },
  );
  await engine.dispose();
  app = await serveApp({ home });
});

test.afterAll(async () => {
  await app?.stop();
  health?.closeAllConnections();
  await new Promise((r) => health?.close(r));
  await mongo?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

async function shot(page: Page, name: string, locator?: ReturnType<Page['locator']>): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  if (locator) await locator.screenshot({ path: `test-results/screens/plan-${name}.png` });
  else await page.screenshot({ path: `test-results/screens/plan-${name}.png`, fullPage: true });
  await expectAccessible(page, `plan ${name}`);
}

async function openPlan(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance plan', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Maintenance plan' })).toBeVisible();
}

// Every step is photographed and checked by axe: more than the default minute on a busy machine.
test.describe.configure({ timeout: 180_000 });

test('shows what is due, runs one check and signs a manual step off', async ({ page }) => {
  await openPlan(page);
  await expect(page.getByTestId('plan-due')).toHaveText('15 items are due.');
  const daily = page.getByRole('table', { name: 'Every day' });
  await expect(daily.getByRole('row')).toHaveCount(7);
  await expect(daily.locator('[data-item="app-health"]')).toContainText('Due now');
  await shot(page, '1-page');

  await page.getByRole('button', { name: 'Run now: The app answers' }).click();
  await expect(page.getByTestId('result-app-health')).toContainText('The app answered in');
  await expect(daily.locator('[data-item="app-health"]')).toContainText('Checked');
  await expect(page.getByTestId('plan-due')).toHaveText('14 items are due.');
  await shot(page, '2-run-one', daily);

  const weekly = page.getByRole('table', { name: 'Every week' });
  await page.getByRole('button', { name: 'Mark as done: Tell users about the maintenance window' }).click();
  await page.getByLabel('Note for “Tell users about the maintenance window”').fill('E-mail sent: Tuesday 03:00–05:00, about an hour.');
  await shot(page, '3-sign-off', weekly);
  await weekly.getByRole('button', { name: 'Sign off' }).click();
  await expect(page.getByTestId('note-announce-window')).toContainText('E-mail sent: Tuesday 03:00–05:00');
  await expect(weekly.locator('[data-item="announce-window"]')).toContainText('Done');
  await expect(page.getByRole('table', { name: 'Steps signed off' })).toContainText('Tell users about the maintenance window');
  await shot(page, '4-signed-off', page.getByRole('region', { name: 'Steps signed off' }));
});

test('switches an item off, changes a frequency, and runs all checks', async ({ page }) => {
  await openPlan(page);
  const settings = page.getByRole('region', { name: 'Plan settings' });
  // Switches by keyboard (the fixed header can cover a switch scrolled to the top of the window).
  await settings.getByRole('switch', { name: 'Include: Memory and processor of this computer' }).focus();
  await page.keyboard.press('Space');
  await expect(settings.getByRole('status')).toHaveText('“Memory and processor of this computer” is now switched off.');
  await expect(page.getByRole('table', { name: 'Every day' }).locator('[data-item="resources"]')).toContainText('Switched off');
  await settings.getByRole('combobox', { name: 'How often: Review who signed in' }).selectOption('monthly');
  await expect(page.getByRole('table', { name: 'Every month' }).locator('[data-item="review-access"]')).toBeVisible();
  const daily = settings.getByRole('switch', { name: 'Run the checks that are due every day' });
  await expect(daily).not.toBeChecked();
  await daily.focus();
  await page.keyboard.press('Space');
  await expect(daily).toBeChecked();
  await expect(settings.getByRole('status')).toHaveText('The due checks will run every day.');
  await expect(settings).toContainText('Next:');
  await shot(page, '5-settings', settings);

  await page.getByRole('button', { name: 'Run all checks now' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Some checks found something to do' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('result-backups')).toContainText('No backup has been made yet.');
  await expect(page.getByTestId('result-backups')).toContainText('Make your first backup');
  await expect(page.getByTestId('result-db-validate')).toContainText('has no collections to verify');
  await expect(page.getByTestId('result-tls-cert')).toContainText('Not checked');
  await shot(page, '6-run-all');
});
