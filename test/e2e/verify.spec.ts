// The verify wizard and the storage check in a real browser against `pci-maint serve`, real test
// servers seeded with a PCI File Manager dataset, and a real backup: choose → progress → result, then
// the same after a blob is damaged on disk; the storage check with the dataset's planted anomalies;
// and the plain empty state of a new installation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { startOffice, type Office } from '../support/office';
import { expectAccessible } from '../support/axe';
import type { MongoTestServer } from '../support/mongo-wire';
import type { S3TestServer } from '../support/s3';
import type { DatasetSummary } from '../support/dataset';
import { testEngine } from '../support/engine';
import { saveProfile } from '../../electron/core/profiles/service';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { FolderStore, Repository } from '../../electron/core/repository';
import { removeBlob } from '../support/blob-on-disk';

let office: Office;
let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let app: ServedApp;
let home: string;
let backups: string;

test.beforeAll(async () => {
  office = await startOffice('verify');
  ({ mongo, s3, data, home, backups } = office);
  const { engine } = office;
  const backup = await engine.jobs.wait(startBackupJob(engine, 'Office').id);
  expect(backup.status).toBe('succeeded');
  await engine.close();
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await office?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/verify-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `verify ${name}`);
}

async function chooseAndStart(page: Page, depth: 'Quick check' | 'Sample check' | 'Full check', testRestore: boolean): Promise<void> {
  await expect(page.getByRole('heading', { level: 2, name: 'Choose' })).toBeVisible();
  await page.getByRole('radio', { name: depth }).check();
  const restore = page.getByRole('checkbox', { name: /Also restore the database/ });
  if (testRestore) await restore.check();
  else await restore.uncheck();
}

test('verifies the latest backup: choose, watch it run, read the result', async ({ page }) => {
  await page.goto(`${app.url}#/verify`);
  await expect(page.getByRole('heading', { level: 1, name: 'Verify a backup' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Backup to check' })).toHaveValue(/^Latest: /);
  await expect(page.getByText('Not verified yet')).toBeVisible();
  await chooseAndStart(page, 'Full check', true);
  await shot(page, '1-choose');

  // Slow MongoDB down while the test restore runs, so the running step can be seen (and photographed).
  mongo.faults.delayReplies(150);
  await page.getByRole('button', { name: 'Start the check' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Checking' })).toBeVisible();
  await expect(page.getByText('Test restore into scratch collections')).toBeVisible();
  await expect(page.getByRole('progressbar')).toBeVisible();
  await shot(page, '2-running');
  mongo.faults.clear();

  const ok = page.getByTestId('verify-ok');
  await expect(ok).toBeVisible({ timeout: 30_000 });
  await expect(ok).toContainText(/Your backup from .* is complete and readable\./);
  await expect(ok).toContainText('collections were restored as a test and matched');
  await shot(page, '3-result-ok');

  // Back at the start, the restore point now shows it passed.
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText(/Full check passed/)).toBeVisible();
});

test('names the damaged file and says what to do', async ({ page }) => {
  const repo = await Repository.open(new FolderStore(backups));
  const [latest] = (await repo.listSnapshots()).reverse();
  let victim = '';
  for await (const e of repo.readManifest(latest)) {
    if (e.kind === 'r2-object' && e.size > 10_000) {
      victim = e.path;
      const id = e.chunks[0].id;
      await removeBlob(backups, id);
      break;
    }
  }
  await page.goto(`${app.url}#/verify`);
  await chooseAndStart(page, 'Quick check', false);
  await page.getByRole('button', { name: 'Start the check' }).click();
  const problems = page.getByTestId('verify-problems');
  await expect(problems).toBeVisible({ timeout: 30_000 });
  // The file's content may also be another item's (stored once): each item using it is named.
  await expect(problems).toContainText(/We found (a problem|\d+ problems) in your backup from/);
  await expect(problems).toContainText('Make a new backup now');
  const table = page.getByRole('table', { name: 'Problems found' });
  await expect(table).toContainText('Missing');
  await expect(table).toContainText(victim);
  await shot(page, '4-result-problems');
});

test('the storage check lists the planted anomalies and offers the CSV', async ({ page }) => {
  await page.goto(`${app.url}#/check`);
  await expect(page.getByRole('heading', { level: 1, name: 'Storage check' })).toBeVisible();
  await page.getByRole('button', { name: 'Start the check' }).click();
  const problems = page.getByTestId('check-problems');
  await expect(problems).toBeVisible({ timeout: 30_000 });
  await expect(problems).toContainText(`${data.anomalies.missingObjects.length + data.anomalies.sizeMismatches.length} files are missing or incomplete in R2`);
  await expect(page.getByRole('table', { name: 'Missing files' })).toContainText(data.anomalies.missingObjects[0]);
  await page.getByRole('tab', { name: /Files without a record/ }).click();
  await expect(page.getByRole('table', { name: 'Files without a record' })).toContainText(data.anomalies.orphanObjects[0]);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the full list (CSV)' }).click();
  expect((await download).suggestedFilename()).toMatch(/^storage-check-.*\.csv$/);
  await page.screenshot({ path: 'test-results/screens/check-result.png', fullPage: true });
});

test('without a connection or a backup it says so plainly, and where to start', async ({ page }) => {
  const empty = await serveApp();
  const home2 = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-verify-'));
  const nothing = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-backups-'));
  try {
    await page.goto(`${empty.url}#/verify`);
    await expect(page.getByTestId('verify-empty')).toContainText('No PCI File Manager installation is connected yet');
    await shot(page, '0-empty');
    await page.getByRole('button', { name: 'Connect PCI File Manager' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connect PCI File Manager' })).toBeVisible();

    // Connected, but nothing backed up yet.
    const engine = testEngine({ home: home2 });
    await saveProfile(engine, { name: 'New office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId }], destination: { kind: 'folder', path: nothing } }, {});
    await engine.close();
    const connected = await serveApp({ home: home2 });
    try {
      await page.goto(`${connected.url}#/verify`);
      await expect(page.getByTestId('verify-empty')).toContainText('There are no backups of “New office” yet');
      await shot(page, '0-no-backups');
      await page.getByRole('button', { name: 'Make a backup' }).click();
      await expect(page).toHaveURL(/#\/backup$/);
    } finally {
      await connected.stop();
    }
  } finally {
    await empty.stop();
    for (const dir of [home2, nothing]) fs.rmSync(dir, { recursive: true, force: true });
  }
});
