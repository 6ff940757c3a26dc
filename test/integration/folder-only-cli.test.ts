// A connection that is only folders (no MongoDB, no bucket), end to end through the built CLI: set
// up with `profile set --folder`, backed up, listed, verified, damaged on disk and restored, looked
// at by health, the pre-update checklist and the support bundle — none of them asks for a database.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../shared/api/profiles';
import { tempDir } from '../support/engine';
import { runCli } from '../support/serve';

let home: string;
let site: string;
let uploads: string;
let backups: string;
// No PCI_MONGODB_URI, no R2 key: nothing may need them.
const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PCI_BACKUP_PASSPHRASE: '' };
const run = (args: string[]) => runCli(home, env, args);

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(site, rel)), { recursive: true });
  fs.writeFileSync(path.join(site, rel), text);
}

beforeAll(() => {
  const work = tempDir('pci-folders-only-');
  home = path.join(work, 'home');
  site = path.join(work, 'site');
  uploads = path.join(work, 'uploads');
  backups = path.join(work, 'backups');
  write('index.html', '<h1>Portfolio</h1>\n');
  write('galleries/spring/notes.md', 'Spring walk\n');
  fs.mkdirSync(uploads, { recursive: true });
  fs.writeFileSync(path.join(uploads, 'photo.jpg'), Buffer.alloc(70_000, 7));
});

afterAll(() => undefined);

describe('a connection with only folders', () => {
  let first = '';

  it('is set up with --folder alone, as a custom connection', async () => {
    const set = await run(['--json', 'profile', 'set', 'Portfolio', '--folder', site, '--folder', uploads, '--destination', backups]);
    expect(set.code, set.out + set.err).toBe(0);
    const view = JSON.parse(set.out) as ProfileView;
    expect(view.profile).toMatchObject({ preset: 'custom', sources: [{ kind: 'folder', path: site }, { kind: 'folder', path: uploads }], fileRecords: null });
    const shown = await run(['profile', 'show', 'Portfolio']);
    expect(shown.out).toContain(`Folder           ${site}`);
    expect(shown.out).not.toMatch(/MongoDB|mongoUri|R2/);
  });

  it('backs up, lists the restore point with its folders and verifies it', async () => {
    const made = await run(['--json', 'backup', '--profile', 'Portfolio']);
    expect(made.code, made.out + made.err).toBe(0);
    const summary = JSON.parse(made.out) as { snapshotId: string; stats: { sources: Array<{ kind: string; name: string }> } };
    first = summary.snapshotId;
    expect(summary.stats.sources.map((s) => `${s.kind}:${s.name}`)).toEqual(['files:site', 'files:uploads']);
    const list = await run(['--json', 'snapshots', '--profile', 'Portfolio']);
    const points = (JSON.parse(list.out) as { restorePoints: Array<{ id: string; sources: Array<{ kind: string; name: string; entries: number }> }> }).restorePoints;
    expect(points.map((p) => p.id)).toEqual([first]);
    expect(points[0].sources.map((s) => s.name)).toEqual(['site', 'uploads']);
    const verified = await run(['--json', 'verify', '--profile', 'Portfolio', '--full']);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
  });

  it('restores the folders as they were (a safety backup first), without a database', async () => {
    fs.rmSync(path.join(site, 'galleries'), { recursive: true });
    write('index.html', 'broken by an update\n');
    fs.writeFileSync(path.join(uploads, 'photo.jpg'), 'truncated');
    const restored = await run(['--json', 'restore', '--profile', 'Portfolio', '--snapshot', first, '--yes']);
    expect(restored.code, restored.out + restored.err).toBe(0);
    expect(fs.readFileSync(path.join(site, 'index.html'), 'utf8')).toBe('<h1>Portfolio</h1>\n');
    expect(fs.readFileSync(path.join(site, 'galleries/spring/notes.md'), 'utf8')).toBe('Spring walk\n');
    expect(fs.readFileSync(path.join(uploads, 'photo.jpg'))).toEqual(Buffer.alloc(70_000, 7));
    const list = await run(['--json', 'snapshots', '--profile', 'Portfolio']);
    const points = (JSON.parse(list.out) as { restorePoints: Array<{ id: string; tags: string[] }> }).restorePoints;
    expect(points.filter((p) => p.tags.includes('pre-restore'))).toHaveLength(1); // the broken state, kept
  });

  it('health, the checklist and the support bundle work without a database or a bucket', async () => {
    const health = await run(['--json', 'health', '--profile', 'Portfolio']);
    expect(health.code, health.out + health.err).toBe(0);
    const report = JSON.parse(health.out) as { mongo: unknown; r2: unknown; lastBackup: { state: string }; actions: Array<{ id: string }> };
    expect(report).toMatchObject({ mongo: null, r2: null, lastBackup: { state: 'ok' } });
    expect(report.actions.map((a) => a.id)).not.toContain('consistency');

    const checklist = await run(['--json', 'checklist', '--profile', 'Portfolio', '--from-version', '2.1']);
    expect(checklist.code, checklist.out + checklist.err).toBe(0);
    const checks = (JSON.parse(checklist.out) as { checks: Array<{ id: string; status: string; message: string }> }).checks;
    expect(checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(checks.filter((c) => c.status === 'skipped').map((c) => c.id).sort()).toEqual(['consistency', 'mongo', 'r2']);

    const out = path.join(path.dirname(home), 'bundle.zip');
    const bundle = await run(['--json', 'bundle', '--out', out]);
    expect(bundle.code, bundle.out + bundle.err).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
  });
});
