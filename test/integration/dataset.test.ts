// The seeded PCI File Manager dataset is what its summary says, read back through the real driver and SDK.
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { Binary, Decimal128, Long, MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planDataset, type DatasetSummary } from '../support/dataset';
import { r2Client, readBody } from '../support/s3/client';
import { startTestServers, type TestServers } from '../support/servers';

let env: TestServers;
let summary: DatasetSummary;
let mongo: MongoClient;
let db: Db;
let s3: S3Client;
const objects = new Map<string, { size: number; etag: string }>();

beforeAll(async () => {
  env = await startTestServers({ scale: 'small', seed: 1 });
  summary = env.summary as DatasetSummary;
  mongo = await new MongoClient(env.mongo.uri).connect();
  db = mongo.db(summary.database);
  s3 = r2Client(env.s3);
  for await (const page of paginateListObjectsV2({ client: s3, pageSize: 100 }, { Bucket: env.bucket })) {
    for (const o of page.Contents ?? []) objects.set(o.Key ?? '', { size: o.Size ?? -1, etag: o.ETag ?? '' });
  }
});
afterAll(async () => {
  s3?.destroy();
  await mongo?.close();
  await env?.close();
});

describe('seedDataset (small)', () => {
  it('writes the collections, view, indexes and validator it reports', async () => {
    expect(summary.collections).toMatchObject({ users: 8, files: 150, settings: 5 });
    for (const [name, count] of Object.entries(summary.collections)) expect(await db.collection(name).countDocuments()).toBe(count);
    expect(summary.collections.activity).toBeGreaterThan(1000);
    expect(await db.collection('activeFiles').countDocuments()).toBe(summary.views.activeFiles);
    const infos = await db.listCollections().toArray();
    expect(infos.find((c) => c.name === 'activeFiles')).toMatchObject({ type: 'view', options: { viewOn: 'files' } });
    expect(infos.find((c) => c.name === 'users')).toMatchObject({ options: { validator: { email: { $type: 'string' } } } });

    const keys = async (coll: string): Promise<unknown[]> => (await db.collection(coll).listIndexes().toArray()).map(({ key, unique, expireAfterSeconds, partialFilterExpression }) => ({ key, unique, expireAfterSeconds, partialFilterExpression }));
    expect(await keys('users')).toContainEqual({ key: { email: 1 }, unique: true, expireAfterSeconds: undefined, partialFilterExpression: undefined });
    const fileIndexes = await keys('files');
    expect(fileIndexes).toContainEqual(expect.objectContaining({ key: { storageKey: 1 }, unique: true }));
    expect(fileIndexes).toContainEqual(expect.objectContaining({ key: { folderId: 1, name: 1 } }));
    expect(fileIndexes).toContainEqual(expect.objectContaining({ key: { deletedAt: 1 }, partialFilterExpression: { deletedAt: { $exists: true } } }));
    expect(await keys('activity')).toContainEqual(expect.objectContaining({ key: { createdAt: 1 }, expireAfterSeconds: 315_360_000 }));
  });

  it('keeps values of the awkward BSON types', async () => {
    const users = db.collection('users');
    const admin = await users.findOne({ apiCalls: { $exists: true } }, { promoteLongs: false });
    expect(admin?.apiCalls).toBeInstanceOf(Long);
    expect((admin?.apiCalls as Long).toString()).toBe('9007199254740993');
    expect(admin?.quotaGb).toBeInstanceOf(Decimal128);
    expect(await users.countDocuments({ birthDate: { $lt: new Date('1970-01-01T00:00:00Z') } })).toBeGreaterThan(0);
    const avatars = (await users.find({}).toArray()).map((u) => u.avatarSha1 as unknown);
    expect(avatars.filter((a) => a instanceof Binary && a.length() === 20).length).toBeGreaterThan(0);
    const display = await db.collection<{ _id: string; gamma: number }>('settings').findOne({ _id: 'display' });
    expect(Object.is(display?.gamma, -0)).toBe(true);
  });

  it('fills the bucket with the objects, sizes and multipart upload it reports', async () => {
    expect(objects.size).toBe(summary.objects.count);
    expect([...objects.values()].reduce((n, o) => n + o.size, 0)).toBe(summary.objects.bytes);
    expect(summary.objects.bytes).toBeLessThanOrEqual(25 * 1024 * 1024);
    const big = [...objects.values()].filter((o) => o.size >= 12 * 1024 * 1024);
    expect(big.length).toBeGreaterThanOrEqual(1);
    expect(big[0].etag).toMatch(/-\d+"$/); // uploaded in parts
    const sizes = [...objects.values()].map((o) => o.size);
    expect(Math.min(...sizes)).toBeLessThan(64);
  });

  it('has exactly the anomalies its summary lists', async () => {
    const files = await db.collection('files').find({}, { projection: { storageKey: 1, size: 1, deletedAt: 1 } }).toArray();
    const recorded = new Set(files.map((f) => f.storageKey as string));
    const sorted = (keys: string[]): string[] => [...keys].sort();
    expect(sorted([...objects.keys()].filter((k) => !recorded.has(k)))).toEqual(summary.anomalies.orphanObjects);
    expect(sorted(files.filter((f) => !f.deletedAt && !objects.has(f.storageKey)).map((f) => f.storageKey))).toEqual(summary.anomalies.missingObjects);
    expect(sorted(files.filter((f) => f.deletedAt && objects.has(f.storageKey)).map((f) => f.storageKey))).toEqual(summary.anomalies.softDeletedWithObject);
    expect(sorted(files.filter((f) => objects.has(f.storageKey) && objects.get(f.storageKey)?.size !== f.size).map((f) => f.storageKey))).toEqual(summary.anomalies.sizeMismatches);
    expect(summary.anomalies).toMatchObject({ orphanObjects: { length: 3 }, missingObjects: { length: 3 }, softDeletedWithObject: { length: 2 }, sizeMismatches: { length: 1 } });
    expect(await db.collection('files').countDocuments({ deletedAt: { $exists: true } })).toBeGreaterThan(summary.anomalies.softDeletedWithObject.length);
  });

  it('stores each object as its record describes it (type, owner, SHA-256)', async () => {
    const file = await db.collection('files').findOne({ storageKey: { $regex: /\.pdf$/ }, deletedAt: { $exists: false }, size: { $gt: 100 } });
    expect(file?.storageKey).toMatch(/^u\/[0-9a-f]{24}\/\d{4}\/\d{2}\/[0-9a-f-]{36}-[a-z0-9-]+\.pdf$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: env.bucket, Key: file?.storageKey as string }));
    expect(head).toMatchObject({ ContentType: 'application/pdf', ContentLength: file?.size, Metadata: { owner: file?.owner.toHexString() } });
    const body = await readBody((await s3.send(new GetObjectCommand({ Bucket: env.bucket, Key: file?.storageKey as string }))).Body);
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(body).digest('hex')).toBe(file?.sha256);
    // Some files were uploaded twice: same bytes under two keys.
    const dupes = await db.collection('files').aggregate([{ $group: { _id: '$sha256', n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }]).toArray();
    expect(dupes.length).toBeGreaterThan(0);
  });

  it('gives the same storage keys for the same seed, and other keys for another seed', async () => {
    const seeded = (await db.collection('files').find({}, { sort: { _id: 1 } }).toArray()).map((f) => f.storageKey as string);
    const plannedKeys = (seed: number): string[] => planDataset(seed, 'small').files.map((f) => f.key);
    expect(plannedKeys(1)).toEqual(plannedKeys(1));
    expect([...plannedKeys(1)].sort()).toEqual([...seeded].sort());
    expect(planDataset(1, 'small').anomalies).toEqual(summary.anomalies);
    expect(plannedKeys(2).filter((k) => seeded.includes(k))).toEqual([]);
  });
});
