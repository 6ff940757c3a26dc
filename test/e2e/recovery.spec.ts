// "Could you recover right now?" on the dashboard, in a real browser against `pci-maint serve` and real
// test servers: after a first backup nothing is proven restorable yet and the recovery time is not
// measured; a restore drill started from the card proves the backup and measures the recovery, and
// the card turns "On target".
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { checklistWorld, type ChecklistWorld } from '../support/checklist';
import { tempDir, testEngine } from '../support/engine';
import { serveApp, type ServedApp } from '../support/serve';

let world: ChecklistWorld;
let app: ServedApp;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  world = await checklistWorld();
  const home = tempDir('pci-e2e-recovery-');
  const engine = testEngine({ home, env: { ...process.env, PCI_BACKUP_PASSPHRASE: '' } });
  await world.saveProfile(engine);
  const backup = await engine.jobs.wait(startBackupJob(engine, 'Office').id);
  expect(backup.status, JSON.stringify(backup.error)).toBe('succeeded');
  await engine.dispose();
  app = await serveApp({ home, env: { PCI_BACKUP_PASSPHRASE: '' } });
});
test.afterAll(async () => {
  await app?.stop();
  await world?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.getByTestId('card-recovery').screenshot({ path: `test-results/screens/recovery-${name}.png` });
}

test('the recovery card says what is proven, and a drill from it measures the recovery', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(app.url);
  const card = page.getByRole('region', { name: 'Could you recover right now?' }).or(page.getByTestId('card-recovery'));
  await expect(card.getByTestId('recovery-proven')).toContainText('Not proven yet', { timeout: 30_000 });
  await expect(card).toContainText('Off target');
  await expect(card.getByTestId('recovery-time')).toContainText('not measured yet');
  await expect(card.getByRole('list', { name: 'What to do' })).toContainText('Run a restore drill');
  await shot(page, '1-not-proven');

  await card.getByRole('button', { name: 'Run a restore drill' }).click();
  await expect(card).toContainText('On target', { timeout: 120_000 });
  await expect(card.getByTestId('recovery-proven')).toContainText('by a restore drill');
  await expect(card.getByTestId('recovery-time')).toContainText('A full recovery would take about');
  await expect(card.getByTestId('recovery-loss')).toContainText('You could lose at most');
  await shot(page, '2-proven');
  // The drill proved the newest backup: the verification card says so, and nobody is asked to verify it.
  await expect(page.getByTestId('card-verify')).toContainText('Proven by a restore drill');
  await expect(page.getByTestId('card-actions')).not.toContainText('Verify your latest backup');
  await page.screenshot({ path: 'test-results/screens/recovery-3-dashboard.png', fullPage: true });

  // The printable report, as a person would open it after the download.
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Download the drill report' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^restore-drills-Office-\d{4}-\d{2}-\d{2}\.html$/);
  const html = fs.readFileSync(await download.path(), 'utf8');
  expect(html).toContain('Restore drills of “Office”');
  await page.setContent(html);
  await expect(page.getByRole('heading', { name: 'Restore drills of “Office”' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/recovery-4-report.png', fullPage: true });
});
