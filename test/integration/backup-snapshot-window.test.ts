// A backup of a replica set reads the whole database at one cluster time. The test double keeps
// versions as a real server does (writes during the backup are not seen) for a history window
// (minSnapshotHistoryWindowInSeconds, 300 s on a real server; 2 s here). A backup that outlives the
// window still finishes, and its restore point says truthfully that it is not one point in time.
import { BSON, MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../electron/core/backup/backup';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire/index';
import { byPath, contentOf, entriesOf, FAST_RETRY, newRepo, removeTempDirs, testContext } from '../support/backup';
import { splitDocuments } from '../../electron/core/verify/bson-check';

const DB = 'pcifiles';
let server: MongoTestServer;
let client: MongoClient;
let writer: MongoClient;

beforeAll(async () => {
  server = await startMongoTestServer({ replSetName: 'rs0', snapshotHistoryWindowSeconds: 2 });
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 3000 });
  writer = new MongoClient(server.uri, { serverSelectionTimeoutMS: 3000 });
  await Promise.all([client.connect(), writer.connect()]);
});

afterEach(async () => {
  await client.db(DB).dropDatabase();
});

afterAll(async () => {
  await writer?.close();
  await client?.close();
  await server?.close();
  await removeTempDirs();
});

async function seed(): Promise<void> {
  const db = client.db(DB);
  // Byte order of names: "a_files" is read first, "b_records" after it.
  await db.collection('a_files').insertMany(Array.from({ length: 3000 }, (_, i) => ({ _id: i, pad: 'x'.repeat(200) })) as never[]);
  await db.collection('b_records').insertMany([{ _id: 1, v: 'before' }, { _id: 2, v: 'before' }] as never[]);
}

/** While the first collection is being stored, the application changes the second one. */
function writeDuringBackup(waitMs: number) {
  let done = false;
  return async (point: string) => {
    if (point !== 'mongo-chunk-stored' || done) return;
    done = true;
    const records = writer.db(DB).collection<{ _id: number; v: string }>('b_records');
    await records.updateOne({ _id: 1 }, { $set: { v: 'during' } });
    await records.insertOne({ _id: 3, v: 'during' });
    if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  };
}

async function recordsIn(repo: Awaited<ReturnType<typeof newRepo>>['repo'], snapshotId: string): Promise<unknown[]> {
  const entry = byPath(await entriesOf(repo, snapshotId)).get(`mongo/${DB}/b_records.bson`)!;
  return [...splitDocuments(await contentOf(repo, entry))].map((d) => BSON.deserialize(d));
}

describe('backup of a replica set and the snapshot history window', () => {
  it('within the window: a write made during the backup is not in it, and the restore point is one point in time', async () => {
    await seed();
    const { repo } = await newRepo();
    const result = await runBackup(repo, { mongo: { client, database: DB } }, testContext(), { profile: 'Office', appVersion: '0', retry: FAST_RETRY, mongoBatchBytes: 32 * 1024, hook: writeDuringBackup(0) });
    expect(result.consistency).toBe('point-in-time');
    expect(await recordsIn(repo, result.snapshotId)).toEqual([{ _id: 1, v: 'before' }, { _id: 2, v: 'before' }]);
    const header = await repo.readSnapshot(result.snapshotId);
    expect(header.consistency).toBe('point-in-time');
  });

  it('longer than the window: the backup finishes, and its restore point says it is not one point in time', async () => {
    await seed();
    const { repo } = await newRepo();
    const ctx = testContext();
    const result = await runBackup(repo, { mongo: { client, database: DB } }, ctx, { profile: 'Office', appVersion: '0', retry: FAST_RETRY, mongoBatchBytes: 32 * 1024, hook: writeDuringBackup(3000) });
    expect(result.consistency).toBe('best-effort');
    expect(result.consistencyNote).toMatch(/could not keep one point in time/);
    const header = await repo.readSnapshot(result.snapshotId);
    expect(header.consistency).toBe('best-effort');
    expect(header.consistencyNote).toBe(result.consistencyNote);
    // The second collection was read after the window had passed: it holds the newer documents, and
    // that is exactly what the label warns about.
    expect(await recordsIn(repo, result.snapshotId)).toEqual([{ _id: 1, v: 'during' }, { _id: 2, v: 'before' }, { _id: 3, v: 'during' }]);
    expect(ctx.logs.some((l) => l.startsWith('warn:') && /SnapshotTooOld|older than the oldest available/.test(l))).toBe(true);
  });

  it('a collection made anew during the backup: the backup finishes, and its restore point says it is not one point in time', async () => {
    await seed();
    const { repo } = await newRepo();
    let done = false;
    const hook = async (point: string) => {
      if (point !== 'mongo-chunk-stored' || done) return;
      done = true;
      // The application drops and creates the second collection again while the first is read.
      await writer.db(DB).collection('b_records').drop();
      await writer.db(DB).collection<{ _id: number; v: string }>('b_records').insertOne({ _id: 9, v: 'new' });
    };
    const result = await runBackup(repo, { mongo: { client, database: DB } }, testContext(), { profile: 'Office', appVersion: '0', retry: FAST_RETRY, mongoBatchBytes: 32 * 1024, hook });
    expect(result.consistency).toBe('best-effort');
    expect(await recordsIn(repo, result.snapshotId)).toEqual([{ _id: 9, v: 'new' }]);
  });
});
