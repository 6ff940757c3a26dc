// The support bundle in a real browser against `pci-maint serve`: what it holds, the preview as a tree
// with sizes (a file unticked), the download — a zip that `unzip -t` accepts, without the file left
// out and without the secrets planted in the connection and in an old log file.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveApp, type ServedApp } from '../support/serve';
import { expectAccessible } from '../support/axe';
import { checklistWorld, type ChecklistWorld } from '../support/checklist';
import { tempDir, testEngine } from '../support/engine';

const PLANTED = ['Sntl-E2E-Log-Pw-5r4', 'SntlE2EBearerToken9z8x'];
let world: ChecklistWorld;
let app: ServedApp;
let r2Secret: string;

test.beforeAll(async () => {
  world = await checklistWorld();
  r2Secret = world.servers.s3.secretAccessKey;
  const home = tempDir('pci-e2e-support-');
  const engine = testEngine({ home });
  await world.saveProfile(engine);
  await engine.dispose();
  // An old log written before secrets were redacted.
  fs.writeFileSync(path.join(home, 'logs', 'main.old.log'), `[2024-01-01 10:00:00.000] [error] [x] mongodb://admin:${PLANTED[0]}@db/pcifm Authorization: Bearer ${PLANTED[1]} key=${r2Secret}\n`);
  app = await serveApp({ home });
});
test.afterAll(async () => {
  await app?.stop();
  await world?.close();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: `test-results/screens/support-${name}.png`, fullPage: true });
  // Every step photographed is also checked for WCAG AA (serious and critical violations fail).
  await expectAccessible(page, `support ${name}`);
}

test('previews the support bundle, leaves a file out and downloads a clean zip', async ({ page }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Support' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Support bundle' })).toBeVisible();
  await expect(page.getByLabel('Include file names and object keys')).not.toBeChecked();
  await shot(page, '1-options');
  await page.getByRole('button', { name: 'Collect', exact: true }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Preview and save' })).toBeVisible({ timeout: 30_000 });
  const tree = page.getByRole('group', { name: 'Files in the bundle' });
  await expect(tree.getByLabel('logs/main.old.log')).toBeChecked();
  await expect(tree.getByLabel('manifest.json')).toBeDisabled();
  await expect(page.getByText('What was removed', { exact: true })).toBeVisible();
  await tree.getByLabel('system.json').uncheck();
  await expect(tree.getByLabel('system.json')).not.toBeChecked();
  await shot(page, '2-preview');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download the bundle' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^pci-maintenance-support-.*\.zip$/);
  const zip = path.join(world.dir, file.suggestedFilename());
  await file.saveAs(zip);
  await expect(page.getByRole('status').filter({ hasText: 'Support bundle saved' })).toBeVisible();
  await shot(page, '3-saved');

  expect(spawnSync('unzip', ['-t', zip]).status).toBe(0);
  const out = path.join(world.dir, 'unzipped');
  expect(spawnSync('unzip', ['-q', zip, '-d', out]).status).toBe(0);
  const names = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).map((n) => n.split(path.sep).join('/'));
  expect(names).toEqual(expect.arrayContaining(['manifest.json', 'warnings.txt', 'logs/main.old.log', 'profiles.json', 'diagnostics/Office.json']));
  expect(names).not.toContain('system.json');
  for (const name of names) {
    const full = path.join(out, name);
    if (!fs.statSync(full).isFile()) continue;
    const text = fs.readFileSync(full, 'latin1');
    for (const s of [...PLANTED, r2Secret]) expect(text.includes(s), `${s} in ${name}`).toBe(false);
  }
});
