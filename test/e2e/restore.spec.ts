// The rollback wizard in a real browser against `pci-maint serve` and real test servers seeded with a
// PCI File Manager dataset: a backup before an update, a simulated bad upgrade (a collection dropped,
// files deleted), then the wizard step by step — restore point, what to restore, preview, safety
// backup, typed confirmation, progress, verified result — and the data is back. Screenshots of
// every step go to test-results/screens/restore-*.png.
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { startOffice, type Office } from '../support/office';
import { expectAccessible } from '../support/axe';
import type { MongoTestServer } from '../support/mongo-wire';
import type { S3TestServer } from '../support/s3';
import { r2Client } from '../support/s3/client';
import type { DatasetSummary } from '../support/dataset';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';

let office: Office;
let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let app: ServedApp;
let home: string;
let deleted: string[];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  office = await startOffice('restore');
  ({ mongo, s3, data, home } = office);
  const { engine } = office;
  for (const tags of [['scheduled'], ['pre-update']]) {
    const backup = await engine.jobs.wait(startBackupJob(engine, 'Office', { tags }).id);
    expect(backup.status).toBe('succeeded');
  }
  await engine.close();

  // The bad upgrade: a collection dropped, some files deleted from the bucket.
  const client = new MongoClient(`${mongo.uri}pcifm`);
  await client.db('pcifm').collection('shares').drop();
  await client.close();
  const r2 = r2Client(s3);
  const listed = await r2.send(new ListObjectsV2Command({ Bucket: 'pci-files', MaxKeys: 200 }));
  deleted = (listed.Contents ?? []).slice(0, 6).map((o) => o.Key!);
  for (const Key of deleted) await r2.send(new DeleteObjectCommand({ Bucket: 'pci-files', Key }));
  r2.destroy();

  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await office?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/restore-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `restore ${name}`);
}

const step = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });
const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();

test('rolls the dataset back after a bad upgrade, step by step, and proves it', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Restore', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Roll back to an earlier state' })).toBeVisible();

  // 1. Restore point: the one before the update is highlighted; choose it.
  await expect(step(page, 'Choose a restore point')).toBeVisible();
  const before = page.getByText(/^Before the update on /);
  await expect(before).toBeVisible();
  await expect(page.getByText('Not verified yet').first()).toBeVisible();
  await expect(page.getByText('Scheduled', { exact: true })).toBeVisible();
  await next(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Choose a restore point first.' })).toBeVisible();
  await before.click();
  await shot(page, '1-restore-point');
  await next(page);

  // 2. What to restore: everything (the default).
  await expect(step(page, 'Choose what to restore')).toBeVisible();
  await expect(page.getByRole('radio', { name: /Everything/ })).toBeChecked();
  await expect(page.getByText(/collections( and \d+ views?)?, [\d,]+ documents\), [\d,]+ files in R2/)).toBeVisible();
  await shot(page, '2-what');
  await next(page);

  // 3. Preview: the dropped collection comes back, the deleted files are put back; nothing changed yet.
  await expect(step(page, 'Preview: what will change')).toBeVisible();
  const database = page.getByTestId('plan-database');
  await expect(database).toBeVisible({ timeout: 30_000 });
  await expect(database.getByRole('row', { name: /shares/ })).toContainText('Created again (missing now)');
  await expect(page.getByTestId('plan-put')).toContainText(`${deleted.length} files`);
  await expect(page.getByTestId('plan-put')).toContainText(`${deleted.length} missing now, 0 changed since`);
  await expect(page.getByText('Nothing has been changed yet')).toBeVisible();
  await shot(page, '3-preview');
  await next(page);

  // 4. Safety backup of what exists now.
  await expect(step(page, 'Safety backup')).toBeVisible();
  await next(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Make the safety backup first' })).toBeVisible();
  await page.getByRole('button', { name: 'Save what exists now', exact: true }).click();
  await expect(page.getByTestId('safety-saved')).toBeVisible({ timeout: 30_000 });
  await shot(page, '4-safety-backup');
  await next(page);

  // 5. Typed confirmation.
  await expect(step(page, 'Confirm the rollback')).toBeVisible();
  const go = page.getByRole('button', { name: 'Roll back now' });
  await expect(go).toBeDisabled();
  // A wrong word says why the button stays grey; the word in small letters is accepted.
  await page.getByLabel('Type RESTORE to confirm').fill('restroe');
  await expect(go).toBeDisabled();
  await expect(page.getByText('That is not the word RESTORE')).toBeVisible();
  await page.getByLabel('Type RESTORE to confirm').fill('restore');
  await expect(go).toBeEnabled();
  await expect(page.getByText('That is not the word RESTORE')).toBeHidden();
  await shot(page, '5-confirm');

  // 6. Running: R2 answers slowly for a moment, so the progress can be seen (and photographed).
  s3.faults.delay(1500, { match: { op: 'PutObject' }, times: 2 });
  await go.click();
  await expect(step(page, 'Rolling back')).toBeVisible();
  await expect(page.getByText(/of 6 files/)).toBeVisible({ timeout: 30_000 }); // the R2 phase's own progress line
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeEnabled();
  await shot(page, '6-running');

  // 7. Result: verified, with what to do next.
  await expect(page.getByTestId('result-ok')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('result-ok')).toContainText('Everything was checked and matches the restore point.');
  await expect(page.getByTestId('result-proof').getByRole('row', { name: /shares/ })).toContainText('byte for byte');
  await expect(page.getByText('Start PCI File Manager again.')).toBeVisible();
  await expect(page.getByRole('button', { name: /Undo this rollback/ })).toBeVisible();
  await shot(page, '7-result');

  // The data is really back.
  const client = new MongoClient(`${mongo.uri}pcifm`);
  expect(await client.db('pcifm').collection('shares').countDocuments()).toBe(data.collections.shares);
  await client.close();
  const r2 = r2Client(s3);
  for (const Key of deleted) await r2.send(new HeadObjectCommand({ Bucket: 'pci-files', Key }));
  r2.destroy();

  // "Undo" links to the wizard with the safety backup chosen (the same link the checklist and dashboard use).
  await page.getByRole('button', { name: /Undo this rollback/ }).click();
  await expect(step(page, 'Choose a restore point')).toBeVisible();
  await expect(page.locator('[data-testid^="point-"][aria-checked="true"]')).toContainText('Safety copy before a rollback');
  await shot(page, '8-undo-link');

  // History keeps the restore.
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History', exact: true }).click();
  await expect(page.getByText(/Roll back "Office" to the restore point of/).first()).toBeVisible();
});

test('says plainly when there is nothing to restore yet', async ({ page }) => {
  const empty = await serveApp();
  try {
    await page.goto(`${empty.url}#/restore`);
    await expect(page.getByRole('heading', { level: 1, name: 'Roll back to an earlier state' })).toBeVisible();
    await expect(page.getByText('No connection yet')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Connect PCI File Manager' })).toBeVisible();
    await shot(page, '0-no-connection');
  } finally {
    await empty.stop();
  }
});
