// "Found problems" as its own outcome, in a real browser against `pci-maint serve` and real test
// servers seeded with a PCI File Manager dataset (which has planted anomalies): a storage check that
// ran fine but found missing files is "Found problems" (amber) on the check's page, in History (and
// its filter), in the run's details and on the dashboard — never "Succeeded" — and the webhook
// notification (a real HTTP receiver on 127.0.0.1) and the log's desktop notification say the same.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_NOTIFY } from '../../shared/api/schedule';
import { serveApp, type ServedApp } from '../support/serve';
import { startOffice, type Office } from '../support/office';
import type { DatasetSummary } from '../support/dataset';

let office: Office;
let data: DatasetSummary;
let app: ServedApp;
let home: string;
let receiver: http.Server;
const posts: Array<Record<string, unknown>> = [];

test.beforeAll(async () => {
  office = await startOffice('outcomes');
  ({ data, home } = office);
  const { engine } = office;
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, webhook: { enabled: true, format: 'json', onSuccess: false } }, { webhookUrl: url });
  await engine.close();
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await Promise.all([office?.close(), new Promise((r) => receiver?.close(r))]);
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/outcomes-${name}.png`, fullPage: true });
}

test('a storage check that found problems says "Found problems" in history, details, dashboard and notifications', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${app.url}#/check`);
  await page.getByRole('button', { name: 'Start the check' }).click();
  await expect(page.getByTestId('check-problems')).toBeVisible({ timeout: 30_000 });
  const missing = data.anomalies.missingObjects.length;

  // History: amber "Found problems" with what it found, and the filter finds it.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' }).click();
  const table = page.getByRole('table', { name: 'Operations' });
  const row = table.getByRole('row').filter({ hasText: 'Storage check of "Office"' });
  await expect(row.locator('[data-status="problems"]')).toHaveText('Found problems');
  await expect(row).toContainText(`${missing} file records point to missing files`);
  // Amber words dark enough to read (WCAG AA on white), not the 4.3:1 of Mantine's orange.
  await expect(row.getByText(/file records point to missing files/)).toHaveCSS('color', 'rgb(179, 71, 0)');
  await expect(table).not.toContainText('Succeeded');
  await shot(page, '1-history');
  await page.getByRole('combobox', { name: 'Result' }).click();
  await page.getByRole('option', { name: 'Found problems' }).click();
  await expect(table.getByRole('row')).toHaveCount(2); // the header and the check

  // The run's details: the outcome and what it found, in amber words, not as a failure.
  await row.getByRole('link', { name: 'Storage check of "Office"' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Storage check of "Office"' })).toBeVisible();
  await expect(page.locator('[data-status="problems"]')).toHaveText('Found problems');
  await expect(page.getByRole('alert').filter({ hasText: 'What it found' })).toContainText('restore them from a backup');
  await shot(page, '2-run-details');

  // The dashboard: the last operation and the storage check card.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(page.getByLabel('Last operation').locator('[data-status="problems"]')).toHaveText('Found problems');
  await expect(page.getByTestId('card-consistency')).toContainText(/\d+ problems found/);
  await shot(page, '3-dashboard');

  // Notifications: the webhook got "problems" (not "succeeded", which it would not even be sent for).
  await expect.poll(() => posts.length, { timeout: 10_000 }).toBeGreaterThan(0);
  expect(posts[0]).toMatchObject({ event: 'problems', profile: 'Office', kind: 'consistency', title: 'Storage check of "Office" found problems' });
  expect(String(posts[0].message)).toContain(`${missing} file records point to missing files`);
  // In browser mode the desktop notification goes to the log, in the same words.
  const logs = path.join(home, 'logs');
  await expect.poll(() => fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), 'utf8')).join('\n')).toContain('notification: Storage check of "Office" found problems');
});
