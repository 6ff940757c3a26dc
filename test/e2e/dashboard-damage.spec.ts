// The dashboard after damage (issue 16, item 5), in a real browser against `pci-maint serve` and real
// test servers: a good backup, then a collection dropped, half the file records deleted and five
// files removed from the bucket; the dashboard counts again and says, against the last backup, what
// went down or away — MongoDB and R2 "Needs attention", not "OK" with an old number.
import { expect, test, type Page } from '@playwright/test';
import { MongoClient } from 'mongodb';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { startBucketCount } from '../../electron/core/health/bucket-count';
import { checklistWorld, type ChecklistWorld } from '../support/checklist';
import { tempDir, testEngine } from '../support/engine';
import { serveApp, type ServedApp } from '../support/serve';

let world: ChecklistWorld;
let app: ServedApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  world = await checklistWorld();
  const home = tempDir('pci-e2e-damage-');
  const engine = testEngine({ home, env: { ...process.env, PCI_BACKUP_PASSPHRASE: '' } });
  await world.saveProfile(engine);
  const backup = await engine.jobs.wait(startBackupJob(engine, 'Office').id);
  expect(backup.status, JSON.stringify(backup.error)).toBe('succeeded');
  await engine.jobs.wait(startBucketCount(engine, 'Office').id);
  await engine.dispose();
  app = await serveApp({ home, env: { PCI_BACKUP_PASSPHRASE: '' } });
});
test.afterAll(async () => {
  await app?.stop();
  await world?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/dashboard-damage-${name}.png`, fullPage: true });
}

test('the dashboard compares with the last backup and says what changed', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(app.url);
  const mongo = page.getByTestId('card-mongo');
  await expect(mongo.getByTestId('mongo-compare-backup')).toContainText('(the same)', { timeout: 30_000 });
  await expect(page.getByTestId('r2-compare-backup')).toContainText('(the same)');
  await shot(page, '1-before');

  // The damage: a collection dropped and five files removed (half the file records follow below).
  await world.breakInstallation({ dropCollection: 'shares', deleteFiles: 5 });
  // The storage check: which restore point still holds the missing files, and a button for exactly those.
  await page.goto(`${app.url}#/check`);
  await page.getByRole('button', { name: 'Start the check' }).click();
  const inBackups = page.getByTestId('missing-in-backups');
  await expect(inBackups).toContainText(/5 of the missing files are in the restore point of/, { timeout: 30_000 });
  await expect(inBackups).toContainText(`${world.servers.summary!.anomalies.missingObjects.length} are in none of the 1 newest restore points`);
  await shot(page, '3-check-in-backups');
  // Each list says what it means and what to do.
  await page.getByRole('tab', { name: /Files without a record/ }).click();
  await expect(page.getByText('Files in R2 that no record points to')).toBeVisible();
  await inBackups.getByRole('button', { name: 'Restore these files…' }).click();
  await expect(page).toHaveURL(/#\/restore\?snapshot=[0-9a-f]{32}&profile=Office&files=/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  // Only those files are chosen: no database, no settings folders.
  await expect(page.getByLabel('Only files whose name starts with')).toHaveValue(/\S+(\n\S+){4}/, { timeout: 30_000 });
  await shot(page, '4-restore-these-files');

  // Then half the file records are deleted too.
  const client = new MongoClient(world.mongoUri);
  try {
    const files = client.db(world.servers.database).collection('files');
    const ids = (await files.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id);
    await files.deleteMany({ _id: { $in: ids.slice(0, Math.floor(ids.length / 2)) } });
  } finally {
    await client.close();
  }

  await page.goto(app.url);
  await expect(mongo.getByText('Needs attention')).toBeVisible({ timeout: 30_000 });
  const compared = mongo.getByTestId('mongo-compare-backup');
  await expect(compared).toHaveAttribute('data-loss', 'true');
  await expect(compared).toContainText('“shares” is gone');
  await expect(compared).toContainText(/“files”: [\d,]+ → [\d,]+ documents \([\d,]+ fewer, −\d+ %\)/);
  // The files: counted afresh ("Count again"), then compared.
  const r2 = page.getByTestId('card-r2');
  await r2.getByRole('button', { name: 'Count again' }).click();
  await expect(r2.getByTestId('r2-compare-backup')).toContainText('(5 fewer,', { timeout: 30_000 });
  await expect(r2.getByText('Needs attention')).toBeVisible();
  await expect(page.getByTestId('card-actions')).toContainText('Data went missing since the last backup:');
  await shot(page, '2-after-damage');
});
