// One measured operation of the benchmark, in its own process so its time and peak memory are its
// own: `tsx bench/child.ts '<json>'` prints one JSON line {ms, maxRssKB, ...} on stdout.
//   mode "backup":      our backup (R2 and/or MongoDB) into a backup location folder
//   mode "bare-mongo":  a plain driver cursor over the same collections (raw, nothing written;
//                       natural order, or `_id` order with sorted: true)
import { S3Client } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { runBackup } from '../electron/core/backup/backup';
import { openBackupLocation } from '../electron/core/backup/location';
import { FolderStore } from '../electron/core/repository';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface ChildConfig {
  mode: 'backup' | 'bare-mongo';
  /** bare-mongo: read in `_id` order, as the backup does (natural order otherwise). */
  sorted?: boolean;
  repo?: string;
  s3?: { endpoint: string; accessKeyId: string; secretAccessKey: string; bucket: string };
  mongo?: { uri: string; database: string; collections?: string[] };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
const quiet = { signal: new AbortController().signal, onProgress: () => undefined, log: () => undefined };

async function backup(): Promise<Record<string, unknown>> {
  const s3 = cfg.s3
    ? new S3Client({ endpoint: cfg.s3.endpoint, region: 'auto', forcePathStyle: true, credentials: { accessKeyId: cfg.s3.accessKeyId, secretAccessKey: cfg.s3.secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' })
    : null;
  // Count the requests we make (GET vs HEAD), to show what an incremental run asks R2 for.
  const requests: Record<string, number> = {};
  s3?.middlewareStack.add((next, context) => (input) => {
    requests[context.commandName ?? '?'] = (requests[context.commandName ?? '?'] ?? 0) + 1;
    return next(input);
  }, { step: 'initialize' });
  const mongo = cfg.mongo ? new MongoClient(cfg.mongo.uri) : null;
  await mongo?.connect();
  const started = performance.now();
  const { repo } = await openBackupLocation(new FolderStore(cfg.repo!), { createIfEmpty: true });
  const result = await runBackup(
    repo,
    { mongo: mongo ? { client: mongo, database: cfg.mongo!.database } : null, r2: s3 ? { client: s3, bucket: cfg.s3!.bucket } : null },
    quiet,
    { profile: 'bench', appVersion: 'bench', tags: ['manual'] },
  );
  const ms = performance.now() - started;
  s3?.destroy();
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

const out = cfg.mode === 'backup' ? await backup() : await bareMongo();
console.log(JSON.stringify({ ...out, maxRssKB: process.resourceUsage().maxRSS }));
