// Restores against what real MongoDB servers refuse or do by themselves: a name that changed between
// a view and a collection since the backup (a rename cannot replace a view), TTL indexes deleting
// restored documents, index options current servers reject. Servers are started once for the file.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../electron/core/repository';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { DB, newRepo, removeTempDirs, startServers, testContext, type Servers } from '../support/backup';
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
