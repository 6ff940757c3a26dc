// Helpers for the restore tests: a small PCI File Manager installation with hostile data (every BSON
// type, validators, unique and partial indexes, a view, objects with metadata, a multipart-sized
// object, awkward keys), a "bad upgrade" that changes all of it, and a byte-exact picture of the live
// state to compare before and after.
import { DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { EJSON } from 'bson';
import { Binary, type Document } from 'mongodb';
import { runBackup } from '../../electron/core/backup/backup';
import type { Repository } from '../../electron/core/repository';
import { buildPlan } from '../../electron/core/restore/plan';
import { emptySummary, runRestore, type RestoreOptions } from '../../electron/core/restore/restore';
import { indexSnapshot } from '../../electron/core/restore/snapshot-index';
import { RestoreScope, type RestorePlan, type RestoreScopeInput, type RestoreSummary } from '../../shared/api/restore';
import { Profile } from '../../shared/profile';
import { afterAll, beforeAll } from 'vitest';
import { BUCKET, DB, FAST_RETRY, everyType, newRepo, noise, putObject, removeTempDirs, startServers, testContext, type Servers, type TestContext } from './backup';
import { readBody } from './s3/client';

export const MiB = 1024 * 1024;
/** Tests use 5 MiB parts (R2's minimum) so a 9 MiB object goes up in two parts. */
export const TEST_R2 = { multipartFrom: 5 * MiB, partSize: 5 * MiB, retry: FAST_RETRY };

export const testProfile = Profile.parse({
  name: 'Office',
  sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: 'http://127.0.0.1:1', bucket: BUCKET, accessKeyId: 'test' }],
  destination: { kind: 'folder', path: '/nowhere' },
});

export async function seedInstallation(s: Servers): Promise<void> {
  const db = s.mongoClient.db(DB);
  await db.dropDatabase();
  await db.createCollection('users', { validator: { email: { $type: 'string' } } });
  await db.collection('users').createIndex({ email: 1 }, { unique: true });
  await db.collection<{ _id: string } & Document>('users').insertMany(Array.from({ length: 8 }, (_, i) => ({ _id: `u${i}`, email: `user${i}@example.com`, name: `User ${i}` })));
  const files = db.collection('files');
  await files.insertMany(Array.from({ length: 150 }, (_, i) => ({ ...everyType(i), storageKey: `k/${i}` })));
  await files.createIndex({ storageKey: 1 }, { unique: true });
  await files.createIndex({ date: -1, n: 1 }, { name: 'by_date' });
  await files.createIndex({ deletedAt: 1 }, { partialFilterExpression: { deletedAt: { $exists: true } } });
  // Over 1 MiB: several chunks in the backup, several batches when restored.
  await db.collection<{ _id: number } & Document>('activity').insertMany(Array.from({ length: 1400 }, (_, i) => ({ _id: i, blob: new Binary(noise(1000, i + 7)), at: new Date(1_700_000_000_000 + i * 1000) })));
  await db.createCollection('activeFiles', { viewOn: 'files', pipeline: [{ $match: { deletedAt: { $exists: false } } }] });

  await putObject(s.s3Client, 'docs/report.pdf', noise(20_000, 1), { contentType: 'application/pdf', metadata: { 'uploaded-by': 'anna' }, cacheControl: 'max-age=60' });
  await putObject(s.s3Client, 'docs/notes.txt', Buffer.from('hello notes\n'.repeat(100)), { contentType: 'text/plain; charset=utf-8', contentLanguage: 'en' });
  await putObject(s.s3Client, 'img/photo.jpg', noise(200_000, 2), { contentType: 'image/jpeg', contentDisposition: 'attachment; filename="photo.jpg"' });
  await putObject(s.s3Client, 'img/logo.png', noise(5_000, 3), { contentType: 'image/png', metadata: { owner: 'bob', note: 'x y' } });
  await putObject(s.s3Client, 'big/video.bin', noise(9 * MiB, 4), { contentType: 'application/octet-stream' });
  await putObject(s.s3Client, 'empty.txt', Buffer.alloc(0), { contentType: 'text/plain' });
  await putObject(s.s3Client, 'weird key/ü ñ (1).txt', Buffer.from('unicode'), { contentType: 'text/plain' });
}

/** What a bad upgrade does: insert, update, delete, drop a collection, change an index; delete, overwrite and add objects. */
export async function badUpgrade(s: Servers): Promise<void> {
  const db = s.mongoClient.db(DB);
  const files = db.collection('files');
  await files.insertOne({ storageKey: 'k/new', note: 'added by the upgrade' });
  await files.updateOne({ storageKey: 'k/3' }, { $set: { string: 'changed', n: 999 } });
  await files.deleteOne({ storageKey: 'k/5' });
  await files.dropIndex('by_date');
  await files.createIndex({ owner: 1 });
  await db.collection('users').drop();
  await db.collection<{ _id: number } & Document>('activity').deleteMany({ _id: { $gte: 1000 } });
  await db.collection('upgrade_log').insertOne({ step: 'migrated' });

  await s.s3Client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'docs/report.pdf' }));
  await s.s3Client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'big/video.bin' }));
  await putObject(s.s3Client, 'img/photo.jpg', noise(200_000, 99), { contentType: 'image/jpeg' }); // same size, other bytes
  await putObject(s.s3Client, 'img/logo.png', noise(5_000, 3), { contentType: 'application/octet-stream' }); // same bytes, other metadata
  await putObject(s.s3Client, 'docs/notes.txt', Buffer.from('shorter'), { contentType: 'text/plain' });
  await putObject(s.s3Client, 'new/upload-1.bin', noise(3_000, 5));
  await putObject(s.s3Client, 'new/upload-2.bin', noise(4_000, 6));
}

export interface LiveState {
  collections: Map<string, string>;
  objects: Map<string, string>;
}

const canon = (v: unknown) => EJSON.stringify(v as Document, { relaxed: false });
/** Hashes keep a failing comparison readable; equal hashes mean equal bytes. */
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex').slice(0, 24)} (${b.length} bytes)`;

/** Every collection (options, indexes without v/ns, raw documents in _id order) and every object (bytes and headers) as comparable strings. */
export async function captureState(s: Servers): Promise<LiveState> {
  const db = s.mongoClient.db(DB);
  const collections = new Map<string, string>();
  const keep = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;
  for (const c of (await db.listCollections({}, keep).toArray()) as Document[]) {
    const name = String(c.name);
    if (c.type === 'view') {
      collections.set(name, `view ${canon(c.options)}`);
      continue;
    }
    const indexes = ((await db.collection(name).listIndexes(keep).toArray()) as Document[]).map(({ v: _v, ns: _ns, ...ix }) => ix).sort((a, b) => String(a.name).localeCompare(String(b.name)));
    const raw = (await db.collection(name).find({}, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Buffer[];
    collections.set(name, `${canon(c.options)}\n${canon(indexes)}\n${sha(Buffer.concat(raw))}`);
  }
  const objects = new Map<string, string>();
  const list = await s.s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  for (const o of list.Contents ?? []) {
    const res = await s.s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }));
    const body = await readBody(res.Body);
    const headers = { type: res.ContentType, meta: res.Metadata, cc: res.CacheControl, cd: res.ContentDisposition, ce: res.ContentEncoding, cl: res.ContentLanguage };
    objects.set(o.Key!, `${JSON.stringify(headers)} ${sha(body)}`);
  }
  return { collections, objects };
}

export async function multipartUploads(s: Servers): Promise<number> {
  const res = await s.s3Client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
  return (res.Uploads ?? []).length;
}

export async function collectionNames(s: Servers): Promise<string[]> {
  return (await s.mongoClient.db(DB).listCollections({}, { nameOnly: true }).toArray()).map((c) => String(c.name)).sort();
}

export function backupNow(repo: Repository, s: Servers, tags = ['manual']) {
  return runBackup(repo, s.sources(), testContext(), { profile: testProfile.name, tags, appVersion: 'test', retry: FAST_RETRY, r2MetadataRecheckMarginMs: 0 });
}

export async function planFor(repo: Repository, s: Servers, snapshotId: string, scope: RestoreScopeInput = {}, ctx: TestContext = testContext()): Promise<RestorePlan> {
  const index = await indexSnapshot(repo, await repo.readSnapshot(snapshotId));
  const db = s.mongoClient.db(DB);
  return buildPlan({ repo, index, profile: testProfile, location: 'test', mongo: { db, database: DB }, r2: { client: s.s3Client, bucket: BUCKET, retry: FAST_RETRY } }, RestoreScope.parse(scope), ctx);
}

/** Run a plan with the core restore (safety backup into the same location unless skipped). */
export async function restorePlan(repo: Repository, s: Servers, plan: RestorePlan, options: Partial<RestoreOptions> = {}, ctx: TestContext = testContext()): Promise<RestoreSummary> {
  const summary = emptySummary(plan, options.removeExtra ?? false);
  return runRestore(
    {
      repo,
      mongo: { client: s.mongoClient, database: DB },
      r2: { client: s.s3Client, bucket: BUCKET, retry: FAST_RETRY },
      safetyBackup: async () => {
        const r = await backupNow(repo, s, ['pre-restore']);
        return { id: r.snapshotId, createdAt: r.createdAt };
      },
    },
    plan,
    { removeExtra: false, safety: { mode: 'take' }, r2: TEST_R2, ...options },
    ctx,
    summary,
  );
}

/** A seeded installation, its picture before anything changes, and one backup of it in a new backup folder. */
export interface BackedUpInstallation {
  s: Servers;
  repo: Repository;
  /** The backup folder. */
  dir: string;
  before: LiveState;
  snapshotId: string;
}

/**
 * The start of a restore test file: servers started once for the file (beforeAll), the installation
 * seeded, pictured and backed up, handed to `set`; servers and folders removed after the file (afterAll).
 */
export function withBackedUpInstallation(set: (installation: BackedUpInstallation) => void): void {
  let servers: Servers | undefined;
  beforeAll(async () => {
    servers = await startServers();
    await seedInstallation(servers);
    const { repo, dir } = await newRepo();
    const before = await captureState(servers);
    const { snapshotId } = await backupNow(repo, servers);
    set({ s: servers, repo, dir, before, snapshotId });
  });
  afterAll(async () => {
    await servers?.close();
    await removeTempDirs();
  });
}
