// Settings folders: written back to their original place (contents, permissions, times, links, empty
// folders; newer files kept), or under a chosen folder — and never outside it, whatever names a
// backup holds (`..`, absolute paths, drive letters, backslashes, NUL, case collisions, a folder on
// the way that is a link to elsewhere).
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../electron/core/backup/backup';
import type { ManifestEntry } from '../../electron/core/repository';
import { buildPlan } from '../../electron/core/restore/plan';
import { restoreVerdict, runRestore } from '../../electron/core/restore/restore';
import { indexSnapshot } from '../../electron/core/restore/snapshot-index';
import { RestoreScope, type RestorePlan } from '../../shared/api/restore';
import { Profile } from '../../shared/profile';
import { newRepo, removeTempDirs, tempDir, testContext } from '../support/backup';
import { testProfile } from '../support/restore';

afterAll(removeTempDirs);

const FOLDERS_ONLY = RestoreScope.parse({ database: false, bucket: false });

async function plan(repo: Awaited<ReturnType<typeof newRepo>>['repo'], snapshotId: string, folders: string[], scope = FOLDERS_ONLY): Promise<RestorePlan> {
  const index = await indexSnapshot(repo, await repo.readSnapshot(snapshotId));
  return buildPlan({ repo, index, profile: Profile.parse({ ...testProfile, sources: [...testProfile.sources, ...folders.map((p) => ({ kind: 'folder' as const, path: p }))] }), location: 'test', mongo: null, r2: null }, scope, testContext());
}

describe('restoring settings folders', () => {
  it('puts files, permissions, times, links and empty folders back in their place; newer files are kept', async () => {
    const root = path.join(await tempDir('pci-folders-'), 'config');
    await fs.mkdir(path.join(root, 'sub'), { recursive: true });
    await fs.mkdir(path.join(root, 'empty'));
    await fs.writeFile(path.join(root, 'app.json'), '{"port": 8080}\n', { mode: 0o640 });
    await fs.writeFile(path.join(root, 'sub', 'deep.txt'), 'deep');
    await fs.utimes(path.join(root, 'app.json'), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
    await fs.symlink('app.json', path.join(root, 'current'));
    const { repo } = await newRepo();
    const backup = await runBackup(repo, { folders: [root] }, testContext(), { profile: testProfile.name, appVersion: 'test' });

    // The upgrade rewrites a file, deletes another and an empty folder, adds one.
    await fs.writeFile(path.join(root, 'app.json'), '{"port": 9999, "new": true}\n');
    await fs.chmod(path.join(root, 'app.json'), 0o666);
    await fs.rm(path.join(root, 'sub', 'deep.txt'));
    await fs.rmdir(path.join(root, 'empty'));
    await fs.writeFile(path.join(root, 'added-by-upgrade.txt'), 'new');

    const p = await plan(repo, backup.snapshotId, [root]);
    expect(p.folders!.items).toMatchObject([{ name: 'config', target: root, files: 2, symlinks: 1, refused: [] }]);
    const summary = await runRestore({ repo, mongo: null, r2: null }, p, { removeExtra: false, safety: { mode: 'skip' } }, testContext());
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.folders).toMatchObject({ written: 3, failed: [] });
    expect(summary.verification!.files).toMatchObject({ expected: 2, present: 2, problems: [] });

    expect(await fs.readFile(path.join(root, 'app.json'), 'utf8')).toBe('{"port": 8080}\n');
    const stat = await fs.stat(path.join(root, 'app.json'));
    expect(stat.mode & 0o777).toBe(0o640);
    expect(stat.mtime.toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect(await fs.readFile(path.join(root, 'sub', 'deep.txt'), 'utf8')).toBe('deep');
    expect(await fs.readlink(path.join(root, 'current'))).toBe('app.json');
    expect((await fs.stat(path.join(root, 'empty'))).isDirectory()).toBe(true);
    expect(await fs.readFile(path.join(root, 'added-by-upgrade.txt'), 'utf8')).toBe('new');
    expect((await fs.readdir(root)).filter((n) => n.includes('pcimaint'))).toEqual([]); // no temporary files left
  });

  it('never writes outside the chosen folder, whatever names the backup holds', async () => {
    const { repo } = await newRepo();
    const blob = await repo.putBlob(Buffer.from('evil'));
    const file = (rel: string): ManifestEntry => ({ kind: 'file', path: `files/config/${rel}`, mode: 0o644, mtime: '2024-01-01T00:00:00.000Z', size: 4, chunks: [{ id: blob.id, size: 4 }] });
    const hostile = ['../escape.txt', '/abs.txt', 'C:/windows.txt', 'a\\b.txt', 'nul\0.txt', 'Readme.txt', 'README.txt', 'link/inside.txt', 'ok.txt'];
    const header = await repo.writeSnapshot({ tags: ['manual'], profile: testProfile.name, appVersion: 'test', consistency: 'best-effort' }, hostile.map(file));

    const chosen = await tempDir('pci-chosen-');
    const outside = await tempDir('pci-outside-');
    await fs.mkdir(path.join(chosen, 'config'));
    await fs.symlink(outside, path.join(chosen, 'config', 'link')); // a folder on the way that leads elsewhere

    const p = await plan(repo, header.id, [], RestoreScope.parse({ database: false, bucket: false, folderTarget: chosen }));
    const item = p.folders!.items[0];
    expect(item.target).toBe(path.join(chosen, 'config'));
    expect(item.refused.map((r) => r.path)).toEqual(['../escape.txt', '/abs.txt', 'C:/windows.txt', 'a\\b.txt', 'nul\0.txt', 'README.txt']);
    expect(item.refused.map((r) => r.why)).toEqual([
      'it points to a parent folder (..)',
      'it is an absolute path',
      'it starts with a drive letter',
      'it contains a backslash (a folder separator on Windows)',
      'the name contains a NUL character',
      'it differs from Readme.txt only in upper/lower case',
    ]);
    expect(p.warnings.some((w) => w.includes('../escape.txt'))).toBe(true);

    const summary = await runRestore({ repo, mongo: null, r2: null }, p, { removeExtra: false, safety: { mode: 'skip' } }, testContext());
    expect(summary.folders.failed).toEqual([{ name: 'config/link/inside.txt', message: 'Not written: link is a link; nothing is written through links.' }]);
    expect(restoreVerdict(summary)?.code).toBe('RESTORE_INCOMPLETE');
    expect(await fs.readdir(outside)).toEqual([]);
    expect((await fs.readdir(path.dirname(chosen))).filter((n) => n.startsWith('escape'))).toEqual([]);
    expect((await fs.readdir(path.join(chosen, 'config'))).sort()).toEqual(['Readme.txt', 'link', 'ok.txt']);
  });
});
