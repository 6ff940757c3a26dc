// Seeds a realistic PCI File Manager installation — MongoDB metadata plus the R2 bucket of files —
// through the real `mongodb` driver and the AWS SDK, deterministically from a seed. See README.md.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { MongoClient, type Db, type Document } from 'mongodb';
import { r2Client } from '../s3/client';
import { contentBuffer, contentSha256, contentStream } from './content';
import { planDataset, type Anomalies, type DatasetPlan, type PlannedObject, type Scale } from './plan';

export type { Anomalies, Scale } from './plan';
export { planDataset, SCALES, REFERENCE_NOW } from './plan';

export interface SeedS3Target { endpoint: string; region?: string; accessKeyId: string; secretAccessKey: string; bucket: string }

export interface SeedProgress { phase: 'bucket' | 'objects' | 'mongo'; done: number; total: number; bytesDone: number; bytesTotal: number }

export interface SeedOptions {
  mongoUri: string;
  /** Default 'pcifm'. Dropped and recreated. */
  database?: string;
  s3: SeedS3Target;
  seed?: number;
  scale?: Scale;
  /** false: the bucket already holds this seed's objects (e.g. kept by the demo); only hash and write MongoDB. */
  uploadObjects?: boolean;
  onProgress?: (progress: SeedProgress) => void;
}

export interface DatasetSummary {
  database: string;
  bucket: string;
  seed: number;
  scale: Scale;
  collections: Record<string, number>;
  views: Record<string, number>;
  objects: { count: number; bytes: number };
  /** Where file records keep their object key and size (what a consistency check compares). */
  fileRecords: { collection: 'files'; keyField: 'storageKey'; sizeField: 'size' };
  anomalies: Anomalies;
}

const MULTIPART_FROM = 8 * 1024 * 1024;
const PART_SIZE = 5 * 1024 * 1024;

class Sha256Tap extends Transform {
  readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

async function eachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function resetBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
  // A fresh bucket: objects of another seed would show up as extra orphans.
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key }));
    if (keys.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

/** Uploads one object (a prefix of its content when it is a deliberate size mismatch); returns the content's SHA-256. */
async function uploadObject(client: S3Client, bucket: string, o: PlannedObject): Promise<string> {
  const stored = o.storedSize ?? 0;
  const params = { Bucket: bucket, Key: o.key, ContentType: o.type.mime, Metadata: o.metadata };
  if (stored < MULTIPART_FROM) {
    const body = contentBuffer(o.contentSeed, o.type, stored === o.size ? o.size : stored);
    await client.send(new PutObjectCommand({ ...params, Body: body }));
    return stored === o.size ? createHash('sha256').update(body).digest('hex') : contentSha256(o.contentSeed, o.type, o.size);
  }
  const tap = new Sha256Tap();
  const body = contentStream(o.contentSeed, o.type, o.size).pipe(tap);
  await new Upload({ client, params: { ...params, Body: body }, partSize: PART_SIZE, queueSize: 2 }).done();
  return tap.hash.digest('hex');
}

async function writeMongo(db: Db, plan: DatasetPlan, progress: (done: number, total: number) => void): Promise<void> {
  await db.dropDatabase();
  // Validator in query form: every user needs an email string.
  await db.createCollection('users', { validator: { email: { $type: 'string' } }, validationLevel: 'strict', validationAction: 'error' });
  await db.collection('users').createIndex({ email: 1 }, { unique: true });
  const files = db.collection('files');
  await files.createIndex({ storageKey: 1 }, { unique: true });
  await files.createIndex({ folderId: 1, name: 1 });
  await files.createIndex({ owner: 1, createdAt: -1 });
  await files.createIndex({ deletedAt: 1 }, { partialFilterExpression: { deletedAt: { $exists: true } } });
  await files.createIndex({ tags: 1 });
  await db.collection('folders').createIndex({ owner: 1, parentId: 1, name: 1 }, { unique: true });
  await db.collection('shares').createIndex({ token: 1 }, { unique: true });
  await db.collection('shares').createIndex({ fileId: 1 });
  // Ten years: long enough that a fixed-date dataset never expires on a real mongod's TTL monitor.
  await db.collection('activity').createIndex({ createdAt: 1 }, { expireAfterSeconds: 10 * 365 * 86_400 });
  await db.collection('activity').createIndex({ userId: 1, createdAt: -1 });
  const batches: [string, Document[]][] = [];
  const add = (name: string, docs: Document[]): void => {
    for (let i = 0; i < docs.length; i += 1000) batches.push([name, docs.slice(i, i + 1000)]);
  };
  add('users', plan.users);
  add('folders', plan.folders);
  add('files', plan.files.map((f) => f.doc));
  add('shares', plan.shares);
  add('activity', plan.activity);
  add('settings', plan.settings);
  for (const [i, [name, docs]] of batches.entries()) {
    await db.collection(name).insertMany(docs, { ordered: true });
    progress(i + 1, batches.length);
  }
  await db.createCollection('activeFiles', { viewOn: 'files', pipeline: [{ $match: { deletedAt: { $exists: false } } }] });
}

export async function seedDataset(opts: SeedOptions): Promise<DatasetSummary> {
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 'small';
  const database = opts.database ?? 'pcifm';
  const plan = planDataset(seed, scale);
  const objects: PlannedObject[] = [...plan.files.filter((f) => f.storedSize !== undefined), ...plan.orphans];
  const bytesTotal = objects.reduce((sum, o) => sum + (o.storedSize ?? 0), 0);
  const report = (phase: SeedProgress['phase'], done: number, total: number, bytesDone = 0): void =>
    opts.onProgress?.({ phase, done, total, bytesDone, bytesTotal: phase === 'objects' ? bytesTotal : 0 });

  const sha = new Map<string, string>();
  if (opts.uploadObjects !== false) {
    const client = r2Client({ ...opts.s3, region: opts.s3.region ?? 'auto' });
    try {
      report('bucket', 0, 1);
      await resetBucket(client, opts.s3.bucket);
      let done = 0;
      let bytesDone = 0;
      await eachLimit(objects, 6, async (o) => {
        sha.set(o.key, await uploadObject(client, opts.s3.bucket, o));
        bytesDone += o.storedSize ?? 0;
        report('objects', ++done, objects.length, bytesDone);
      });
    } finally {
      client.destroy();
    }
  }
  for (const f of plan.files) f.doc.sha256 = sha.get(f.key) ?? contentSha256(f.contentSeed, f.type, f.size);

  const mongo = new MongoClient(opts.mongoUri);
  try {
    await mongo.connect();
    await writeMongo(mongo.db(database), plan, (done, total) => report('mongo', done, total));
  } finally {
    await mongo.close();
  }
  return {
    database, bucket: opts.s3.bucket, seed, scale,
    collections: { users: plan.users.length, folders: plan.folders.length, files: plan.files.length, shares: plan.shares.length, activity: plan.activity.length, settings: plan.settings.length },
    views: { activeFiles: plan.files.filter((f) => !f.doc.deletedAt).length },
    objects: { count: objects.length, bytes: bytesTotal },
    fileRecords: { collection: 'files', keyField: 'storageKey', sizeField: 'size' },
    anomalies: plan.anomalies,
  };
}
