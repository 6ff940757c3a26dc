// The TEST DOUBLE claiming an older server: a 4.4.0 answers `isMaster` but not `hello` (4.4.2+), with
// wire version 9, and 6.0 answers NamespaceNotFound for dropping a missing collection. Double-only:
// a real server's version cannot be chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError } from 'mongodb';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire/index';
import { runBackup } from '../../electron/core/backup/backup';
import { FAST_RETRY, newRepo, removeTempDirs, testContext } from '../support/backup';

let old: MongoTestServer;
let client: MongoClient;

beforeAll(async () => {
  old = await startMongoTestServer({ serverVersion: '4.4.0', replSetName: 'rs0' });
  client = new MongoClient(old.uri, { serverSelectionTimeoutMS: 3000 });
  await client.connect();
});

afterAll(async () => {
  await removeTempDirs();
  await client?.close();
  await old?.close();
});

describe('a 4.4.0 server', () => {
  it('announces wire version 9 and knows isMaster only', async () => {
    const legacy = await client.db('admin').command({ isMaster: 1 });
    expect(legacy.maxWireVersion).toBe(9);
    expect(legacy.ismaster).toBe(true);
    const err = await client.db('admin').command({ hello: 1 }).then(() => null, (e: unknown) => e as MongoServerError);
    expect(err?.code).toBe(59);
  });

  it('refuses to drop a missing collection (before 7.0)', async () => {
    const err = await client.db('x').command({ drop: 'missing' }).then(() => null, (e: unknown) => e as MongoServerError);
    expect(err?.code).toBe(26);
  });

  it('is backed up through the isMaster fallback; snapshot reads need 5.0, so the restore point says best effort', async () => {
    await client.db('pcifiles').collection('files').insertMany([{ a: 1 }, { a: 2 }]);
    const { repo } = await newRepo();
    const ctx = testContext();
    const result = await runBackup(repo, { mongo: { client, database: 'pcifiles' } }, ctx, { profile: 'Old', appVersion: '0', retry: FAST_RETRY });
    // isMaster named the replica set (hello failed with 59), so a snapshot read was tried; the driver
    // refuses it below wire version 13 and the backup carries on, saying so.
    expect(ctx.logs.join('\n')).toContain('snapshot read');
    expect(result.consistency).toBe('best-effort');
    expect(result.consistencyNote).toContain('does not support it');
  });
});
