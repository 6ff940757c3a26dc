// The first hour of a non-technical user (issue 16), in a real browser against `pci-maint serve` and
// real test servers: backups protected by a passphrase that was typed once and not remembered — the
// dashboard and the schedules say the nightly runs cannot open them (and offer to remember it), and the
// pre-update checklist asks for the passphrase in place, refuses a wrong one, and gets to "Every check
// passed" with it; and a first backup into a folder that does not exist yet (two levels deep).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startBackupJob } from '../../electron/core/backup/profile-jobs';
import { saveProfile } from '../../electron/core/profiles/service';
import { checklistWorld, type ChecklistWorld } from '../support/checklist';
import { tempDir, testEngine } from '../support/engine';
import { serveApp, type ServedApp } from '../support/serve';

const PASSPHRASE = 'staple battery horse correct 7';
const noPassphrase = { PCI_BACKUP_PASSPHRASE: '' };

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/first-hour-${name}.png`, fullPage: true });
}

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
const check = (page: Page, id: string, status: string) => page.locator(`[data-check="${id}"][data-status="${status}"]`);

test.describe.serial('backups protected by a passphrase that is not remembered', () => {
  let world: ChecklistWorld;
  let app: ServedApp;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    world = await checklistWorld();
    const home = tempDir('pci-e2e-first-hour-');
    const engine = testEngine({ home, env: { ...process.env, ...noPassphrase } });
    await world.saveProfile(engine);
    // The first backup was made with a passphrase typed once, "Remember" left off (the default).
    const backup = await engine.jobs.wait(startBackupJob(engine, 'Office', { passphrase: PASSPHRASE }).id);
    expect(backup.status, JSON.stringify(backup.error)).toBe('succeeded');
    await engine.dispose();
    app = await serveApp({ home, env: noPassphrase });
  });
  test.afterAll(async () => {
    await app?.stop();
    await world?.close();
  });

  test('the dashboard says the nightly backup cannot run, before the night', async ({ page }) => {
    await page.goto(app.url);
    const actions = page.getByTestId('card-actions');
    await expect(actions).toContainText('The scheduled backup (every day at 02:00) and the scheduled verification (every Sunday at 04:00) cannot run', { timeout: 30_000 });
    await expect(actions.getByRole('button', { name: 'Remember the passphrase…' })).toBeVisible();
    await shot(page, '1-dashboard-blocked');
  });

  test('the checklist asks for the passphrase in place, refuses a wrong one, and passes with the right one', async ({ page }) => {
    test.setTimeout(150_000);
    await page.goto(app.url);
    await nav(page, 'Pre-update checklist');
    await page.getByRole('button', { name: 'Prepare an update' }).click();
    await page.getByLabel('Version you have now').fill('2.3.0');
    await page.getByRole('button', { name: 'Run the checks' }).click();

    // The backup check cannot read the backups: the field is right there, and no button that would fail.
    await expect(check(page, 'backup', 'fail')).toBeVisible({ timeout: 30_000 });
    const ask = page.getByTestId('checklist-passphrase');
    await expect(ask).toBeVisible();
    await expect(check(page, 'backup', 'fail').getByRole('button', { name: 'Back up and verify now' })).toHaveCount(0);
    await shot(page, '2-checklist-asks');

    await ask.getByLabel('Backup passphrase').fill('not the passphrase');
    await ask.getByRole('button', { name: 'Use this passphrase' }).click();
    await expect(ask).toContainText('That passphrase does not open the backups.', { timeout: 30_000 });

    await ask.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await ask.getByRole('button', { name: 'Use this passphrase' }).click();
    // Now the backups open: there is one, not verified yet; the fix uses the same passphrase.
    await expect(check(page, 'backup', 'fail')).toContainText('but it has not been verified', { timeout: 30_000 });
    await expect(page.getByTestId('checklist-passphrase')).toHaveCount(0);
    await check(page, 'backup', 'fail').getByRole('button', { name: 'Back up and verify now' }).click();
    await expect(check(page, 'backup', 'pass')).toBeVisible({ timeout: 90_000 });
    // The red banner goes once everything passed.
    await expect(page.getByRole('status').filter({ hasText: 'Every check passed' })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('status').filter({ hasText: 'needs your attention' })).toHaveCount(0);
    await shot(page, '3-checklist-passed');
  });

  test('the schedules say so too, and remembering the passphrase lifts it', async ({ page }) => {
    await page.goto(app.url);
    await nav(page, 'Maintenance');
    const blocked = page.getByTestId('schedules-blocked');
    await expect(blocked).toContainText('cannot run: the backups are protected by a passphrase that is not remembered on this computer', { timeout: 30_000 });
    await shot(page, '4-schedules-blocked');
    await blocked.getByRole('button', { name: 'Remember the passphrase…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remember the backup passphrase' });
    await dialog.getByLabel('Backup passphrase').fill('still not it');
    await dialog.getByRole('button', { name: 'Remember the passphrase' }).click();
    await expect(dialog.getByRole('alert')).toContainText('That passphrase is not right', { timeout: 30_000 });
    await dialog.getByLabel('Backup passphrase').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Remember the passphrase' }).click();
    await expect(dialog).toBeHidden({ timeout: 30_000 });
    await expect(page.getByTestId('schedules-blocked')).toHaveCount(0, { timeout: 30_000 });

    await nav(page, 'Dashboard');
    await expect(page.getByTestId('card-actions')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('card-actions')).not.toContainText('cannot run');
  });
});

test('the first backup goes into a folder that does not exist yet, and creates it', async ({ page }) => {
  test.setTimeout(240_000);
  const world = await checklistWorld();
  const home = tempDir('pci-e2e-first-folder-');
  const drive = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-e2e-drive-'));
  const folder = path.join(drive, 'pci', 'backups'); // two levels that do not exist yet
  const engine = testEngine({ home, env: { ...process.env, ...noPassphrase } });
  await world.saveProfile(engine);
  const office = engine.profiles.get('Office');
  const { createdAt: _c, updatedAt: _u, ...input } = office;
  await saveProfile(engine, { ...input, destination: { kind: 'folder', path: folder } }, {}, 'Office');
  await engine.dispose();
  const app = await serveApp({ home, env: noPassphrase });
  try {
    // Before: "no backups yet", not "not found".
    await page.goto(`${app.url}#/restore-points`);
    await expect(page.getByTestId('points-empty')).toContainText('No restore points yet', { timeout: 30_000 });
    await expect(page.getByText('not found', { exact: false })).toHaveCount(0);
    expect(fs.existsSync(folder)).toBe(false); // looking creates nothing
    await shot(page, '5-points-none-yet');

    await page.getByTestId('points-empty').getByRole('button', { name: 'Make the first backup' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'What to back up', exact: true })).toBeVisible({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByTestId('where-backup')).toHaveText(folder);
    await expect(page.getByTestId('where-restore')).toHaveText('None yet: this backup sets the location up', { timeout: 30_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
    await shot(page, '6-where-new-folder');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Protection', exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByRole('button', { name: 'Start the backup' }).click();
    await expect(page.getByTestId('backup-done')).toContainText('Backup complete', { timeout: 180_000 });
    expect(fs.existsSync(path.join(folder, 'config'))).toBe(true);
    await shot(page, '7-first-backup-done');

    await page.getByRole('button', { name: 'See all restore points' }).click();
    await expect(page.getByRole('table', { name: 'Restore points' }).locator('tbody tr')).toHaveCount(1, { timeout: 30_000 });
  } finally {
    await app.stop();
    await world.close();
    fs.rmSync(drive, { recursive: true, force: true });
  }
});
