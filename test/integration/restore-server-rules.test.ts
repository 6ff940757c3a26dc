// Restores against what real MongoDB servers refuse or do by themselves: a name that changed between
// a view and a collection since the backup (a rename cannot replace a view), TTL indexes deleting
// restored documents, index options current servers reject. Servers are started once for the file.
import fs from 'node:fs/promises';
import path from 'node:path';
import { BSON } from 'bson';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importMongodump } from '../../electron/core/export/import-mongodump';
import type { FolderStore } from '../../electron/core/repository';
import { verifyBackup } from '../../electron/core/verify/verify';
import type { Repository } from '../../electron/core/repository';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { summaryText } from '../../electron/cli/commands/restore-text';
import { DB, newRepo, removeTempDirs, startServers, tempDir, testContext, type Servers } from '../support/backup';
import { backupNow, collectionNames, planFor, restorePlan } from '../support/restore';

let s: Servers;
let repo: Repository;

beforeAll(async () => {
  s = await startServers();
});

afterEach(async () => {
  await s.mongoClient.db(DB).dropDatabase();
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

const coll = (name: string) => s.mongoClient.db(DB).collection<{ _id: unknown; [field: string]: unknown }>(name);

async function kinds(): Promise<Record<string, string>> {
  const list = await s.mongoClient.db(DB).listCollections({}, { nameOnly: true }).toArray();
  return Object.fromEntries(list.filter((c) => !c.name.startsWith('system.')).map((c) => [c.name, String(c.type)]));
}

describe('a name that is a view now, or a collection now', () => {
  it('previews the change and restores both without leaving the database mixed', async () => {
    const db = s.mongoClient.db(DB);
    await coll('files').insertMany([{ _id: 1, active: true }, { _id: 2, active: false }]);
    await coll('reports').insertMany([{ _id: 'r1' }, { _id: 'r2' }, { _id: 'r3' }]);
    await db.createCollection('activeFiles', { viewOn: 'files', pipeline: [{ $match: { active: true } }] });
    ({ repo } = await newRepo());
    const { snapshotId } = await backupNow(repo, s);

    // An upgrade turned "reports" into a view and "activeFiles" into a real collection.
    await coll('reports').drop();
    await db.createCollection('reports', { viewOn: 'files', pipeline: [] });
    await coll('activeFiles').drop();
    await coll('activeFiles').insertMany([{ _id: 1 }, { _id: 9 }]);

    const plan = await planFor(repo, s, snapshotId);
    const byName = Object.fromEntries(plan.database!.collections.map((c) => [c.name, c]));
    expect(byName.reports).toMatchObject({ action: 'replace', kind: 'collection' });
    expect(byName.reports.note).toMatch(/is a view now; it is replaced by the restored collection/);
    expect(byName.activeFiles).toMatchObject({ action: 'view', kind: 'view' });
    expect(byName.activeFiles.note).toMatch(/is a collection with 2 documents now; it is replaced by the restored view/);

    const ctx = testContext();
    const summary = await restorePlan(repo, s, plan, {}, ctx);
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.database.failed).toEqual([]);
    expect(summary.database.restored.map((r) => r.name).sort()).toEqual(['files', 'reports']);
    expect(summary.database.views).toEqual(['activeFiles']);
    expect(await kinds()).toEqual({ activeFiles: 'view', files: 'collection', reports: 'collection' });
    expect(await coll('reports').find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 'r1' }, { _id: 'r2' }, { _id: 'r3' }]);
    expect(await coll('activeFiles').find().toArray()).toEqual([{ _id: 1, active: true }]);
    expect(ctx.logs.some((l) => /"reports" was a view; it was removed/.test(l))).toBe(true);
    expect(await collectionNames(s)).toEqual(['activeFiles', 'files', 'reports']);
  });
});

describe('TTL indexes delete restored documents by themselves', () => {
  const admin = () => s.mongoClient.db('admin');

  afterEach(async () => {
    await admin().command({ setParameter: 1, ttlMonitorEnabled: true });
    await admin().command({ setParameter: 1, ttlMonitorSleepSecs: 60 });
  });

  it('the preview says which documents are already past their time, and the check afterwards does not call the restore incomplete', async () => {
    // The monitor had not run yet when the backup was taken (it runs once a minute).
    await admin().command({ setParameter: 1, ttlMonitorEnabled: false });
    const hourAgo = new Date(Date.now() - 3_600_000);
    const later = new Date(Date.now() + 3_600_000);
    await coll('sessions').createIndex({ lastSeen: 1 }, { expireAfterSeconds: 600, name: 'lastSeen_ttl' });
    await coll('sessions').insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, lastSeen: i % 2 === 0 ? hourAgo : later })));
    ({ repo } = await newRepo());
    const { snapshotId } = await backupNow(repo, s);
    await coll('sessions').deleteMany({});

    const plan = await planFor(repo, s, snapshotId);
    const sessions = plan.database!.collections.find((c) => c.name === 'sessions')!;
    expect(sessions).toMatchObject({ action: 'replace', docsInSnapshot: 10 });
    expect(sessions.note).toMatch(/^5 of its 10 documents are already past their expiry time .*"lastSeen".*MongoDB deletes them by itself/);

    await admin().command({ setParameter: 1, ttlMonitorEnabled: true });
    await admin().command({ setParameter: 1, ttlMonitorSleepSecs: 1 });
    // The monitor runs once more after the restored collection (and its TTL index) is built, before it is switched in.
    const passes = async () => Number(((await admin().command({ serverStatus: 1 })).metrics as { ttl: { passes: unknown } }).ttl.passes);
    const hook = async (point: string) => {
      if (point !== 'restore-mongo-staged') return;
      const before = await passes();
      const deadline = Date.now() + 15_000;
      while ((await passes()) < before + 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    };
    const summary = await restorePlan(repo, s, plan, { hook });
    expect(await coll('sessions').countDocuments()).toBe(5);
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.verification!.ok).toBe(true);
    expect(summary.verification!.collections.find((c) => c.name === 'sessions')).toMatchObject({ expected: 10, found: 5, pastTtl: 5, sampleOk: true, indexesOk: true });
    expect(summaryText(summary).join('\n')).toMatch(/sessions: 5 of 10 documents: MongoDB deleted 5 that were already past their expiry time/);
  });

  it('a document missing for another reason is still reported', async () => {
    await admin().command({ setParameter: 1, ttlMonitorEnabled: false });
    await coll('sessions').createIndex({ lastSeen: 1 }, { expireAfterSeconds: 600 });
    await coll('sessions').insertMany([{ _id: 1, lastSeen: new Date(Date.now() - 3_600_000) }, { _id: 2, lastSeen: new Date() }, { _id: 3, lastSeen: new Date() }]);
    ({ repo } = await newRepo());
    const { snapshotId } = await backupNow(repo, s);
    const plan = await planFor(repo, s, snapshotId);
    // Something other than the TTL monitor removes a fresh document right after the switch.
    const hook = async (point: string) => {
      if (point === 'restore-mongo-swapped') await coll('sessions').deleteOne({ _id: 3 } as never);
    };
    const summary = await restorePlan(repo, s, plan, { hook, safety: { mode: 'skip' } });
    expect(summary.verification!.ok).toBe(false);
    expect(summary.verification!.collections.find((c) => c.name === 'sessions')).toMatchObject({ expected: 3, found: 2 });
    expect(restoreVerdict(summary)).not.toBeNull();
  });
});

describe('index and collection options of an old mongodump that current servers refuse', () => {
  async function oldDump(): Promise<string> {
    const dir = path.join(await tempDir(), 'dump', DB);
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'legacy.bson'), Buffer.concat([1, 2, 3].map((i) => BSON.serialize({ _id: i, slug: `s${i}`, title: `page ${i}` }))));
    // As mongodump of MongoDB 3.2 wrote it: v:1 specs with the namespace, and a driver's "safe" option.
    const meta = {
      options: { autoIndexId: true, flags: 1 },
      indexes: [
        { v: 1, key: { _id: 1 }, name: '_id_', ns: `${DB}.legacy` },
        { v: 1, key: { slug: 1 }, name: 'slug_1', ns: `${DB}.legacy`, background: true, safe: null },
        { v: 1, key: { _fts: 'text', _ftsx: 1 }, name: 'search', ns: `${DB}.legacy`, weights: { title: 1 }, default_language: 'english', language_override: 'language', textIndexVersion: 3 },
      ],
      uuid: '0f8fad5bd9cb469fa16570867728950e',
      collectionName: 'legacy',
      type: 'collection',
    };
    await fs.writeFile(path.join(dir, 'legacy.metadata.json'), JSON.stringify(meta));
    return path.dirname(dir);
  }

  it('import warns, restore and test restore leave the refused options out and say so', async () => {
    ({ repo } = await newRepo());
    const importCtx = testContext();
    const imported = await importMongodump(repo, { from: await oldDump(), profile: 'Office', appVersion: 'test' }, importCtx);
    expect(importCtx.logs).toContainEqual(expect.stringMatching(/^warn: The index "slug_1" of pcifiles\.legacy has options from an older MongoDB that current servers refuse \(safe\)/));

    // The test restore does not blame the backup for what the server refuses.
    const check = await verifyBackup({ store: repo.store as FolderStore, mongo: s.mongoClient }, { snapshot: imported.snapshotId, depth: 'quick', testRestore: true }, testContext());
    expect(check.problems).toEqual([]);

    const plan = await planFor(repo, s, imported.snapshotId);
    const ctx = testContext();
    const summary = await restorePlan(repo, s, plan, { safety: { mode: 'skip' } }, ctx);
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.notes).toContainEqual(expect.stringMatching(/The index "slug_1" of legacy .*\(safe\); it is restored without them/));
    expect(summary.notes).toContainEqual(expect.stringMatching(/^legacy has collection options from an older MongoDB .*\(autoIndexId, flags\); it is restored without them/));
    expect(importCtx.logs).toContainEqual(expect.stringMatching(/pcifiles\.legacy has collection options from an older MongoDB/));
    const [info] = await s.mongoClient.db(DB).listCollections({ name: 'legacy' }).toArray();
    expect((info as { options?: object }).options).toEqual({});
    const live = Object.fromEntries((await coll('legacy').listIndexes().toArray()).map((ix) => [ix.name as string, ix]));
    expect(Object.keys(live).sort()).toEqual(['_id_', 'search', 'slug_1']);
    expect(live.slug_1.safe).toBeUndefined();
    expect(live.search).toMatchObject({ key: { _fts: 'text', _ftsx: 1 }, weights: { title: 1 } });
    expect(await coll('legacy').countDocuments()).toBe(3);
  });
});
