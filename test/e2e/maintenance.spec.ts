// The maintenance page in a real browser against `pci-maint serve`: the housekeeping tasks with "Run
// now", the schedule editor, "Run without the app" installing into a stand-in crontab (never the real
// one), notifications with "Send test" to a local webhook, and the PCI File Manager log chart.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { saveProfile } from '../../electron/core/profiles/service';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';
import { tempDir, testEngine } from '../support/engine';
import { FolderStore, Repository } from '../../electron/core/repository';
import { TEST_SCRYPT_N } from '../support/backup';

let app: ServedApp;
let root: string;
let crontab: string;
let logFolder: string;
let hook: http.Server;
let hookUrl: string;
const received: unknown[] = [];

test.beforeAll(async () => {
  root = tempDir('pci-e2e-maint-');
  const home = path.join(root, 'home');
  crontab = path.join(root, 'crontab.txt');
  fs.writeFileSync(crontab, 'MAILTO=ann\n');
  const fakeCrontab = path.join(root, 'crontab');
  fs.writeFileSync(fakeCrontab, `#!/bin/sh\ncase "$1" in\n  -l) cat "${crontab}" ;;\n  -) cat > "${crontab}" ;;\nesac\n`, { mode: 0o755 });
  logFolder = path.join(root, 'pci-fm-logs');
  fs.mkdirSync(logFolder);
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
  fs.writeFileSync(
    path.join(logFolder, 'server.log'),
    [
      `${day(6)} ERROR Upload failed for file 17: R2 timeout`,
      `${day(3)} WARN Slow query on files took 1840 ms`,
      `${day(2)} ERROR Upload failed for file 93: R2 timeout`,
      `${day(2)} ERROR Upload failed for file 94: R2 timeout`,
      `${day(1)} WARN Disk 91% full`,
      `${day(0)} INFO Started`,
    ].join('\n'),
  );

  // A real (empty) backup location: the clean-up looks into it, and reports a location it cannot
  // find as "not checked", never as clean.
  fs.mkdirSync(path.join(root, 'backups'));
  await Repository.init(new FolderStore(path.join(root, 'backups')), { testOnlyScryptN: TEST_SCRYPT_N });
  const engine = testEngine({ home });
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: path.join(root, 'backups') } });
  await engine.dispose();

  hook = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      received.push(JSON.parse(text));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/e2e-token-5c1d`;
  app = await serveApp({ home, env: { PCI_CRONTAB_CMD: fakeCrontab } });
});

test.afterAll(async () => {
  await app?.stop();
  await new Promise<void>((r) => hook.close(() => r()));
  fs.rmSync(root, { recursive: true, force: true });
});

async function shot(page: Page, name: string, locator?: ReturnType<Page['locator']>): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  if (locator) await locator.screenshot({ path: `test-results/screens/maintenance-${name}.png` });
  else await page.screenshot({ path: `test-results/screens/maintenance-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `maintenance ${name}`);
}

async function openMaintenance(page: Page): Promise<void> {
  await page.goto(app.url);
  const nav = page.getByRole('navigation', { name: 'Main' });
  // The entry sits just before Settings.
  const labels = await nav.getByRole('link').allInnerTexts();
  expect(labels.indexOf('Maintenance')).toBe(labels.indexOf('Settings') - 1);
  await nav.getByRole('link', { name: 'Maintenance', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Maintenance' })).toBeVisible();
}

test('lists the housekeeping tasks and runs one now', async ({ page }) => {
  await openMaintenance(page);
  const tasks = page.getByRole('table', { name: 'Maintenance tasks' });
  await expect(tasks.getByRole('row')).toHaveCount(7);
  await expect(tasks.locator('[data-task="logs"]')).toContainText('Never');
  await expect(tasks.locator('[data-task="rotate-logs"]')).toContainText("Rotate the app's log files");
  await shot(page, '1-page');

  await page.getByRole('button', { name: 'Run now: Delete temporary files' }).click();
  await expect(page.getByTestId('did-tmp')).toHaveText('No temporary files were left over.');
  await expect(tasks.locator('[data-task="tmp"]')).toContainText('Done');
  await page.screenshot({ path: 'test-results/screens/maintenance-2-run-now.png' });

  // "Details" opens the run, as clicking a desktop notification does.
  await tasks.locator('[data-task="tmp"]').getByRole('link', { name: 'Details' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Maintenance: delete temporary files' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Log' })).toContainText('Delete temporary files: No temporary files were left over.');
  await shot(page, '2b-run-details');
});

test('changes a schedule and installs it into the system scheduler', async ({ page }) => {
  await openMaintenance(page);
  const when = page.getByRole('region', { name: 'When' });
  await expect(page.getByRole('heading', { name: 'Schedules of “Office”' })).toBeVisible();
  await expect(when.locator('[data-kind="backup"]')).toContainText('Every day at 02:00');
  await when.getByLabel('Backup: time').fill('03:30');
  await when.getByRole('button', { name: 'Save schedules' }).click();
  await expect(when.locator('[data-kind="backup"]')).toContainText('Every day at 03:30');
  await expect(when.locator('[data-kind="backup"]')).toContainText('Next:');
  await shot(page, '3-schedules', when);

  const without = page.getByRole('region', { name: 'Run without the app' });
  await expect(without.getByRole('tab', { name: 'cron' })).toBeVisible();
  await expect(without).toContainText('30 3 * * *');
  await expect(without).toContainText('backup --profile Office --tag scheduled');
  await without.getByRole('button', { name: 'Install for me' }).click();
  await expect(without.getByRole('status')).toContainText('Installed.');
  await expect(without).toContainText('backup installed');
  expect(fs.readFileSync(crontab, 'utf8')).toMatch(/^MAILTO=ann\n# pci-maint:backup-office-/);
  // The app now leaves the backup to cron.
  await expect(when.locator('[data-kind="backup"]')).toContainText('Every day at 03:30, run by cron');
  await shot(page, '4-run-without-app', without);

  await without.getByRole('button', { name: 'Remove' }).click();
  await expect(without.getByRole('status')).toContainText('Removed.');
  expect(fs.readFileSync(crontab, 'utf8')).toBe('MAILTO=ann\n');
});

test('sends a test notification to a webhook', async ({ page }) => {
  await openMaintenance(page);
  const card = page.getByRole('region', { name: 'Notifications' });
  await card.getByRole('switch', { name: /Send to a chat/ }).check();
  await card.getByLabel('Format').click();
  await page.getByRole('option', { name: 'Plain JSON' }).click();
  await card.getByLabel('Webhook address').fill(hookUrl);
  await card.getByRole('button', { name: 'Send test' }).click();
  const results = card.getByRole('list', { name: 'Test results' });
  await expect(results).toContainText('Webhook: Sent.');
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ app: 'PCI Maintenance', event: 'test', profile: 'Office', title: 'Test message from PCI Maintenance for "Office"' });
  // The address holds a token: after saving it is only shown masked.
  await expect(card.getByLabel('Webhook address')).toHaveValue('');
  await expect(card).toContainText('Saved. Leave empty to keep it.');
  await shot(page, '5-notifications', card);
});

test('charts the errors and warnings of PCI File Manager\'s logs', async ({ page }) => {
  await openMaintenance(page);
  const section = page.getByRole('region', { name: 'PCI File Manager logs' });
  await section.getByLabel('Log folder of PCI File Manager').fill(logFolder);
  await section.getByRole('button', { name: 'Analyze the last 30 days' }).click();
  await expect(section.getByTestId('log-analysis')).toContainText('3 errors and 2 warnings in 30 days');
  const top = section.getByRole('table', { name: 'Most repeated messages' });
  await expect(top.getByRole('row').nth(1)).toContainText('Upload failed for file <n>: R2 timeout');
  await expect(top.getByRole('row').nth(1)).toContainText('3');
  await shot(page, '6-logs', section);
  await shot(page, '7-full-page');
});
