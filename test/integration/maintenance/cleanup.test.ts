// Maintenance "Run now" against the MongoDB test double and a real backup folder: it removes what an
// interrupted restore left (temporary collections of runs whose process is gone) and stale locks, and
// nothing else — not the data, not a restore that is still running, not a lock that is alive.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaintenanceSummary } from '../../../shared/api/maintenance';
import { openBackupLocation } from '../../../electron/core/backup/location';
import { startMaintenanceJob } from '../../../electron/core/maintenance/tasks';
import { saveProfile } from '../../../electron/core/profiles/service';
import { openProfile } from '../../../electron/core/profiles/open';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';

const DB = 'pcifm';
let mongo: MongoTestServer;
let client: MongoClient;
let engine: TestEngine;
let backups: string;

/** The pid of a process that has ended: what an interrupted restore leaves behind. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

beforeAll(async () => {
  mongo = await startMongoTestServer();
  client = new MongoClient(mongo.uri);
  await client.connect();
  backups = tempDir('pci-maint-backups-');
  engine = testEngine({ env: {} });
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: backups } }, { mongoUri: mongo.uri });
});

afterAll(async () => {
  await engine.dispose();
  await client.close();
  await mongo.close();
  fs.rmSync(backups, { recursive: true, force: true });
});

async function run(task: 'restore-leftovers' | 'locks'): Promise<MaintenanceSummary> {
  const job = await engine.jobs.wait(startMaintenanceJob(engine, task).id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return job.summary as MaintenanceSummary;
}

describe('maintenance clean-up', () => {
  it('removes the temporary collections of an interrupted restore and nothing else', async () => {
    const db = client.db(DB);
    await db.collection('files').insertMany([{ key: 'a.pdf' }, { key: 'b.pdf' }]);
    await db.collection('users').insertOne({ name: 'ann' });
    // Looks alike, but is not a restore's temporary collection (no run id).
    await db.collection('pcimaint_restore_notes').insertOne({ note: 'kept' });
    const now = new Date();
    const dead = 'aaaaaaaaaaaa';
    const live = 'bbbbbbbbbbbb';
    const unregistered = 'cccccccccccc';
    await db.collection('pcimaint_restore_runs').insertMany([
      { _id: dead as never, host: os.hostname(), pid: deadPid(), profile: 'Office', startedAt: now, refreshedAt: now },
      { _id: live as never, host: os.hostname(), pid: process.pid, profile: 'Office', startedAt: now, refreshedAt: now },
    ]);
    await db.collection(`pcimaint_restore_${dead}_files`).insertOne({ key: 'half' });
    await db.collection(`pcimaint_restore_${dead}_users`).insertOne({ name: 'half' });
    await db.collection(`pcimaint_restore_${live}_files`).insertOne({ key: 'in progress' });
    await db.collection(`pcimaint_restore_${unregistered}_files`).insertOne({ key: 'orphan' });

    const summary = await run('restore-leftovers');
    expect(summary.tasks).toEqual([{ task: 'restore-leftovers', ok: true, did: 'Office: removed 3 temporary collections.' }]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(['files', 'pcimaint_restore_bbbbbbbbbbbb_files', 'pcimaint_restore_notes', 'pcimaint_restore_runs', 'users']);
    expect(await db.collection('files').countDocuments()).toBe(2);
    expect((await db.collection('pcimaint_restore_runs').find().toArray()).map((r) => r._id)).toEqual([live]);

    // The maintenance page shows when it ran and what it did.
    const view = engine.automation.maintenanceOverview().tasks.find((t) => t.id === 'restore-leftovers');
    expect(view?.lastRun).toMatchObject({ ok: true, did: 'Office: removed 3 temporary collections.' });
  });

  it('removes a lock whose process is gone and keeps one that is alive', async () => {
    const opened = await openProfile(engine, 'Office', { location: true });
    const { location } = opened;
    try {
      await openBackupLocation(location.store, { createIfEmpty: true });
      const at = new Date().toISOString();
      const lock = (pid: number, host: string) => ({ version: 1, id: randomBytes(16).toString('hex'), kind: 'exclusive', host, pid, operation: 'prune', createdAt: at, refreshedAt: at });
      const stale = lock(deadPid(), os.hostname());
      const alive = lock(4242, 'another-computer');
      for (const l of [stale, alive]) await location.store.put(`locks/${l.id}.json`, Buffer.from(JSON.stringify(l)));

      // A live exclusive lock elsewhere: the location is in use; only the stale lock goes.
      let summary = await run('locks');
      expect(summary.tasks[0].did).toBe('Office: removed 1 stale lock; in use by another job right now; checked again next time.');
      expect(fs.readdirSync(`${backups}/locks`)).toEqual([`${alive.id}.json`]);
      await location.store.delete(`locks/${alive.id}.json`);
      const fresh = lock(4242, 'another-computer');
      fresh.kind = 'shared';
      await location.store.put(`locks/${fresh.id}.json`, Buffer.from(JSON.stringify(fresh)));
      await location.store.put(`locks/${stale.id}.json`, Buffer.from(JSON.stringify(stale)));

      summary = await run('locks');
      expect(summary.tasks[0]).toEqual({ task: 'locks', ok: true, did: 'Office: removed 1 stale lock.' });
      expect(fs.readdirSync(`${backups}/locks`).sort()).toEqual([`${fresh.id}.json`]);
    } finally {
      await opened.close();
    }
  });
});
