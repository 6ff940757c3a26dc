// Leftover temporary files of interrupted writes: removed only when no job running now can still be
// writing them — all of them under an exclusive lock, otherwise only old ones made before every
// other live lock holder started.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { removeTempLeftovers } from '../../../electron/core/repository/leftovers';
import { acquire } from '../../../electron/core/repository/locks';
import type { LockFile } from '../../../electron/core/repository/schemas';
import { tempDir } from './helpers';

const HOUR = 3_600_000;

function plant(root: string, rel: string, ageMs: number, bytes = 1000): string {
  const file = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, Buffer.alloc(bytes));
  const t = new Date(Date.now() - ageMs);
  fs.utimesSync(file, t, t);
  return file;
}

/** A live lock of a backup on another computer that started `startedAgoMs` ago. */
async function liveBackupElsewhere(store: FolderStore, startedAgoMs: number): Promise<LockFile> {
  const lock: LockFile = { version: 1, id: 'a'.repeat(32), kind: 'shared', host: 'other-computer', pid: 4242, operation: 'backup', createdAt: new Date(Date.now() - startedAgoMs).toISOString(), refreshedAt: new Date().toISOString() };
  await store.put(`locks/${lock.id}.json`, Buffer.from(JSON.stringify(lock)));
  return lock;
}

describe('leftover temporary files', () => {
  it('a shared lock removes only old ones; an exclusive lock removes all; real files are never touched', async () => {
    const root = await tempDir();
    const store = new FolderStore(root);
    await store.put('blobs/ab/ab00', Buffer.from('a real blob'));
    const old = plant(root, 'blobs/ab/.tmp-0001', 2 * HOUR, 250_000);
    const young = plant(root, 'snapshots/.tmp-0002', 10 * 60_000);

    const shared = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    expect(await removeTempLeftovers(store, shared)).toEqual({ removed: 1, bytes: 250_000 });
    await shared.release();
    expect([fs.existsSync(old), fs.existsSync(young)]).toEqual([false, true]);

    const exclusive = await acquire(store, 'exclusive', { refreshIntervalMs: 0 });
    expect(await removeTempLeftovers(store, exclusive)).toEqual({ removed: 1, bytes: 1000 });
    await exclusive.release();
    expect(fs.existsSync(young)).toBe(false);
    expect(fs.readFileSync(path.join(root, 'blobs', 'ab', 'ab00'), 'utf8')).toBe('a real blob');
  });

  it('keeps old ones a live lock holder that started before them may still be writing', async () => {
    const root = await tempDir();
    const store = new FolderStore(root);
    await liveBackupElsewhere(store, 5 * HOUR); // a long backup on another computer
    const during = plant(root, 'blobs/cd/.tmp-0003', 2 * HOUR); // made while it runs: may be its own
    const before = plant(root, 'blobs/cd/.tmp-0004', 7 * HOUR); // older than that backup: nobody's
    const mine = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    expect(await removeTempLeftovers(store, mine)).toEqual({ removed: 1, bytes: 1000 });
    await mine.release();
    expect([fs.existsSync(during), fs.existsSync(before)]).toEqual([true, false]);
  });
});
