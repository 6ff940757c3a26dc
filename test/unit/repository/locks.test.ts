// Locks: conflicts are BUSY (in this process and across processes), stale locks are taken over.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../../electron/core/repository/blob-store';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { acquire } from '../../../electron/core/repository/locks';
import type { LockFile } from '../../../electron/core/repository/schemas';
import { expectUserError, tempDir } from './helpers';

const MIN = 60 * 1000;

/** A lock file as another process (or machine) would write it. */
async function plantLock(store: BlobStore, fields: Partial<LockFile> = {}): Promise<LockFile> {
  const now = new Date().toISOString();
  const lock: LockFile = { version: 1, id: 'f'.repeat(32), kind: 'exclusive', host: 'other-machine', pid: 12345, operation: 'prune', createdAt: now, refreshedAt: now, ...fields };
  await store.put(`locks/${lock.id}.json`, Buffer.from(JSON.stringify(lock)));
  return lock;
}

async function lockFiles(store: BlobStore): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list('locks/')) out.push(o.path);
  return out;
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid ?? 999_999;
}

describe('locks', () => {
  it('shared locks coexist; exclusive conflicts with anything, in the same process', async () => {
    const store = new FolderStore(await tempDir());
    const a = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    const b = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    expect(await lockFiles(store)).toHaveLength(2);
    const err = await expectUserError(acquire(store, 'exclusive', { refreshIntervalMs: 0 }), 'BUSY');
    expect(err.message).toBe('Another backup or maintenance job is using this backup location');
    expect(err.hint).toBe('Wait for it to finish, then try again.');
    await a.release();
    await b.release();
    expect(await lockFiles(store)).toEqual([]);
    const x = await acquire(store, 'exclusive', { refreshIntervalMs: 0 });
    await expectUserError(acquire(store, 'shared', { refreshIntervalMs: 0 }), 'BUSY');
    // A second store object for the same folder is the same location.
    await expectUserError(acquire(new FolderStore(store.root), 'exclusive', { refreshIntervalMs: 0 }), 'BUSY');
    await x.release();
    await x.release(); // idempotent
  });

  it('a live lock of another process is BUSY and is left alone', async () => {
    const store = new FolderStore(await tempDir());
    const other = await plantLock(store, { kind: 'shared', operation: 'backup' });
    const err = await expectUserError(acquire(store, 'exclusive', { refreshIntervalMs: 0 }), 'BUSY');
    expect(err.details).toContain('backup on other-machine');
    expect(await lockFiles(store)).toEqual([`locks/${other.id}.json`]);
    const shared = await acquire(store, 'shared', { refreshIntervalMs: 0 }); // shared + shared is fine
    await shared.release();
  });

  it('takes over a lock left by a dead process on this machine', async () => {
    const store = new FolderStore(await tempDir());
    await plantLock(store, { host: os.hostname(), pid: deadPid() });
    const logs: string[] = [];
    const lock = await acquire(store, 'exclusive', { refreshIntervalMs: 0, log: (_l, m) => logs.push(m) });
    expect(await lockFiles(store)).toEqual([lock.path]);
    expect(logs.join('\n')).toMatch(/stale lock/);
    await lock.release();
  });

  it('a lock on this machine whose process still runs is live', async () => {
    const store = new FolderStore(await tempDir());
    await plantLock(store, { host: os.hostname(), pid: process.pid });
    await expectUserError(acquire(store, 'shared', { refreshIntervalMs: 0 }), 'BUSY');
  });

  it('a lock not refreshed for 30 minutes is stale, wherever it was made', async () => {
    const store = new FolderStore(await tempDir());
    const now = Date.now();
    await plantLock(store, { refreshedAt: new Date(now - 29 * MIN).toISOString() });
    await expectUserError(acquire(store, 'shared', { refreshIntervalMs: 0 }), 'BUSY');
    await plantLock(store, { refreshedAt: new Date(now - 31 * MIN).toISOString() });
    const lock = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    await lock.release();
  });

  it('an unreadable lock file is debris and is removed', async () => {
    const store = new FolderStore(await tempDir());
    await store.put(`locks/${'a'.repeat(32)}.json`, Buffer.from('{"half'));
    const lock = await acquire(store, 'exclusive', { refreshIntervalMs: 0 });
    expect(await lockFiles(store)).toEqual([lock.path]);
    await lock.release();
  });

  it('refresh rewrites refreshedAt; a removed lock file is reported as lost', async () => {
    const store = new FolderStore(await tempDir());
    let clock = Date.parse('2025-03-01T10:00:00Z');
    const lock = await acquire(store, 'shared', { refreshIntervalMs: 0, now: () => new Date(clock) });
    clock += 5 * MIN;
    await lock.refresh();
    const file = JSON.parse((await store.get(lock.path)).toString()) as LockFile;
    expect(file.refreshedAt).toBe('2025-03-01T10:05:00.000Z');
    expect(file.createdAt).toBe('2025-03-01T10:00:00.000Z');
    await store.delete(lock.path);
    await expectUserError(lock.refresh(), 'BUSY');
    expect(lock.lost?.code).toBe('BUSY');
    await lock.release();
  });

  it('when two processes write at once, the older lock wins and the newer backs off', async () => {
    for (const rivalIsOlder of [true, false]) {
      const dir = await tempDir();
      const store = new FolderStore(dir);
      // Simulate another machine writing its lock right after ours: our re-check must see it.
      const original = store.put.bind(store);
      let planted = false;
      store.put = async (p: string, data: Buffer) => {
        await original(p, data);
        if (p.startsWith('locks/') && !planted) {
          planted = true;
          const mine = JSON.parse(data.toString()) as LockFile;
          const at = new Date(Date.parse(mine.createdAt) + (rivalIsOlder ? -1 : 1)).toISOString();
          await plantLock(store, { createdAt: at, refreshedAt: at });
        }
      };
      if (rivalIsOlder) {
        await expectUserError(acquire(store, 'exclusive', { refreshIntervalMs: 0 }), 'BUSY');
        expect(await lockFiles(store)).toEqual([`locks/${'f'.repeat(32)}.json`]); // ours was removed
      } else {
        const lock = await acquire(store, 'exclusive', { refreshIntervalMs: 0 });
        expect(await lockFiles(store)).toHaveLength(2); // the rival will see ours and back off
        await lock.release();
      }
    }
  });

  it('honours an aborted signal', async () => {
    const store = new FolderStore(await tempDir());
    const ac = new AbortController();
    ac.abort();
    await expect(acquire(store, 'shared', { signal: ac.signal })).rejects.toThrow();
    const lock = await acquire(store, 'exclusive', { refreshIntervalMs: 0 }); // nothing was left reserved
    await lock.release();
  });
});
