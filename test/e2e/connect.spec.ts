// The "Connect PCI File Manager" wizard in a real browser against `pci-maint serve` and real test
// servers (MongoDB wire double with a password, S3 gateway) seeded with a PCI File Manager dataset:
// one wrong password, one wrong bucket, then the dashboard with the dataset's real numbers; and a
// SQLite app connected through its own preset, with Back and Cancel on the first step.
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

const MONGO_PASSWORD = 'Sentinel-Mongo-Pw-7Q2';
let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let app: ServedApp;
let backups: string;

test.beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  [mongo, s3] = await Promise.all([startMongoTestServer({ auth: { username: 'pciadmin', password: MONGO_PASSWORD } }), startS3TestServer({ buckets: ['pci-files'] })]);
  data = await seedDataset({ mongoUri: uri(MONGO_PASSWORD), s3: { ...s3, bucket: 'pci-files' } });
  backups = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-backups-'));
  app = await serveApp();
});
test.afterAll(async () => {
  await app?.stop();
  await Promise.all([mongo?.close(), s3?.close()]);
  if (backups) fs.rmSync(backups, { recursive: true, force: true });
});

function uri(password: string): string {
  return mongo.uri.replace('mongodb://', `mongodb://pciadmin:${password}@`) + 'pcifm?authSource=admin';
}

async function shot(page: Page, name: string): Promise<void> {
  // A full-page shot of a scrolled page paints the fixed header mid-page: start from the top.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/connect-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `connect ${name}`);
}

const step = (page: Page, name: string) => page.getByRole('heading', { level: 2, name, exact: true });

test('connects PCI File Manager step by step and shows its health', async ({ page }) => {
  // A long walk (every step tests real servers, SCRAM sign-ins included): on a busy machine it needs
  // more than the default minute, without anything being wrong.
  test.setTimeout(120_000);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Connect PCI File Manager' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connect PCI File Manager' })).toBeVisible();

  // 0. What to keep safe: PCI File Manager is chosen already.
  await expect(step(page, 'What to keep safe')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'PCI File Manager' })).toBeChecked();
  await page.getByRole('button', { name: 'Next' }).click();

  // 1. MongoDB: a wrong password first, explained in plain words.
  await expect(step(page, 'MongoDB')).toBeVisible();
  await page.getByLabel('MongoDB connection string').fill(uri('not-the-password'));
  await page.getByRole('button', { name: 'Test connection' }).click();
  const mongoResults = page.getByRole('list', { name: 'MongoDB test results' });
  await expect(mongoResults).toContainText('MongoDB did not accept the user name or password in the connection string.');
  await expect(mongoResults).toContainText('Check the user name and password.');
  await shot(page, '1-mongo-wrong-password');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The MongoDB connection did not pass the test' })).toBeVisible();
  await page.getByLabel('MongoDB connection string').fill(uri(MONGO_PASSWORD));
  await expect(page.getByText('Please check this step')).toBeHidden();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(mongoResults.locator('[data-check="mongo.read"][data-status="pass"]')).toBeVisible();
  await expect(mongoResults.locator('[data-check="mongo.privileges"][data-status="pass"]')).toContainText('may back up, restore, test-restore and run the pre-update checks');
  await shot(page, '2-mongo-ok');
  await page.getByRole('button', { name: 'Next' }).click();

  // 2. R2: a bucket that does not exist, then the right one.
  await expect(step(page, 'R2')).toBeVisible();
  await page.getByText('Other S3-compatible storage').click();
  await page.getByLabel('Endpoint address').fill(s3.endpoint);
  await page.getByLabel('Bucket name').fill('pci-filez');
  await page.getByLabel('Access Key ID').fill(s3.accessKeyId);
  await page.getByLabel('Secret Access Key').fill(s3.secretAccessKey);
  await page.getByRole('button', { name: 'Test connection' }).click();
  const r2Results = page.getByRole('list', { name: 'R2 test results' });
  await expect(r2Results).toContainText('There is no R2 bucket named "pci-filez" at this address.');
  await expect(r2Results).toContainText('Check the bucket name');
  await shot(page, '3-r2-wrong-bucket');
  await page.getByLabel('Bucket name').fill('pci-files');
  await page.getByRole('button', { name: 'Next' }).click();

  // 3. File records: found by themselves.
  await expect(step(page, 'File records')).toBeVisible();
  await expect(page.getByText('File records found')).toBeVisible();
  await expect(page.getByLabel("Field with the file's name in the bucket")).toHaveValue('storageKey');
  await expect(page.getByLabel('Collection of file records')).toHaveValue('files');
  await shot(page, '4-file-records');
  await page.getByRole('button', { name: 'Next' }).click();

  // 4. Backup location, with its free space.
  await expect(step(page, 'Backup location')).toBeVisible();
  await page.getByLabel('Backup folder').fill(backups);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByTestId('free-space')).toContainText('Free space:');
  await shot(page, '5-backup-location');
  await page.getByRole('button', { name: 'Next' }).click();

  // 5. Summary, save, done.
  await expect(step(page, 'Summary')).toBeVisible();
  await page.getByLabel('Name of this connection').fill('Office');
  await shot(page, '6-summary');
  await page.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByText('The connection “Office” is saved.')).toBeVisible();
  await shot(page, '7-done');
  await page.getByRole('button', { name: 'Done', exact: true }).click();

  // The dashboard: the real numbers of the seeded dataset.
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const documents = Object.values(data.collections).reduce((a, b) => a + b, 0);
  await expect(page.getByTestId('mongo-documents')).toHaveText(documents.toLocaleString('en-US'));
  await expect(page.getByTestId('mongo-collections')).toHaveText(String(Object.keys(data.collections).length));
  await expect(page.getByTestId('r2-objects')).toHaveText(data.objects.count.toLocaleString('en-US'), { timeout: 20_000 });
  await expect(page.getByTestId('card-backup')).toContainText('No backup has been made yet.');
  await expect(page.getByTestId('card-consistency')).toContainText('Not run yet.');
  await expect(page.getByTestId('chart-empty')).toBeVisible();
  await shot(page, '8-dashboard');

  // No secret in the page, nor in the settings written by the server.
  const html = await page.content();
  for (const secret of [MONGO_PASSWORD, s3.secretAccessKey]) {
    expect(html).not.toContain(secret);
    expect(fs.readFileSync(path.join(app.home, 'profiles.json'), 'utf8')).not.toContain(secret);
  }

  // Settings → Connections lists it with the password masked.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const card = page.getByRole('region', { name: 'Connection Office' }).or(page.getByLabel('Connection Office'));
  await expect(card).toContainText('mongodb://pciadmin:••••@');
  await shot(page, '9-settings');

  // Change: the wizard opens with the saved values; the saved password is used when left empty.
  await card.getByRole('button', { name: 'Change' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Change the connection “Office”' })).toBeVisible();
  await expect(page.getByLabel('Database')).toHaveValue('pcifm');
  await expect(page.getByLabel('MongoDB connection string')).toHaveAttribute('placeholder', 'Saved — leave empty to keep it');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(step(page, 'R2')).toBeVisible();
  await expect(page.getByLabel('Bucket name')).toHaveValue('pci-files');
  // Cancel past the first step asks first: "Stay here" keeps the wizard as it was.
  await page.getByRole('button', { name: 'Cancel' }).click();
  const leave = page.getByRole('dialog', { name: 'Leave this wizard?' });
  await expect(leave).toContainText('not kept');
  await leave.getByRole('button', { name: 'Stay here' }).click();
  await expect(page.getByLabel('Bucket name')).toHaveValue('pci-files');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await leave.getByRole('button', { name: 'Leave and discard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});

test('the dashboard charts the backups in the history', async ({ page }) => {
  // A data folder with a saved connection and three finished backup jobs (run by the real job manager).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-chart-'));
  const engine = testEngine({ home });
  await saveProfile(
    engine,
    { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId }], destination: { kind: 'folder', path: backups } },
    { mongoUri: uri(MONGO_PASSWORD), r2SecretAccessKey: s3.secretAccessKey },
  );
  for (const [bytes, newBytes] of [[20_500_000, 20_500_000], [20_600_000, 300_000], [21_000_000, 500_000]]) {
    const job = engine.jobs.start({ kind: 'backup', title: 'Backup', profile: 'Office', run: async () => ({ stats: { bytes, newBytes } }) });
    await engine.jobs.wait(job.id);
  }
  await engine.close();
  const served = await serveApp({ home });
  try {
    await page.goto(served.url);
    await expect(page.getByTestId('card-backup')).toContainText('Made just now, and it succeeded.');
    const chart = page.getByTestId('card-chart');
    await expect(chart.locator('.recharts-bar-rectangle').first()).toBeVisible();
    await expect(chart).toContainText('Size (MB)');
    await expect(page.getByTestId('r2-objects')).toHaveText(data.objects.count.toLocaleString('en-US'));
    await expect(page.getByTestId('card-actions')).toContainText('Verify your latest backup');
    await shot(page, '10-dashboard-with-backups');
  } finally {
    await served.stop();
  }
});

test('connects a SQLite app through its preset: the database file, folders and log files', async ({ page }) => {
  test.setTimeout(90_000);
  const site = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-site-'));
  fs.mkdirSync(path.join(site, 'uploads'));
  const served = await serveApp();
  try {
    await page.goto(`${served.url}#/connect`);
    await expect(step(page, 'What to keep safe')).toBeVisible();
    await page.getByRole('radio', { name: 'SQLite app' }).check();
    await shot(page, '11-preset-sqlite');
    await page.getByRole('button', { name: 'Next' }).click();

    // The app's files: the database file is required, and old logs need a folder.
    await expect(step(page, 'Files')).toBeVisible();
    await expect(page.getByLabel('MongoDB connection string')).toHaveCount(0);
    await page.getByLabel('Log files', { exact: true }).fill(path.join(site, 'site.log'));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Enter the SQLite database file of the app.' })).toBeVisible();
    await page.getByLabel('SQLite database file').fill(path.join(site, 'site.db'));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Enter the folder for old log files.' })).toBeVisible();
    await page.getByLabel('Folder for old log files').fill(path.join(site, 'log-archive'));
    await page.getByLabel('Content folders').fill(path.join(site, 'uploads'));
    await shot(page, '12-sqlite-files');
    // Back returns to the choice, as it was left.
    await page.getByRole('button', { name: 'Back' }).click();
    await expect(page.getByRole('radio', { name: 'SQLite app' })).toBeChecked();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByLabel('SQLite database file')).toHaveValue(path.join(site, 'site.db'));
    await page.getByRole('button', { name: 'Next' }).click();

    await expect(step(page, 'Backup location')).toBeVisible();
    await page.getByLabel('Backup folder').fill(path.join(site, 'backups'));
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(step(page, 'Summary')).toBeVisible();
    const saved = page.getByRole('table', { name: 'What will be saved' });
    await expect(saved).toContainText(path.join(site, 'site.db'));
    await expect(saved).toContainText(`${path.join(site, 'site.log')} (old ones kept in ${path.join(site, 'log-archive')})`);
    await expect(saved).not.toContainText('MongoDB');
    await page.getByLabel('Name of this connection').fill('Portfolio');
    await shot(page, '13-sqlite-summary');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'The connection “Portfolio” is saved.' })).toBeVisible();

    const file = JSON.parse(fs.readFileSync(path.join(served.home, 'profiles.json'), 'utf8')) as { version: number; profiles: Array<{ name: string; preset: string; sources: unknown[] }> };
    expect(file.version).toBe(2);
    expect(file.profiles).toEqual([
      expect.objectContaining({
        name: 'Portfolio',
        preset: 'sqlite',
        sources: [
          { kind: 'folder', path: path.join(site, 'uploads') },
          { kind: 'sqlite', path: path.join(site, 'site.db'), exportTables: [], exportKeepWeeks: 12 },
          { kind: 'app-logs', paths: [path.join(site, 'site.log')], archiveFolder: path.join(site, 'log-archive'), keepDays: 7 },
        ],
      }),
    ]);

    // Cancel on the first step leaves at once: nothing was entered yet.
    await page.goto(`${served.url}#/connect`);
    await expect(step(page, 'What to keep safe')).toBeVisible();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('dialog', { name: 'Leave this wizard?' })).toHaveCount(0);
    await expect(step(page, 'What to keep safe')).toHaveCount(0);
  } finally {
    await served.stop();
    fs.rmSync(site, { recursive: true, force: true });
  }
});
