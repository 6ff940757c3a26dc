// `npm run demo`: both test servers on loopback, seeded with a realistic PCI File Manager dataset, so
// anyone can click through every wizard without their own MongoDB or R2. Prints one JSON line on stdout
// (for scripts and tests), a friendly explanation on stderr, and runs until Ctrl-C / SIGTERM.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, Option } from 'commander';
import { seedDataset, type DatasetSummary, type Scale } from './dataset/index';
import { startMongoTestServer, type MongoTestServer } from './mongo-wire/index';
import { startS3TestServer, type S3TestServer } from './s3/index';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { r2Client } from './s3/client';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DATABASE = 'pcifm';
const BUCKET = 'pcifm-files';
const port = (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`not a port number: ${v}`);
  return n;
};

const program = new Command()
  .name('npm run demo --')
  .description('Start a MongoDB test double and an S3 server standing in for Cloudflare R2, seeded with a PCI File Manager dataset.')
  .addOption(new Option('--scale <scale>', 'dataset size').choices(['small', 'medium', 'large']).default('small'))
  .option('--seed <n>', 'dataset seed: the same seed gives the same data', (v) => Number(v), 1)
  .option('--port-mongo <n>', 'MongoDB port on 127.0.0.1 (default: any free port)', port)
  .option('--port-s3 <n>', 'S3 port on 127.0.0.1 (default: any free port)', port)
  .option('--data <dir>', 'keep the bucket (and its credentials) in DIR between runs; MongoDB is in memory and is reseeded every start');
program.parse();
const opts = program.opts<{ scale: Scale; seed: number; portMongo?: number; portS3?: number; data?: string }>();

/** What --data remembers, so a restarted demo keeps its keys and skips uploading the same objects again. */
interface DemoState { accessKeyId: string; secretAccessKey: string; seeded?: { seed: number; scale: Scale } }

async function loadState(dir: string): Promise<DemoState> {
  const file = path.join(dir, 'demo-state.json');
  const saved = await readFile(file, 'utf8').then((t) => JSON.parse(t) as DemoState, () => undefined);
  if (saved) return saved;
  const fresh = { accessKeyId: randomBytes(16).toString('hex'), secretAccessKey: randomBytes(32).toString('hex') };
  await mkdir(dir, { recursive: true });
  await writeFile(file, JSON.stringify(fresh, null, 2), { mode: 0o600 });
  return fresh;
}

function explain(mongo: MongoTestServer, s3: S3TestServer, summary: DatasetSummary, reused: boolean): string {
  const a = summary.anomalies;
  const mib = (summary.objects.bytes / (1024 * 1024)).toFixed(1);
  const kept = opts.data ? `The bucket lives in ${path.resolve(opts.data)} and survives restarts${reused ? ' (reused this time)' : ''}; MongoDB is in memory and was seeded again.` : 'Everything is temporary and is removed when the demo stops.';
  return [
    '',
    `PCI Maintenance demo is running (dataset seed ${summary.seed}, ${summary.scale}).`,
    `  MongoDB (a test double, not a real mongod): ${mongo.uri}  database "${summary.database}", ${summary.collections.files} file records`,
    `  Cloudflare R2 stand-in (S3-compatible):      ${s3.endpoint}  bucket "${summary.bucket}", ${summary.objects.count} objects, ${mib} MiB`,
    `  R2 access key id: ${s3.accessKeyId}`,
    `  R2 secret key:    ${s3.secretAccessKey}`,
    'In the app, choose "Connect PCI File Manager" and fill in, step by step:',
    `  MongoDB:      MongoDB connection string = ${mongo.uri}${summary.database}  (Database: leave empty)`,
    `  R2:           choose "Other S3-compatible storage"; Endpoint address = ${s3.endpoint}; Region = auto;`,
    `                "Path-style addresses" ticked; Bucket name = ${summary.bucket};`,
    '                Access Key ID and Secret Access Key = the two keys above',
    '  File records: found by themselves (collection "files", field "storageKey"); Backup location: any empty folder.',
    'Then try a backup, a verify, the pre-update checklist or a rollback.',
    `The files have deliberate problems for the consistency check: ${a.orphanObjects.length} objects`,
    `without a record, ${a.missingObjects.length} records without their object, ${a.softDeletedWithObject.length} deleted records whose object remains, ${a.sizeMismatches.length} size mismatch(es).`,
    kept,
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

async function hasObjects(s3: S3TestServer): Promise<boolean> {
  const client = r2Client(s3);
  try {
    return ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }))).KeyCount ?? 0) > 0;
  } finally {
    client.destroy();
  }
}

async function main(): Promise<void> {
  const state = opts.data ? await loadState(opts.data) : undefined;
  const mongo = await startMongoTestServer({ port: opts.portMongo });
  let s3: S3TestServer | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (code: number): void => {
    stopping ??= Promise.all([mongo.close(), s3?.close()]).then(() => process.exit(code), (err: unknown) => {
      console.error('Could not stop cleanly:', err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    s3 = await startS3TestServer({
      port: opts.portS3, buckets: [BUCKET], accessKeyId: state?.accessKeyId, secretAccessKey: state?.secretAccessKey,
      dir: opts.data ? path.join(opts.data, 's3') : undefined,
    });
    const reuse = state?.seeded?.seed === opts.seed && state.seeded.scale === opts.scale && (await hasObjects(s3));
    console.error(reuse ? 'Reusing the bucket from --data; seeding MongoDB…' : `Seeding the ${opts.scale} dataset…`);
    const summary = await seedDataset({
      mongoUri: mongo.uri, database: DATABASE, seed: opts.seed, scale: opts.scale, uploadObjects: !reuse,
      s3: { endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, bucket: BUCKET },
    });
    if (opts.data && state && !reuse) {
      await writeFile(path.join(opts.data, 'demo-state.json'), JSON.stringify({ ...state, seeded: { seed: opts.seed, scale: opts.scale } }, null, 2), { mode: 0o600 });
    }
    console.log(JSON.stringify({
      mongoUri: mongo.uri, database: DATABASE,
      r2: { endpoint: s3.endpoint, bucket: BUCKET, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      fileRecords: summary.fileRecords,
    }));
    console.error(explain(mongo, s3, summary, reuse));
  } catch (err) {
    console.error('The demo could not start:', err instanceof Error ? err.message : err);
    stop(1);
  }
}

void main();
