// Backups on an event in a real browser against `pci-maint serve`: make a trigger token on the
// Maintenance page (shown once, with the hook line), call the trigger with it over HTTP as an app's
// hook would, see the event backup in the history with its tag, revoke the token; and change how
// long event-triggered backups are kept, with a preview of the clean-up saying why each one stays.
import { expect, test, type Page } from '@playwright/test';
import { TEST_TRIGGER_SETTLE_ENV } from '../../electron/core/runtime-mode';
import { serveApp, type ServedApp } from '../support/serve';
import { startOffice, type Office } from '../support/office';
import { expectAccessible } from '../support/axe';
import { post } from '../support/trigger';

let office: Office;
let app: ServedApp;

test.beforeAll(async () => {
  office = await startOffice('triggers');
  await office.engine.dispose();
  app = await serveApp({ home: office.home, env: { [TEST_TRIGGER_SETTLE_ENV]: '300' } });
});

test.afterAll(async () => {
  await app?.stop();
  await office?.close();
});

async function shot(page: Page, name: string, locator?: ReturnType<Page['locator']>): Promise<void> {
  if (locator) await locator.screenshot({ path: `test-results/screens/triggers-${name}.png` });
  else await page.screenshot({ path: `test-results/screens/triggers-${name}.png`, fullPage: true });
  await expectAccessible(page, `triggers ${name}`);
}

const trigger = (token: string, body?: string) => post(new URL(app.origin).port, '/api/trigger/Office', { token, body });

async function openMaintenance(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Maintenance' })).toBeVisible();
}

test('makes a trigger token, an app uses it, the event backup is in the history, the token is revoked', async ({ page }) => {
  await openMaintenance(page);
  const card = page.getByRole('region', { name: 'Backups on an event' });
  await expect(card).toContainText('No trigger tokens yet.');
  await card.getByLabel('Name of the new token').fill('Gallery app');
  await card.getByRole('button', { name: 'Make a trigger token' }).click();
  const shown = card.getByRole('alert', { name: 'New trigger token' });
  await expect(shown).toContainText('This is the only time it is shown');
  const hook = (await card.getByTestId('trigger-hook').innerText()).trim();
  expect(hook).toMatch(new RegExp(`^curl -X POST -H "Authorization: Bearer pcit_[\\w-]+" ${app.origin}/api/trigger/Office$`));
  await expect(card.getByRole('table', { name: 'Trigger tokens' })).toContainText('Gallery app');
  await shot(page, '1-token-made', card);

  const token = /Bearer (\S+)"/.exec(hook)![1];
  const answer = await trigger(token, '{"tag":"gallery-added"}');
  expect(answer.status).toBe(202);
  expect(answer.json).toMatchObject({ ok: true, coalesced: false, tags: ['event', 'gallery-added'] });

  await card.getByRole('button', { name: 'I have copied it' }).click();
  await expect(shown).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
  const row = page.getByRole('row').filter({ hasText: 'Event backup of "Office" (gallery-added)' });
  await expect(row).toContainText('Succeeded', { timeout: 60_000 });
  await shot(page, '2-history');

  await openMaintenance(page);
  const table = card.getByRole('table', { name: 'Trigger tokens' });
  await expect(table.getByRole('row').filter({ hasText: 'Gallery app' })).not.toContainText('Never');
  await table.getByRole('button', { name: 'Revoke “Gallery app”' }).click();
  await expect(card).toContainText('No trigger tokens yet.');
  expect((await trigger(token)).status).toBe(401);
});

test('changes how long event-triggered backups are kept', async ({ page }) => {
  await openMaintenance(page);
  const card = page.getByRole('region', { name: 'How long backups are kept' });
  await expect(card).toContainText('These are the defaults.');
  const events = card.getByLabel('Backups asked for by an event');
  await expect(events).toHaveValue('90');
  await events.fill('30');
  await card.getByLabel('Another tag').fill('gallery-added');
  await card.getByRole('button', { name: 'Add tag rule' }).click();
  await expect(card.getByLabel('Backups tagged “gallery-added”')).toHaveValue('30');
  // A preview with the rules on the screen, before saving: the event backup made above stays, and why.
  await card.getByRole('button', { name: 'Preview a clean-up with these rules' }).click();
  const preview = card.getByRole('region', { name: 'Clean-up preview' });
  await expect(preview.getByRole('status')).toContainText('would remove 0 of 1 restore points', { timeout: 30_000 });
  await expect(preview.getByRole('table', { name: 'Restore points and the rules' })).toContainText('event, 30 days');
  await card.getByRole('button', { name: 'Save retention rules' }).click();
  await expect(card.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await shot(page, '3-retention');

  await page.reload();
  await expect(page.getByRole('region', { name: 'How long backups are kept' }).getByLabel('Backups asked for by an event')).toHaveValue('30');
});
