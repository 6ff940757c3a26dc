// Locks and prune on a real full drive and a real read-only drive (a small tmpfs; skipped, saying
// why, where mounting is not allowed). Reading jobs go on without a lock file but keep the lock of
// this process; prune makes room one file at a time — only what its own connection's retention
// forgets and data nobody names — until its lock file fits.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { acquire } from '../../../electron/core/repository/locks';
import { prune } from '../../../electron/core/repository/prune';
import { Repository } from '../../../electron/core/repository/repository';
import type { SnapshotHeader } from '../../../electron/core/repository/schemas';
import { freeBytes, mountSupport, mountTmpfs, type TestMount } from '../../support/mounts';
import { TEST_SCRYPT_N, expectUserError, pseudoRandom, testContext } from './helpers';

const support = mountSupport();
const title = (t: string) => (support.ok ? t : `${t} (skipped: ${support.reason})`);
const KEEP_NEWEST_ONLY = { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepTaggedDays: {} };
const NOW = new Date('2025-06-15T12:00:00Z');

let drive: TestMount | null = null;
afterEach(() => {
  drive?.teardown();
  drive = null;
});

async function onDrive(): Promise<{ store: FolderStore; repo: Repository; dir: string }> {
  drive = mountTmpfs(4);
  const dir = path.join(drive.dir, 'backups');
  const store = new FolderStore(dir);
  await store.ensureRoot();
  return { store, dir, repo: await Repository.init(store, { testOnlyScryptN: TEST_SCRYPT_N }) };
}

async function backup(repo: Repository, n: number, profile: string): Promise<SnapshotHeader> {
  const writer = repo.createManifestWriter();
  const put = await writer.putBlob(pseudoRandom(20_000, n));
  await writer.add({ kind: 'file', path: `files/data/${n}.bin`, mode: 0o644, mtime: NOW.toISOString(), size: put.size, chunks: [{ id: put.id, size: put.size }] });
  return writer.finish({ createdAt: new Date(NOW.getTime() - (10 - n) * 86_400_000), tags: ['scheduled'], profile, appVersion: '0', consistency: 'best-effort' });
}

const names = (dir: string, sub: string) => (fs.existsSync(path.join(dir, sub)) ? fs.readdirSync(path.join(dir, sub)).sort() : []);

describe.skipIf(!support.ok)(title('a full drive'), () => {
  it('a reading job gets a lock without a file; the lock of this process still keeps prune out', async () => {
    const { store, dir } = await onDrive();
    await drive!.fill();
    expect(freeBytes(drive!.dir)).toBe(0);
    await expectUserError(acquire(store, 'shared', { refreshIntervalMs: 0 }), 'DEST_FULL'); // a writing job is refused
    const ctx = testContext();
    const lock = await acquire(store, 'shared', { refreshIntervalMs: 0, readOnlyJob: true, operation: 'restore', log: ctx.log });
    expect(lock.withoutFile).toBe('full');
    expect(ctx.logs).toEqual(['warn: The backup drive is full, so this restore ran without marking the drive as in use. Do not clean up old backups of this location from another computer until it has finished.']);
    expect(names(dir, 'locks')).toEqual([]);
    await expectUserError(acquire(store, 'exclusive', { refreshIntervalMs: 0, readOnlyJob: true }), 'BUSY');
    await lock.release();
    const after = await acquire(store, 'exclusive', { refreshIntervalMs: 0, readOnlyJob: true });
    await after.release();
  });

  it('a reading job whose drive fills up while it runs keeps its lock; a writing job loses it', async () => {
    const { store } = await onDrive();
    const reader = testContext();
    const read = await acquire(store, 'shared', { refreshIntervalMs: 20, readOnlyJob: true, operation: 'restore', log: reader.log });
    const writer = testContext();
    const write = await acquire(store, 'shared', { refreshIntervalMs: 20, operation: 'import', log: writer.log });
    await drive!.fill();
    const refreshFailed = (logs: string[]) => logs.some((l) => l.startsWith('warn: Could not refresh the lock'));
    for (let i = 0; i < 200 && !(refreshFailed(reader.logs) && refreshFailed(writer.logs)); i++) await new Promise((r) => setTimeout(r, 10));
    expect(refreshFailed(reader.logs) && refreshFailed(writer.logs)).toBe(true);
    expect(read.lost).toBeNull();
    expect(write.lost?.code).toBe('DEST_FULL');
    await read.release();
    await write.release();
  });

  it("prune makes room from unused data when retention forgets nothing, and leaves other connections' restore points", async () => {
    const { repo, dir } = await onDrive();
    const mine = await backup(repo, 1, 'p');
    const theirs = [await backup(repo, 2, 'other'), await backup(repo, 3, 'other')];
    await repo.putBlob(pseudoRandom(30_000, 99)); // left by an interrupted backup
    await repo.flush();
    await drive!.fill();
    const ctx = testContext();
    const r = await prune(repo, KEEP_NEWEST_ONLY, { ctx, now: NOW, group: { profile: 'p' }, lockOptions: { refreshIntervalMs: 0 } });
    expect(r.forgetSnapshots).toEqual([]);
    expect(r.deleteBlobs).toBe(1);
    expect(r.otherSnapshots).toBe(2);
    expect(r.notes[0]).toContain('The backup drive was full');
    expect(names(dir, 'snapshots')).toEqual([mine.id, ...theirs.map((t) => t.id)].sort());
    expect(names(dir, 'locks')).toEqual([]);
    // What is kept is whole.
    for (const s of [mine, ...theirs]) for await (const e of repo.readManifest(s)) if ('chunks' in e) for (const c of e.chunks) await repo.getBlob(c.id);
  });

  it('prune on a full drive with nothing it may remove says so, and removes nothing', async () => {
    const { repo, dir } = await onDrive();
    await backup(repo, 1, 'p');
    await backup(repo, 2, 'other');
    await backup(repo, 3, 'other'); // retention would forget this connection's older one, if it were ours to judge
    const before = names(dir, 'snapshots');
    await drive!.fill();
    const err = await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: { profile: 'p' }, lockOptions: { refreshIntervalMs: 0 } }), 'DEST_FULL');
    expect(err.message).toBe('The backup drive is full');
    expect(names(dir, 'snapshots')).toEqual(before);
  });
});

describe.skipIf(!support.ok)(title('a read-only drive'), () => {
  it('a stale lock that cannot be removed does not block reading; prune is refused in plain words', async () => {
    const { store, repo, dir } = await onDrive();
    await backup(repo, 1, 'p');
    const old = new Date(Date.now() - 3_600_000).toISOString();
    await store.put(`locks/${'e'.repeat(32)}.json`, Buffer.from(JSON.stringify({ version: 1, id: 'e'.repeat(32), kind: 'exclusive', host: 'elsewhere', pid: 1, operation: 'prune', createdAt: old, refreshedAt: old })));
    drive!.readOnly();
    const lock = await acquire(store, 'shared', { refreshIntervalMs: 0, readOnlyJob: true });
    expect(lock.withoutFile).toBe('read-only');
    await lock.release();
    expect(names(dir, 'locks')).toEqual([`${'e'.repeat(32)}.json`]); // still there: nothing could be written
    const err = await expectUserError(prune(repo, KEEP_NEWEST_ONLY, { ctx: testContext(), now: NOW, group: { profile: 'p' }, lockOptions: { refreshIntervalMs: 0 } }), 'DEST_NOT_WRITABLE');
    expect(err.message).toBe('The backup location is read-only, so old restore points cannot be removed from it.');
  });
});
