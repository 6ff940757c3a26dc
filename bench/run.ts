// `npm run bench [-- --quick] [-- --runs N]`: our backup against the tools people would otherwise use,
// on the same test servers (each in its own process): a full backup of a generated bucket (≥ 1,000
// objects, ≥ 1 GiB) vs `rclone copy` to a folder; the incremental run after 1 % of the objects
// changed vs rclone's second copy; the MongoDB dump vs a bare driver cursor over the same
// collections; restores (the bucket into a new, empty bucket vs `rclone copy` of the same files back up;
// the database vs a bare insertMany of the same documents); the R2 operations of a first and an
// incremental backup, counted at the S3 test server and priced at R2's list prices, at the source
// bucket and at an S3 backup location; the peak memory of each; and the CLI's start-up cost
// (bench/startup.ts; alone with `-- --startup`). Medians of N runs; JSON goes to bench/results/.
// `-- --scale N` runs instead the scale benchmark on a synthetic bucket of N objects (bench/scale.ts);
// `-- --app-logs` the rotation of an app's log file (bench/app-logs.ts).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { r2Price, type ClassCounts } from '../test/support/s3/stats';
import { FULL, QUICK, planObjects, seedMongo, uploadObjects } from './dataset';
import { runScale, scaleTable } from './scale';
import { startHelper, type Proc } from './helper-process';
import { measureStartup, NODE24, startupRows, type StartupResult } from './startup';
import { measureAppLogs } from './app-logs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const scale = quick ? QUICK : FULL;
const BUCKET = 'bench';
const BACKUP_BUCKET = 'bench-backup';
const DB = 'pcifm';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-bench-'));
const MiB = 1024 * 1024;

type BucketOps = Record<string, ClassCounts>;

/** What one measured operation asked of the S3 test server, by bucket and R2 operation class. */
async function counted(s3Proc: Proc, run: () => Promise<Sample>): Promise<Sample & { ops: BucketOps }> {
  await s3Proc.ask('reset');
  const sample = await run();
  return { ...sample, ops: JSON.parse(await s3Proc.ask('stats')) as BucketOps };
}

function exec(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; out: string; err: string; ms: number }> {
  const started = performance.now();
  const child = spawn(cmd, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err, ms: performance.now() - started })));
}

interface Sample {
  ms: number;
  maxRssKB: number;
  [k: string]: unknown;
}

async function ours(cfg: object): Promise<Sample> {
  const r = await exec(process.execPath, ['--import', 'tsx', 'bench/child.ts', JSON.stringify(cfg)]);
  if (r.code !== 0) throw new Error(`bench child failed: ${r.err}`);
  return JSON.parse(r.out.trim().split('\n').at(-1)!) as Sample;
}

async function rclone(s3: { endpoint: string; accessKeyId: string; secretAccessKey: string }, dest: string, from = `SRC:${BUCKET}`): Promise<Sample> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RCLONE_CONFIG_SRC_TYPE: 's3',
    RCLONE_CONFIG_SRC_PROVIDER: 'Other',
    RCLONE_CONFIG_SRC_ENDPOINT: s3.endpoint,
    RCLONE_CONFIG_SRC_ACCESS_KEY_ID: s3.accessKeyId,
    RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY: s3.secretAccessKey,
    RCLONE_CONFIG_SRC_REGION: 'auto',
    RCLONE_CONFIG_SRC_FORCE_PATH_STYLE: 'true',
  };
  delete env.AWS_CA_BUNDLE;
  const r = await exec('/usr/bin/time', ['-v', 'rclone', 'copy', from, dest, '--transfers', '8', '--checkers', '16'], env);
  if (r.code !== 0) throw new Error(`rclone failed: ${r.err}`);
  return { ms: r.ms, maxRssKB: Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.err)?.[1] ?? 0) };
}

/** A small constant of objects any backup writes whatever changed: config, lock, snapshot header, manifest parts. */
const WRITES_CONSTANT = 16;
const dollars = (x: number) => (x < 0.01 ? `$${x.toFixed(5)}` : `$${x.toFixed(2)}`);
const opsText = (c: ClassCounts | undefined) => `A ${c?.A ?? 0} / B ${c?.B ?? 0}`;

/** R2 operations of one backup at the source bucket and at an S3 backup location, priced as a daily run for 30 days. */
function opsRows(what: string, folder: Sample & { ops: BucketOps }, s3: Sample & { ops: BucketOps }): Array<[string, string, string, string, string]> {
  const month = (c: ClassCounts | undefined) => `${dollars(30 * r2Price({ A: c?.A ?? 0, B: c?.B ?? 0 }))}/month if daily`;
  return [
    [`R2 operations, ${what}: source bucket`, opsText(folder.ops[BUCKET]), month(folder.ops[BUCKET]), '', '(info)'],
    [`R2 operations, ${what}: S3 backup location`, opsText(s3.ops[BACKUP_BUCKET]), month(s3.ops[BACKUP_BUCKET]), '', '(info)'],
  ];
}

/** Objects written to an S3 backup location vs new bytes / 8 MiB + a small constant. */
function writesRow(what: string, s: Sample & { ops: BucketOps }): [string, string, string, string, string] {
  const written = s.ops[BACKUP_BUCKET]?.objectsWritten ?? 0;
  const bound = Math.floor(Number(s.newBytes ?? 0) / (8 * MiB)) + WRITES_CONSTANT;
  return [`objects written to an S3 location, ${what}`, String(written), `bound ${bound} (${Math.round(Number(s.newBytes ?? 0) / MiB)} MiB new / 8 MiB + ${WRITES_CONSTANT})`, `${(written / bound).toFixed(1)}×`, `≤ 1.0× ${written <= bound ? '(met)' : '(missed)'}`];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (kb: number) => `${Math.round(kb / 1024)} MiB`;

function printTable(rows: Array<[string, string, string, string, string]>, headers = ['measure', 'ours', 'reference', 'ratio', 'target']): void {
  const widths = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c].length), headers[c].length));
  const fmt = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(`\n${fmt(headers)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(fmt).join('\n')}`);
}

function writeResult(name: string, data: object): void {
  fs.mkdirSync('bench/results', { recursive: true });
  const file = path.join('bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}${name}.json`);
  fs.writeFileSync(file, JSON.stringify(data, null, 2));
  console.log(`\nwrote ${file}`);
}

async function main(): Promise<void> {
  if (args.includes('--scale')) {
    fs.rmSync(work, { recursive: true, force: true }); // the scale run has its own work folder
    const objects = Number(args[args.indexOf('--scale') + 1]);
    if (!Number.isInteger(objects) || objects < 1) throw new Error('--scale needs a number of objects, e.g. --scale 100000');
    const rows = await runScale(objects);
    const table = scaleTable(objects, rows);
    printTable(table, ['measure', 'wall time', 'memory', 'R2 operations (price)', 'target']);
    writeResult(`-scale-${objects}`, { objects, host: { cpus: os.cpus().length, node: process.version, load: os.loadavg() }, rows, table });
    return;
  }
  if (args.includes('--app-logs')) {
    const { rows, data } = await measureAppLogs(work, quick);
    fs.rmSync(work, { recursive: true, force: true });
    printTable(rows, ['measure', 'ours', 'gzip + truncate / copy + truncate', 'ratio', 'target']);
    writeResult('-app-logs', { host: { cpus: os.cpus().length, node: process.version, load: os.loadavg() }, ...data, table: rows });
    return;
  }
  // Start-up first, before the test servers load the machine.
  const startups: StartupResult[] = [await measureStartup(quick ? 5 : 9)];
  if (fs.existsSync(NODE24)) startups.push(await measureStartup(quick ? 5 : 9, NODE24));
  for (const r of startups) console.log(`start-up on ${r.node}: --help ${secs(r.helpMs)}, backup --help ${secs(r.backupHelpMs)}, backup fixed cost ${secs(r.backupFixedMs)} (bare node ${secs(r.bareNodeMs)})`);
  const startupTable = startups.flatMap(startupRows);
  if (args.includes('--startup')) {
    fs.rmSync(work, { recursive: true, force: true });
    printTable(startupTable);
    writeResult('-startup', { host: { cpus: os.cpus().length, node: process.version, load: os.loadavg() }, startup: startups, table: startupTable });
    return;
  }
  console.log(`Benchmark (${quick ? 'quick' : 'full'}): ${scale.objects} objects, ${Math.round(scale.bucketBytes / MiB)} MiB; ${scale.fileRecords + scale.activity} documents; ${runs} runs each. Work folder ${work}`);
  const s3Proc = await startHelper('test/support/s3/cli.ts', ['--bucket', BUCKET, '--dir', path.join(work, 's3')]);
  const mongoProc = await startHelper('test/support/mongo-wire/cli.ts', []);
  const s3Info = JSON.parse(s3Proc.line) as { endpoint: string; accessKeyId: string; secretAccessKey: string };
  const s3 = { ...s3Info, bucket: BUCKET };
  const mongo = { uri: mongoProc.line, database: DB, collections: ['activity', 'files'] };
  try {
    const client = new S3Client({ endpoint: s3.endpoint, region: 'auto', forcePathStyle: true, credentials: s3Info, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
    const objects = planObjects(scale);
    let t = performance.now();
    await uploadObjects(client, BUCKET, objects);
    const uploadedAt = Date.now();
    console.log(`uploaded the bucket in ${secs(performance.now() - t)}`);
    const mc = new MongoClient(mongo.uri);
    await mc.connect();
    t = performance.now();
    await seedMongo(mc, DB, scale);
    await mc.close();
    console.log(`seeded MongoDB in ${secs(performance.now() - t)}`);

    // In real use the files in a bucket were uploaded long before the backup that saw them. Objects
    // changed within 60 s before a backup get a cheap HEAD on the next one (a metadata re-check,
    // see sources/r2.ts), which would otherwise hit every object of this freshly uploaded bucket.
    const settle = uploadedAt + 61_000 - Date.now();
    if (settle > 0) {
      console.log(`waiting ${secs(settle)} so the bucket is older than the 60 s metadata re-check margin`);
      await new Promise((resolve) => setTimeout(resolve, settle));
    }
    const dir = (name: string) => path.join(work, name);
    const full = { ours: [] as Sample[], rclone: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      full.ours.push(await counted(s3Proc, () => ours({ mode: 'backup', repo: fs.mkdirSync(dir(`repo-${i}`), { recursive: true }) && dir(`repo-${i}`), s3 })));
      full.rclone.push(await rclone(s3, dir(`rclone-${i}`)));
      console.log(`full #${i + 1}: ours ${secs(full.ours[i].ms)}, rclone ${secs(full.rclone[i].ms)}`);
    }

    // The same backup into an S3 backup location (a prefix of another bucket), once: its operations.
    await client.send(new CreateBucketCommand({ Bucket: BACKUP_BUCKET }));
    const s3Location = { s3, s3Repo: { bucket: BACKUP_BUCKET, prefix: 'pci-backup' } };
    const s3First = await counted(s3Proc, () => ours({ mode: 'backup', ...s3Location }));
    console.log(`full into an S3 backup location: ${secs(s3First.ms)}, ${s3First.ops[BACKUP_BUCKET]?.objectsWritten ?? 0} objects written`);

    // 1 % of the objects get new content (same size), as a day of edits would.
    const changed = objects.filter((_, i) => i % 100 === 7).map((o) => ({ ...o, version: 1 }));
    await uploadObjects(client, BUCKET, changed);
    const incr = { ours: [] as Sample[], rclone: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      incr.ours.push(await counted(s3Proc, () => ours({ mode: 'backup', repo: dir(`repo-${i}`), s3 })));
      incr.rclone.push(await rclone(s3, dir(`rclone-${i}`)));
      console.log(`incremental #${i + 1} (${changed.length} objects changed): ours ${secs(incr.ours[i].ms)} (requests ${JSON.stringify(incr.ours[i].requests)}), rclone ${secs(incr.rclone[i].ms)}`);
    }

    const s3Incr = await counted(s3Proc, () => ours({ mode: 'backup', ...s3Location }));
    console.log(`incremental into an S3 backup location: ${secs(s3Incr.ms)}, ${s3Incr.ops[BACKUP_BUCKET]?.objectsWritten ?? 0} objects written`);

    // Restore of the whole bucket into a new, empty bucket vs rclone copying the same files up.
    const restore = { ours: [] as Sample[], rclone: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      const target = `restored-${i}`;
      await client.send(new CreateBucketCommand({ Bucket: target }));
      restore.ours.push(await ours({ mode: 'restore', repo: dir(`repo-${i}`), s3: { ...s3, bucket: target } }));
      restore.rclone.push(await rclone(s3, `SRC:rclone-up-${i}`, dir(`rclone-${i}`)));
      console.log(`bucket restore #${i + 1}: ours ${secs(restore.ours[i].ms)} (${String(restore.ours[i].put)} objects), rclone copy up ${secs(restore.rclone[i].ms)}`);
    }
    client.destroy();

    const dump = { ours: [] as Sample[], bare: [] as Sample[], bareSorted: [] as Sample[] };
    for (let i = 0; i < runs; i++) {
      dump.ours.push(await ours({ mode: 'backup', repo: fs.mkdirSync(dir(`mongo-${i}`), { recursive: true }) && dir(`mongo-${i}`), mongo }));
      dump.bare.push(await ours({ mode: 'bare-mongo', mongo }));
      dump.bareSorted.push(await ours({ mode: 'bare-mongo', sorted: true, mongo }));
      console.log(`MongoDB #${i + 1}: our dump ${secs(dump.ours[i].ms)}, bare cursor ${secs(dump.bare[i].ms)}, in _id order ${secs(dump.bareSorted[i].ms)} (${Math.round(Number(dump.bare[i].bytes) / MiB)} MiB)`);
    }

    // Restore of all collections into a new, empty database vs a bare insertMany of the same documents.
    const mrestore = { ours: [] as Sample[], bare: [] as Sample[] };
    const mc2 = new MongoClient(mongo.uri);
    await mc2.connect();
    for (let i = 0; i < runs; i++) {
      mrestore.ours.push(await ours({ mode: 'restore', repo: dir(`mongo-${i}`), mongo: { uri: mongo.uri, database: `restored${i}` } }));
      await mc2.db(`restored${i}`).dropDatabase();
      mrestore.bare.push(await ours({ mode: 'bare-insert', mongo: { ...mongo, target: `bare${i}` } }));
      await mc2.db(`bare${i}`).dropDatabase();
      console.log(`MongoDB restore #${i + 1}: ours ${secs(mrestore.ours[i].ms)}, bare insertMany ${secs(mrestore.bare[i].ms)}`);
    }
    await mc2.close();

    const m = (xs: Sample[], k: 'ms' | 'maxRssKB' = 'ms') => median(xs.map((x) => x[k]));
    const totalBytes = objects.reduce((a, o) => a + o.size, 0);
    const rows: Array<[string, string, string, string, string]> = [
      ['full backup vs rclone copy', secs(m(full.ours)), secs(m(full.rclone)), `${(m(full.ours) / m(full.rclone)).toFixed(2)}×`, '≤ 1.0×'],
      ['incremental vs our full', secs(m(incr.ours)), secs(m(full.ours)), `${(m(incr.ours) / m(full.ours)).toFixed(3)}×`, '≤ 0.1×'],
      ['incremental vs rclone 2nd copy', secs(m(incr.ours)), secs(m(incr.rclone)), `${(m(incr.ours) / m(incr.rclone)).toFixed(2)}×`, '(info)'],
      ['MongoDB dump vs bare cursor (speed)', secs(m(dump.ours)), secs(m(dump.bare)), `${(m(dump.bare) / m(dump.ours)).toFixed(2)}×`, '≥ 0.8×'],
      ['MongoDB dump vs bare cursor in _id order', secs(m(dump.ours)), secs(m(dump.bareSorted)), `${(m(dump.bareSorted) / m(dump.ours)).toFixed(2)}×`, '(info)'],
      ['R2 restore (new bucket) vs rclone copy up', secs(m(restore.ours)), secs(m(restore.rclone)), `${(m(restore.ours) / m(restore.rclone)).toFixed(2)}×`, '≤ 1.0×'],
      ['MongoDB restore vs bare insertMany (speed)', secs(m(mrestore.ours)), secs(m(mrestore.bare)), `${(m(mrestore.bare) / m(mrestore.ours)).toFixed(2)}×`, '≥ 0.8×'],
      ...opsRows('first backup', full.ours[0] as Sample & { ops: BucketOps }, s3First),
      ...opsRows('incremental', incr.ours[0] as Sample & { ops: BucketOps }, s3Incr),
      writesRow('first backup', s3First),
      writesRow('incremental', s3Incr),
      ['peak RSS: full / incremental / dump', `${mib(m(full.ours, 'maxRssKB'))} / ${mib(m(incr.ours, 'maxRssKB'))} / ${mib(m(dump.ours, 'maxRssKB'))}`, `rclone ${mib(m(full.rclone, 'maxRssKB'))}, cursor ${mib(m(dump.bare, 'maxRssKB'))}`, '', '< 300 MiB'],
      ['peak RSS: R2 restore / MongoDB restore', `${mib(m(restore.ours, 'maxRssKB'))} / ${mib(m(mrestore.ours, 'maxRssKB'))}`, `rclone ${mib(m(restore.rclone, 'maxRssKB'))}, insertMany ${mib(m(mrestore.bare, 'maxRssKB'))}`, '', '< 300 MiB'],
      ...startupTable,
    ];
    printTable(rows);
    writeResult(quick ? '-quick' : '', { quick, runs, scale, bucket: { objects: objects.length, bytes: totalBytes, changed: changed.length }, host: { cpus: os.cpus().length, node: process.version }, full, incremental: incr, s3Location: { first: s3First, incremental: s3Incr }, restore, mongoRestore: mrestore, mongo: dump, startup: startups, table: rows });
  } finally {
    s3Proc.kill();
    mongoProc.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
