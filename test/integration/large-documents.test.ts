// The largest things MongoDB allows, through backup and restore: a document of exactly 16 MiB,
// batches that would cross 16 MiB, and a collection whose restore sends more than 48 MB (several
// insert messages). Servers are started once; the data are compressible so the file stays quick.
import { BSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FolderStore, Repository } from '../../electron/core/repository';
import { verifyBackup } from '../../electron/core/verify/verify';
import { restoreVerdict } from '../../electron/core/restore/restore';
import { DB, entriesOf, newRepo, rawCollection, removeTempDirs, startServers, testContext, type Servers } from '../support/backup';
import { backupNow, planFor, restorePlan } from '../support/restore';

const MiB = 1024 * 1024;
let s: Servers;
let repo: Repository;

/** A document of exactly `size` bytes of BSON. */
function sized(id: number, size: number) {
  const overhead = BSON.calculateObjectSize({ _id: id, pad: '' });
  return { _id: id, pad: String.fromCharCode(97 + (id % 26)).repeat(size - overhead) };
}

beforeAll(async () => {
  s = await startServers();
  const db = s.mongoClient.db(DB);
  await db.collection('largest').insertOne(sized(0, 16 * MiB) as never);
  await db.collection('largest').insertMany([1, 2, 3].map((i) => sized(i, 7 * MiB)) as never[]);
  await db.collection('many').insertMany(Array.from({ length: 52 }, (_, i) => sized(i, MiB)) as never[]); // 52 MiB > 48 MB
  ({ repo } = await newRepo());
});

afterAll(async () => {
  await s?.close();
  await removeTempDirs();
});

describe('documents and batches at MongoDB\'s size limits', () => {
  it('backs up and restores them byte for byte', async () => {
    const before = { largest: await rawCollection(s.mongoClient, 'largest'), many: await rawCollection(s.mongoClient, 'many') };
    const backup = await backupNow(repo, s);
    const entries = new Map((await entriesOf(repo, backup.snapshotId)).map((e) => [e.path, e]));
    expect(entries.get(`mongo/${DB}/largest.bson`)).toMatchObject({ docs: 4, size: 16 * MiB + 21 * MiB });
    expect(entries.get(`mongo/${DB}/many.bson`)).toMatchObject({ docs: 52, size: 52 * MiB });

    await s.mongoClient.db(DB).collection('largest').deleteMany({ _id: { $in: [0, 2] } } as never);
    await s.mongoClient.db(DB).collection('many').drop();
    const plan = await planFor(repo, s, backup.snapshotId);
    const summary = await restorePlan(repo, s, plan, { safety: { mode: 'skip' } });
    expect(restoreVerdict(summary)).toBeNull();
    expect(summary.database.restored).toEqual(expect.arrayContaining([{ name: 'largest', docs: 4 }, { name: 'many', docs: 52 }]));
    expect((await rawCollection(s.mongoClient, 'largest')).equals(before.largest)).toBe(true);
    expect((await rawCollection(s.mongoClient, 'many')).equals(before.many)).toBe(true);

    // The test restore writes them the same way, into a scratch database.
    const check = await verifyBackup({ store: repo.store as FolderStore, mongo: s.mongoClient }, { snapshot: backup.snapshotId, depth: 'quick', testRestore: true }, testContext());
    expect(check.problems).toEqual([]);
    expect(check.checked).toMatchObject({ restoredCollections: 2, restoredDocuments: 56 });
  });
});
