// One measured operation of the benchmark, in its own process so its time and peak memory are its
// own: `tsx bench/child.ts '<json>'` prints one JSON line {ms, maxRssKB, ...} on stdout.
//   mode "backup":      our backup (R2 and/or MongoDB) into a backup location folder
//                       (or, with s3Repo, into a prefix of a bucket: an S3 backup location)
//   mode "bare-mongo":  a plain driver cursor over the same collections (raw, nothing written;
//                       natural order, or `_id` order with sorted: true)
//   mode "restore":     our restore of the latest restore point: the bucket part into s3.bucket (a new,
//                       empty bucket) or the database part into mongo.database (a new, empty one)
//   mode "preview":     the restore preview (plan) of the latest restore point's bucket part against s3.bucket
//   mode "verify":      a full verification of the latest restore point
//   mode "bare-insert": the documents of mongo.collections read first (not timed), then a plain
//                       insertMany of them into mongo.target (timed)
import { S3Client } from '@aws-sdk/client-s3';
import { MongoClient, type Document } from 'mongodb';
import { runBackup } from '../electron/core/backup/backup';
import { openBackupLocation } from '../electron/core/backup/location';
import { FolderStore, S3Store, type BlobStore } from '../electron/core/repository';
import { buildPlan } from '../electron/core/restore/plan';
import { emptySummary, restoreVerdict, runRestore } from '../electron/core/restore/restore';
import { indexSnapshot } from '../electron/core/restore/snapshot-index';
import { RestoreScope } from '../shared/api/restore';
import { Profile } from '../shared/profile';
import { verifyBackup } from '../electron/core/verify/verify';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface ChildConfig {
  mode: 'backup' | 'bare-mongo' | 'restore' | 'bare-insert' | 'preview' | 'verify';
  /** bare-mongo: read in `_id` order, as the backup does (natural order otherwise). */
  sorted?: boolean;
  repo?: string;
  /** An S3 backup location instead of the folder `repo`: this bucket and prefix on the s3 endpoint. */
  s3Repo?: { bucket: string; prefix: string };
  s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  mongo?: { uri: string; database: string; collections?: string[]; target?: string };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const quiet = { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined };

function s3Client(): S3Client | null {
  return cfg.s3
    ? new S3Client({ endpoint: cfg.s3.endpoint, region: 'auto', forcePathStyle: true, credentials: { accessKeyId: cfg.s3.accessKeyId, secretAccessKey: cfg.s3.secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' })
    : null;
}

function locationStore(client: S3Client | null): BlobStore {
  if (!cfg.s3Repo) return new FolderStore(cfg.repo!);
  return new S3Store({ client: client ?? s3Client()!, bucket: cfg.s3Repo.bucket, prefix: cfg.s3Repo.prefix });
}

async function backup(): Promise<Record<string, unknown>> {
  const s3 = s3Client();
  // Count the requests we make (GET vs HEAD), to show what an incremental run asks R2 for.
  const requests: Record<string, number> = {};
  s3?.middlewareStack.add((next, context) => (input) => {
    requests[context.commandName ?? '?'] = (requests[context.commandName ?? '?'] ?? 0) + 1;
    return next(input);
  }, { step: 'initialize' });
  const mongo = cfg.mongo ? new MongoClient(cfg.mongo.uri) : null;
  await mongo?.connect();
  const started = performance.now();
  const repoClient = cfg.s3Repo ? s3Client() : null;
  const { repo } = await openBackupLocation(locationStore(repoClient), { createIfEmpty: true });
  const result = await runBackup(
    repo,
    { mongo: mongo ? { client: mongo, database: cfg.mongo!.database } : null, r2: s3 ? { client: s3, bucket: cfg.s3!.bucket } : null },
    quiet,
    { profile: 'bench', appVersion: 'bench', tags: ['manual'] },
  );
  const ms = performance.now() - started;
  s3?.destroy();
  repoClient?.destroy();
  await mongo?.close();
  const r2 = result.sources.find((s) => s.kind === 'r2');
  return { ms, bytes: result.stats.bytes, newBytes: result.stats.newBytes, storedBytes: result.stats.storedBytes, downloaded: r2?.downloaded, reused: r2?.reused, requests };
}

async function bareMongo(): Promise<Record<string, unknown>> {
  const client = new MongoClient(cfg.mongo!.uri);
  await client.connect();
  const db = client.db(cfg.mongo!.database);
  const started = performance.now();
  let docs = 0;
  let bytes = 0;
  for (const name of cfg.mongo!.collections ?? []) {
    for await (const doc of db.collection(name).find({}, { raw: true, ...(cfg.sorted ? { sort: { _id: 1 } } : {}) })) {
      docs += 1;
      bytes += (doc as unknown as Buffer).length;
    }
  }
  const ms = performance.now() - started;
  await client.close();
  return { ms, docs, bytes };
}

const profile = Profile.parse({ name: 'bench', sources: [{ kind: 'mongodb', database: 'bench' }, { kind: 's3', endpoint: 'http://127.0.0.1:1', bucket: 'bench', accessKeyId: 'bench' }], destination: { kind: 'folder', path: '/nowhere' } });

/** The latest restore point, restored into an empty bucket or database, the check afterwards included. */
async function restore(): Promise<Record<string, unknown>> {
  const s3 = s3Client();
  const mongo = cfg.mongo ? new MongoClient(cfg.mongo.uri) : null;
  await mongo?.connect();
  const started = performance.now();
  const { repo } = await openBackupLocation(locationStore(null));
  const latest = (await repo.listSnapshots()).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1)!;
  const index = await indexSnapshot(repo, latest);
  const live = s3 ? { client: s3, bucket: cfg.s3!.bucket } : null;
  const db = mongo ? { client: mongo, database: cfg.mongo!.database } : null;
  const scope = RestoreScope.parse({ database: mongo !== null, bucket: s3 !== null, folders: false });
  const plan = await buildPlan({ repo, index, profile, location: 'bench', mongo: db && { db: db.client.db(db.database), database: db.database }, r2: live }, scope, quiet);
  const summary = await runRestore({ repo, mongo: db, r2: live }, plan, { removeExtra: false, safety: { mode: 'skip' } }, quiet, emptySummary(plan, false));
  const ms = performance.now() - started;
  const verdict = restoreVerdict(summary);
  if (verdict) throw new Error(`restore incomplete: ${verdict.message}`);
  s3?.destroy();
  await mongo?.close();
  return { ms, put: summary.bucket.put, putBytes: summary.bucket.putBytes, collections: summary.database.restored.length };
}

/** The restore preview alone: what a restore of the bucket would put back, nothing written. */
async function preview(): Promise<Record<string, unknown>> {
  const s3 = s3Client()!;
  const started = performance.now();
  const { repo } = await openBackupLocation(locationStore(null));
  const latest = (await repo.listSnapshots()).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1)!;
  const index = await indexSnapshot(repo, latest);
  const plan = await buildPlan({ repo, index, profile, location: 'bench', mongo: null, r2: { client: s3, bucket: cfg.s3!.bucket } }, RestoreScope.parse({ database: false, bucket: true, folders: false }), quiet);
  const ms = performance.now() - started;
  s3.destroy();
  return { ms, put: plan.bucket?.put.count, unchanged: plan.bucket?.unchanged.count };
}

async function verify(): Promise<Record<string, unknown>> {
  const started = performance.now();
  const result = await verifyBackup({ store: locationStore(null) }, { snapshot: 'latest', depth: 'full' }, quiet);
  return { ms: performance.now() - started, ok: result.ok, problems: result.problems.length };
}

async function bareInsert(): Promise<Record<string, unknown>> {
  const client = new MongoClient(cfg.mongo!.uri);
  await client.connect();
  const from = client.db(cfg.mongo!.database);
  const to = client.db(cfg.mongo!.target!);
  const all = new Map<string, Document[]>();
  for (const name of cfg.mongo!.collections ?? []) all.set(name, await from.collection(name).find({}).toArray());
  const started = performance.now();
  let docs = 0;
  for (const [name, list] of all) {
    for (let i = 0; i < list.length; i += 1000) await to.collection(name).insertMany(list.slice(i, i + 1000));
    docs += list.length;
  }
  const ms = performance.now() - started;
  await client.close();
  return { ms, docs };
}

const out = cfg.mode === 'backup' ? await backup() : cfg.mode === 'restore' ? await restore() : cfg.mode === 'bare-insert' ? await bareInsert() : cfg.mode === 'preview' ? await preview() : cfg.mode === 'verify' ? await verify() : await bareMongo();
console.log(JSON.stringify({ ...out, maxRssKB: process.resourceUsage().maxRSS }));
