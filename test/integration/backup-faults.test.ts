// What goes wrong in real life, provoked on real servers: dropped connections, killed cursors, R2
// throttling and resets, a full backup drive, a wrong passphrase, two backups at once, a cancel.
// Each ends in a clear result; nothing is lost; a failed run never leaves a restore point.
import fs from 'node:fs/promises';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors';
import { runBackup, type BackupOptions } from '../../electron/core/backup/backup';
import { openBackupLocation } from '../../electron/core/backup/location';
import { JobManager } from '../../electron/core/jobs/manager';
import { FolderStore, Repository, nodeFolderFs, type FolderFs, type R2ObjectEntry } from '../../electron/core/repository';
import { r2Client } from '../support/s3/client';
import { BUCKET, DB, FAST_RETRY, TEST_SCRYPT_N, byPath, contentOf, entriesOf, newRepo, noise, putObject, rawCollection, removeTempDirs, startServers, tempDir, testContext, type Servers } from '../support/backup';

let servers: Servers;
const BIG = 'media/big.bin';
let bigBody: Buffer;
const OPTIONS: BackupOptions = { profile: 'Office', appVersion: '0', retry: FAST_RETRY, mongoBatchBytes: 32 * 1024 };

async function rejection(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

async function lockFiles(dir: string): Promise<string[]> {
  return fs.readdir(path.join(dir, 'locks')).catch(() => []);
}

beforeAll(async () => {
  servers = await startServers();
  const db = servers.mongoClient.db(DB);
  // Mixed `_id` types: a resumed read must continue into the later type brackets too.
  const docs = [
    ...Array.from({ length: 1500 }, (_, i) => ({ _id: i as unknown, v: noise(200, i + 1).toString('hex') })),
    ...Array.from({ length: 500 }, (_, i) => ({ _id: `s${String(i).padStart(4, '0')}` as unknown, v: noise(200, i + 5000).toString('hex') })),
    ...Array.from({ length: 10 }, (_, i) => ({ _id: new Date(Date.UTC(1960, 0, i + 1)) as unknown, v: 'date' })),
  ];
  await db.collection('records').insertMany(docs as never[]);
  await db.collection('small').insertMany([{ _id: 1 }, { _id: 2 }] as never[]);
  for (let i = 0; i < 12; i++) await putObject(servers.s3Client, `docs/${i}.txt`, Buffer.from(`document ${i} `.repeat(100)), { contentType: 'text/plain' });
  bigBody = noise(3 * 1024 * 1024 + 7, 77);
  await putObject(servers.s3Client, BIG, bigBody, { contentType: 'application/octet-stream' });
});

afterEach(() => {
  servers.mongo.faults.clear();
  servers.s3.faults.clear();
  servers.s3.stats.reset();
});

afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

describe('MongoDB faults', () => {
  it('continues after a dropped connection mid-cursor, with no duplicate and no gap', async () => {
    const { repo } = await newRepo();
    servers.mongo.faults.dropConnectionAfterDocuments(1499, { collection: 'records' });
    const ctx = testContext();
    const result = await runBackup(repo, servers.sources(), ctx, OPTIONS);
    const entry = byPath(await entriesOf(repo, result.snapshotId)).get(`mongo/${DB}/records.bson`)!;
    expect((await contentOf(repo, entry)).equals(await rawCollection(servers.mongoClient, 'records'))).toBe(true);
    expect(entry).toMatchObject({ docs: 2010 });
    expect(ctx.logs.some((l) => l.includes('Reading records was interrupted'))).toBe(true);
  });

  it('continues after its cursor was killed on the server', async () => {
    const { repo } = await newRepo();
    // Kill every cursor right after the second batch of `records` arrived: the next getMore fails.
    const client = new MongoClient(servers.mongo.uri, { monitorCommands: true, serverSelectionTimeoutMS: 3000 });
    let getMores = 0;
    client.on('commandSucceeded', (e) => {
      if (e.commandName === 'getMore' && ++getMores === 2) servers.mongo.faults.killAllCursors();
    });
    const ctx = testContext();
    try {
      const result = await runBackup(repo, { ...servers.sources(), mongo: { client, database: DB } }, ctx, OPTIONS);
      expect(getMores).toBeGreaterThan(2);
      const entry = byPath(await entriesOf(repo, result.snapshotId)).get(`mongo/${DB}/records.bson`)!;
      expect((await contentOf(repo, entry)).equals(await rawCollection(servers.mongoClient, 'records'))).toBe(true);
      expect(ctx.logs.some((l) => /Reading records was interrupted \(MongoServerError 43/.test(l)), ctx.logs.join('\n')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('gives up with a clear error when the server keeps failing, leaving no restore point', async () => {
    const { repo, dir } = await newRepo();
    servers.mongo.faults.failCommand('find', { code: 89, codeName: 'NetworkTimeout', errmsg: 'timed out' });
    const err = await rejection(runBackup(repo, servers.sources(), testContext(), OPTIONS));
    expect(err.code).toBe('MONGO_ERROR');
    expect(await repo.listSnapshots()).toEqual([]);
    expect(await lockFiles(dir)).toEqual([]);
  });
});

describe('R2 faults', () => {
  it('rides out 503 and 429 bursts on listing and downloads', async () => {
    const { repo } = await newRepo();
    servers.s3.faults.failNext(2, { status: 503, match: { op: 'ListObjectsV2' } });
    servers.s3.faults.failNext(3, { status: 503, match: { op: 'GetObject' } });
    servers.s3.faults.failNext(2, { status: 429, match: { op: 'GetObject', key: BIG } });
    const ctx = testContext();
    const result = await runBackup(repo, servers.sources(), ctx, OPTIONS);
    const entries = byPath(await entriesOf(repo, result.snapshotId));
    expect((await contentOf(repo, entries.get(`r2/${BUCKET}/${BIG}`)!)).equals(bigBody)).toBe(true);
    expect([...entries.keys()].filter((p) => p.startsWith('r2/'))).toHaveLength(13);
    expect(servers.s3.stats.errors).toMatchObject({ SlowDown: 5, TooManyRequests: 2 });
  });

  it('continues a download cut off mid-body from where it stopped', async () => {
    const { repo } = await newRepo();
    servers.s3.faults.resetMidBody({ afterBytes: 700_000, times: 2, match: { op: 'GetObject', key: BIG } });
    const ctx = testContext();
    const result = await runBackup(repo, servers.sources(), ctx, OPTIONS);
    const entry = byPath(await entriesOf(repo, result.snapshotId)).get(`r2/${BUCKET}/${BIG}`) as R2ObjectEntry;
    expect((await contentOf(repo, entry)).equals(bigBody)).toBe(true);
    expect(servers.s3.stats.getObjectKeys.filter((k) => k === BIG)).toHaveLength(3);
    // Range requests continue the download: far less than three full copies went over the wire.
    expect(servers.s3.stats.bytesSent).toBeLessThan(bigBody.length * 1.6);
    expect(ctx.logs.filter((l) => l.includes(`Downloading ${BIG} was interrupted`))).toHaveLength(2);
  });

  it('stops at once with a plain error when R2 does not accept the key', async () => {
    const { repo } = await newRepo();
    const wrongKey = r2Client(servers.s3, { maxAttempts: 1, credentials: { accessKeyId: servers.s3.accessKeyId, secretAccessKey: 'not-the-secret' } });
    try {
      const err = await rejection(runBackup(repo, { ...servers.sources(), r2: { client: wrongKey, bucket: BUCKET } }, testContext(), OPTIONS));
      expect(err.code).toBe('R2_AUTH_FAILED');
      expect(await repo.listSnapshots()).toEqual([]);
    } finally {
      wrongKey.destroy();
    }
  });

  it('fails clearly when R2 keeps refusing, leaving no restore point and no lock', async () => {
    const { repo, dir } = await newRepo();
    servers.s3.faults.failNext(1000, { status: 503, match: { op: 'GetObject', key: BIG } });
    const err = await rejection(runBackup(repo, servers.sources(), testContext(), OPTIONS));
    expect(err.code).toBe('R2_ERROR');
    expect(err.message).toMatch(/R2|storage/);
    expect(await repo.listSnapshots()).toEqual([]);
    expect(await lockFiles(dir)).toEqual([]);
    servers.s3.faults.clear();
    // Nothing is lost: the next backup works and reuses what the failed one stored.
    const result = await runBackup(repo, servers.sources(), testContext(), OPTIONS);
    expect(result.stats.reusedBytes).toBeGreaterThan(0);
  });
});

describe('backup location faults', () => {
  it('reports a full drive as DEST_FULL, leaves no restore point, and the next backup reuses what was written', async () => {
    const dir = await tempDir('pci-full-');
    const { packed } = await Repository.init(new FolderStore(dir), { testOnlyScryptN: TEST_SCRYPT_N });
    // Format 1: the drive fills after four blob files. Format 2: the one pack file of this small
    // backup does not fit, but its index file would (a drive with a little room left).
    const data = packed ? 'packs' : 'blobs';
    let blobWrites = 0;
    const fullFs: FolderFs = {
      ...nodeFolderFs,
      open: async (file, flags) => {
        if (flags === 'wx' && file.includes(`${path.sep}${data}${path.sep}`) && ++blobWrites > (packed ? 0 : 4)) {
          throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
        }
        return nodeFolderFs.open(file, flags);
      },
    };
    const repo = await Repository.open(new FolderStore(dir, { fs: fullFs }));
    const err = await rejection(runBackup(repo, servers.sources(), testContext(), OPTIONS));
    expect(err.code).toBe('DEST_FULL');
    expect(err.message).toBe('The backup drive is full');
    expect(await repo.listSnapshots()).toEqual([]);
    expect(await lockFiles(dir)).toEqual([]);
    if (!packed) expect((await fs.readdir(path.join(dir, 'blobs'))).length).toBeGreaterThan(0);

    const healthy = await Repository.open(new FolderStore(dir));
    const result = await runBackup(healthy, servers.sources(), testContext(), OPTIONS);
    if (!packed) expect(result.stats.reusedBytes).toBeGreaterThan(0); // format 2: nothing had been written
    expect(await healthy.listSnapshots()).toHaveLength(1);
  });

  it('says WRONG_PASSPHRASE for an encrypted location opened with the wrong passphrase', async () => {
    const { store } = await newRepo({ passphrase: 'correct horse' });
    expect((await rejection(openBackupLocation(store, { passphrase: 'wrong horse' }))).code).toBe('WRONG_PASSPHRASE');
    expect((await rejection(openBackupLocation(store, {}))).code).toBe('PASSPHRASE_REQUIRED');
    const { repo } = await openBackupLocation(store, { passphrase: 'correct horse' });
    const result = await runBackup(repo, servers.sources(), testContext(), OPTIONS);
    const entries = byPath(await entriesOf(repo, result.snapshotId));
    expect((await contentOf(repo, entries.get(`r2/${BUCKET}/${BIG}`)!)).equals(bigBody)).toBe(true);
  });

  it('answers BUSY to a second backup of the same location while the first runs', async () => {
    const { dir, repo } = await newRepo();
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atPause = new Promise<void>((resolve) => (reached = resolve));
    const hook = async (point: string) => {
      if (point === 'r2-chunk-stored') {
        reached();
        await paused;
      }
    };
    const first = runBackup(repo, servers.sources(), testContext(), { ...OPTIONS, hook });
    await atPause;
    // Another process would open the location on its own: a separate Repository and store.
    const other = await Repository.open(new FolderStore(dir));
    const err = await rejection(runBackup(other, servers.sources(), testContext(), OPTIONS));
    expect(err.code).toBe('BUSY');
    release();
    await first;
    expect(await repo.listSnapshots()).toHaveLength(1);
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('ends a canceled backup as "canceled", with no restore point and the lock released', async () => {
    const { dir, repo } = await newRepo();
    const jobs = new JobManager({ throttleMs: 0 });
    let reached!: () => void;
    const atPause = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const hook = async (point: string) => {
      if (point === 'mongo-chunk-stored') {
        reached();
        await paused;
      }
    };
    const job = jobs.start({ kind: 'backup', title: 'Backup', run: (ctx) => runBackup(repo, servers.sources(), ctx, { ...OPTIONS, hook }) });
    await atPause;
    jobs.cancel(job.id);
    release();
    const final = await jobs.wait(job.id);
    expect(final.status).toBe('canceled');
    expect(final.error).toBeNull();
    expect(await repo.listSnapshots()).toEqual([]);
    expect(await lockFiles(dir)).toEqual([]);
  });
});
