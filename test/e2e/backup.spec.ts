// The backup wizard and the restore points page in a real browser against `pci-maint serve` and real
// test servers seeded with a PCI File Manager dataset: a first backup step by step (with a passphrase)
// down to the result with real numbers; the restore points list (passphrase, filter, detail, dark
// mode); a backup cancelled midway that leaves no restore point; and the plain empty states.
// Screenshots go to test-results/screens/backup-*.png and restore-points-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { seedDataset, type DatasetSummary } from '../support/dataset';
import { testEngine } from '../support/engine';
import { saveProfile } from '../../electron/core/profiles/service';
import type { SourceInput } from '../../shared/profile';

const PASSPHRASE = 'correct horse battery staple 42';
let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let app: ServedApp;
let home: string;
let backups: string;
let branchBackups: string;
let config: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  data = await seedDataset({ mongoUri: `${mongo.uri}pcifm`, s3: { ...s3, bucket: 'pci-files' } });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-backup-'));
  backups = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-backups-'));
  branchBackups = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-branch-'));
  config = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-config-'));
  fs.writeFileSync(path.join(config, 'settings.json'), JSON.stringify({ storage: 'r2', bucket: 'pci-files' }));
  fs.writeFileSync(path.join(config, 'mail.conf'), 'smtp=mail.example.org\n');
  // Two saved connections (the wizard then asks which one), made by the app's own core.
  const engine = testEngine({ home });
  const pci: SourceInput[] = [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }];
  const base = {
    fileRecords: { ...data.fileRecords, deletedField: 'deletedAt' },
  };
  const secrets = { mongoUri: `${mongo.uri}pcifm`, r2SecretAccessKey: s3.secretAccessKey };
  await saveProfile(engine, { ...base, name: 'Office', sources: [...pci, { kind: 'folder', path: config }], destination: { kind: 'folder', path: backups } }, secrets);
  await saveProfile(engine, { ...base, name: 'Branch', sources: pci, destination: { kind: 'folder', path: branchBackups } }, secrets);
  await engine.close();
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await Promise.all([mongo?.close(), s3?.close()]);
  for (const dir of [home, backups, branchBackups, config]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  // A full-page shot of a scrolled page paints the fixed header mid-page: start from the top.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `backup ${name}`);
}

const step = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });
const next = (page: Page) => page.getByRole('button', { name: 'Next', exact: true }).click();
const rows = (page: Page) => page.getByRole('table', { name: 'Restore points' }).locator('tbody tr');

/** Start a backup through the HTTP API, as a scheduled run would (the page sees it through events). */
async function apiBackup(tags: string[]): Promise<void> {
  const res = await fetch(`${app.origin}/api/backup.start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-pci-token': app.token },
    body: JSON.stringify({ profile: 'Office', tags, passphrase: PASSPHRASE }),
  });
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
}

// The second test adds to the backup location the first one set up.
test.describe.serial('backup and restore points', () => {
  test('makes a first backup step by step, with a passphrase, and lists it', async ({ page }) => {
    test.setTimeout(300_000); // a real backup (and a second one) on a busy, shared machine
    const documents = Object.values(data.collections).reduce((a, b) => a + b, 0);
    await page.goto(`${app.url}#/backup`);
    await expect(page.getByRole('heading', { level: 1, name: 'Make a backup' })).toBeVisible({ timeout: 30_000 });

    // 1. What: the three parts, with the database's real numbers and the counted bucket.
    await expect(step(page, 'What to back up')).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'PCI File Manager installation' })).toHaveValue('Office');
    await expect(page.getByTestId('part-database')).toContainText(`${documents.toLocaleString('en-US')} documents`, { timeout: 30_000 });
    await expect(page.getByTestId('part-files')).toContainText(`${data.objects.count.toLocaleString('en-US')} files`, { timeout: 30_000 });
    await expect(page.getByTestId('part-folders')).toContainText(config);
    await shot(page, 'backup-1-what');
    await next(page);

    // 2. Where: the folder, its free space, and an estimate (everything, the first time).
    await expect(step(page, 'Where it goes')).toBeVisible();
    await expect(page.getByTestId('where-backup')).toHaveText(backups);
    await expect(page.getByTestId('where-free')).toContainText(' of ');
    await expect(page.getByTestId('where-restore')).toHaveText('None yet: this backup sets the location up', { timeout: 30_000 });
    await expect(page.getByTestId('where-this')).toContainText(/\d+(\.\d)? MB/);
    await shot(page, 'backup-2-where');
    await next(page);

    // 3. Protection: a passphrase typed twice, its strength, the warning; a mismatch is refused.
    await expect(step(page, 'Protection')).toBeVisible();
    await page.getByRole('checkbox', { name: 'Protect the backups with a passphrase' }).check();
    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await expect(page.getByTestId('strength')).toHaveText('Too short');
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await expect(page.getByTestId('strength')).toHaveText('Strong');
    await page.getByLabel('Type the passphrase again').fill(`${PASSPHRASE}!`);
    await next(page);
    await expect(page.getByRole('alert').filter({ hasText: 'The two passphrases are not the same.' })).toBeVisible();
    await page.getByLabel('Type the passphrase again').fill(PASSPHRASE);
    await expect(page.getByText('A lost passphrase cannot be recovered')).toBeVisible();
    await shot(page, 'backup-3-protect');
    await next(page);

    // 4. Review.
    await expect(step(page, 'Review')).toBeVisible();
    const review = page.getByRole('table', { name: 'What the backup will do' });
    await expect(review).toContainText('A new backup location, protected with the passphrase you chose');
    await expect(review).toContainText(backups);
    await shot(page, 'backup-4-review');

    // 5. Running: MongoDB slowed down so the running step can be seen (and photographed).
    mongo.faults.delayReplies(300);
    await page.getByRole('button', { name: 'Start the backup' }).click();
    await expect(step(page, 'Backing up')).toBeVisible();
    const parts = page.getByRole('list', { name: 'Parts of the backup' });
    await expect(parts.getByRole('listitem').filter({ hasText: 'Backing up the database' }).getByLabel('in progress')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('speed')).toContainText('Speed:', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Cancel the backup' })).toBeEnabled();
    await shot(page, 'backup-5-running');
    mongo.faults.clear();

    // 6. Done: what was saved, with the dataset's real numbers.
    const done = page.getByTestId('backup-done');
    await expect(done).toBeVisible({ timeout: 240_000 });
    await expect(done).toContainText('Backup complete');
    await expect(page.getByTestId('done-size')).toHaveText(/^\d+(\.\d)? MB$/);
    await expect(page.getByTestId('done-new')).toHaveText(/^\d+(\.\d)? MB$/);
    const saved = page.getByRole('table', { name: 'What was saved' });
    await expect(saved.getByRole('row').filter({ hasText: 'Files in R2' })).toContainText(data.objects.count.toLocaleString('en-US'));
    await expect(saved.getByRole('row').filter({ hasText: 'Configuration folder' })).toContainText('2');
    await expect(page.getByRole('button', { name: 'Verify now' })).toBeVisible();
    await shot(page, 'backup-6-done');

    // The restore points: protected, so the passphrase is asked for (a wrong one first).
    await page.getByRole('button', { name: 'See all restore points' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Restore points' })).toBeVisible();
    await page.getByLabel('Backup passphrase').fill('not the passphrase');
    await page.getByRole('button', { name: 'Show the restore points' }).click();
    await expect(page.getByText('That passphrase is not right.')).toBeVisible({ timeout: 30_000 });
    await shot(page, 'restore-points-1-passphrase');
    await page.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Show the restore points' }).click();
    await expect(rows(page)).toHaveCount(1, { timeout: 30_000 });
    await expect(rows(page).first()).toContainText('Manual');
    await expect(rows(page).first()).toContainText('Not checked yet');

    // A scheduled backup arrives meanwhile: the list follows by itself. Then the filter.
    await apiBackup(['scheduled']);
    await expect(rows(page)).toHaveCount(2, { timeout: 240_000 });
    await expect(page.getByTestId('points-location')).toContainText('protected by a passphrase · 2 restore points');
    await shot(page, 'restore-points-2-list');
    await page.getByText('Scheduled (1)').click();
    await expect(rows(page)).toHaveCount(1);
    await expect(rows(page).first()).toContainText('Scheduled');
    await shot(page, 'restore-points-3-filtered');
    await page.getByText('All (2)').click();
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'restore-points-4-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The detail of the manual one: what it holds, the consistency note, Verify and Restore.
    const manual = rows(page).filter({ hasText: 'Manual' });
    const id = (await manual.getAttribute('data-testid'))!.replace('point-', '');
    await manual.getByRole('button', { name: /^Details of the restore point of / }).click();
    const drawer = page.getByRole('dialog', { name: /^Restore point of / });
    await expect(drawer.getByRole('table', { name: 'What it holds' })).toContainText('Files in R2');
    await expect(drawer).toContainText(id);
    await expect(drawer.getByRole('table', { name: 'About this restore point' })).toContainText(backups, { timeout: 30_000 }); // read with snapshots.get
    await expect(drawer.getByRole('button', { name: 'Restore…' })).toBeVisible();
    await shot(page, 'restore-points-5-detail');
    await drawer.getByRole('button', { name: 'Verify' }).click();
    await expect(page).toHaveURL(new RegExp(`#/verify\\?snapshot=${id}&profile=Office$`));
  });

  test('a backup cancelled midway saves nothing', async ({ page }) => {
    test.setTimeout(180_000);
    await page.goto(`${app.url}#/backup`);
    await expect(step(page, 'What to back up')).toBeVisible({ timeout: 30_000 });
    await next(page);
    await expect(step(page, 'Where it goes')).toBeVisible();
    await expect(page.getByTestId('where-restore')).toContainText('Protected by a passphrase', { timeout: 30_000 });
    await next(page);

    // The location is protected now: its passphrase is asked for, and checked.
    await expect(step(page, 'Protection')).toBeVisible();
    await page.getByLabel('Passphrase of this backup location').fill('not the passphrase');
    await next(page);
    await expect(page.getByRole('alert').filter({ hasText: 'That passphrase does not open this backup location.' })).toBeVisible({ timeout: 30_000 });
    await page.getByLabel('Passphrase of this backup location').fill(PASSPHRASE);
    await page.getByRole('checkbox', { name: 'Remember the passphrase on this computer' }).check();
    await shot(page, 'backup-7-protect-existing');
    await next(page);
    await expect(step(page, 'Review')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('table', { name: 'What the backup will do' })).toContainText('it will be remembered on this computer');

    // Slow MongoDB right down, so the backup is surely still copying the database when Cancel is clicked.
    mongo.faults.delayReplies(400);
    await page.getByRole('button', { name: 'Start the backup' }).click();
    const parts = page.getByRole('list', { name: 'Parts of the backup' });
    await expect(parts.getByRole('listitem').filter({ hasText: 'Backing up the database' }).getByLabel('in progress')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cancel the backup' }).click();
    const cancelled = page.getByTestId('backup-cancelled');
    await expect(cancelled).toBeVisible({ timeout: 60_000 });
    mongo.faults.clear();
    await expect(cancelled).toHaveText(/The backup was cancelled\. Nothing was saved; your earlier restore points are unchanged\./);
    await expect(step(page, 'Result')).toBeVisible();
    await shot(page, 'backup-8-cancelled');

    // Still the same two restore points; and the remembered passphrase opens them without asking.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Restore points' }).click();
    await expect(rows(page)).toHaveCount(2, { timeout: 30_000 });
    await expect(page.getByLabel('Backup passphrase')).toBeHidden();
  });
});

test('says plainly when there is nothing yet', async ({ page }) => {
  // A connection whose backup location is still empty.
  await page.goto(`${app.url}#/restore-points`);
  await page.getByRole('combobox', { name: 'Connection' }).click({ timeout: 30_000 });
  await page.getByRole('option', { name: 'Branch' }).click();
  const empty = page.getByTestId('points-empty');
  await expect(empty).toContainText('No restore points yet', { timeout: 30_000 });
  await shot(page, 'restore-points-6-empty');
  await empty.getByRole('button', { name: 'Make the first backup' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Make a backup' })).toBeVisible();

  // No connection at all: the way to make one.
  const fresh = await serveApp();
  try {
    await page.goto(`${fresh.url}#/backup`);
    await expect(page.getByTestId('backup-no-connection')).toContainText('No PCI File Manager installation is connected yet.', { timeout: 30_000 });
    await shot(page, 'backup-9-no-connection');
    await page.getByRole('button', { name: 'Connect PCI File Manager' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connect PCI File Manager' })).toBeVisible();
  } finally {
    await fresh.stop();
  }
});

test('a failed backup says what happened and what to do', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${app.url}#/backup`);
  await expect(step(page, 'What to back up')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'PCI File Manager installation' }).click();
  await page.getByRole('option', { name: 'Branch' }).click();
  await expect(page.getByTestId('part-folders')).toContainText('No configuration folders are set for this connection.');
  await next(page);
  await expect(page.getByTestId('where-backup')).toHaveText(branchBackups);
  await expect(page.getByTestId('where-restore')).toHaveText('None yet: this backup sets the location up', { timeout: 30_000 });
  await next(page);
  await expect(step(page, 'Protection')).toBeVisible();
  await next(page); // no passphrase for this one
  await expect(page.getByRole('table', { name: 'What the backup will do' })).toContainText('A new backup location, without a passphrase');

  // The bucket refuses to be listed: the key lost its permission.
  s3.faults.failNext(1000, { status: 403, match: { op: 'ListObjectsV2' } });
  try {
    await page.getByRole('button', { name: 'Start the backup' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'The backup did not finish' });
    await expect(alert).toBeVisible({ timeout: 60_000 });
    await expect(alert).toContainText('The access key is not allowed to use the R2 bucket "pci-files".');
    await expect(alert).toContainText('give the API token "Object Read & Write" permission');
    await expect(page.getByText('Nothing was saved; your earlier restore points are unchanged.')).toBeVisible();
    await shot(page, 'backup-10-failed');
  } finally {
    s3.faults.clear();
  }
});
