// The support bundle with sentinel secrets planted everywhere a secret could leak from: saved
// connections, the environment, errors that reach the log (a failed connection whose address holds the
// password), and old log files — plain and compressed — written before the app knew the secret. The
// zip must pass `unzip -t`, its manifest must match its contents, and no sentinel may appear inside.
// File names (object keys) are left out unless asked for.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleFile, BundlePreview } from '../../../shared/api/bundle';
import type { Job } from '../../../shared/jobs';
import { dispatch } from '../../../electron/core/handlers';
import { runCli } from '../../../electron/cli/program';
import { startBackupJob } from '../../../electron/core/backup/profile-jobs';
import { startCheckJob } from '../../../electron/core/check/profile-jobs';
import { saveProfile } from '../../../electron/core/profiles/service';
import { startServer } from '../../../electron/server/server';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../../support/s3';
import { r2Client } from '../../support/s3/client';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';

const S = {
  mongoPassword: 'Sntl-Bndl-MongoPw-4k9',
  wrongMongoPassword: 'Sntl-Bndl-WrongPw-2x8',
  r2Secret: 'Sntl-Bndl-R2Secret-7h3j',
  wrongR2Secret: 'Sntl-Bndl-WrongR2-5t6',
  passphrase: 'Sntl-Bndl-Passphrase-1q2',
  destSecret: 'Sntl-Bndl-DestSecret-0p9',
  // Never told to the app: only the patterns can find these.
  unknownPassword: 'Sntl-Bndl-UnknownPw-3e4',
  unknownBearer: 'SntlBndlBearerToken8u7y6t',
  unknownAwsSecret: 'SntlBndl/K7MDENG/bPxRfiCYEXAMPLEKEY0a1b2',
  unknownKeyId: 'AKIASNTLBNDLEXAMPLE1',
};
const SENTINELS = Object.values(S);
const PERSONAL = ['clients/Jane Doe/tax return 2023.pdf', 'clients/Jane Doe/passport scan.jpg', 'clients/John Roe/medical letter.pdf'];
const PRESENT = [PERSONAL[0], 'shared/price list.xlsx'];

let mongo: MongoTestServer;
let s3: S3TestServer;
let engine: TestEngine;
const dir = tempDir('pci-bundle-test-');
const uri = (pw: string) => `${mongo.uri.replace('mongodb://', `mongodb://pciadmin:${pw}@`)}pcifm?authSource=admin`;

async function call<T>(name: string, input: unknown): Promise<T> {
  const envelope = await dispatch(engine, name, input);
  if (!envelope.ok) throw new Error(JSON.stringify(envelope.error));
  return envelope.result as T;
}
const waitJob = (job: Job) => engine.jobs.wait(job.id);
let builtId = '';

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer({ auth: { username: 'pciadmin', password: S.mongoPassword } }), startS3TestServer({ buckets: ['pci-files'], secretAccessKey: S.r2Secret })]);
  const client = new MongoClient(uri(S.mongoPassword));
  await client.db('pcifm').collection('files').insertMany([...PERSONAL, 'shared/price list.xlsx'].map((storageKey) => ({ storageKey, size: 4 })));
  await client.close();
  const s3c = r2Client(s3);
  for (const key of PRESENT) await s3c.send(new PutObjectCommand({ Bucket: 'pci-files', Key: key, Body: 'data' }));
  s3c.destroy();

  fs.mkdirSync(path.join(dir, 'backups'));
  engine = testEngine({ env: { PCI_BACKUP_PASSPHRASE: S.passphrase, PCI_DEST_SECRET_ACCESS_KEY: S.destSecret } });
  const r2 = { endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId };
  const records = { collection: 'files', keyField: 'storageKey', sizeField: 'size' };
  await saveProfile(engine, { name: 'Good', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', ...r2 }], fileRecords: records, destination: { kind: 'folder', path: path.join(dir, 'backups') } }, { mongoUri: uri(S.mongoPassword), r2SecretAccessKey: S.r2Secret });
  await saveProfile(engine, { name: 'Bad', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', ...r2 }], destination: { kind: 'folder', path: path.join(dir, 'no-such-drive', 'backups') } }, { mongoUri: uri(S.wrongMongoPassword), r2SecretAccessKey: S.wrongR2Secret });

  // History with file names in it, a restore point, and failures whose errors reach the log.
  expect((await waitJob(startCheckJob(engine, 'Good'))).status).toBe('problems'); // the seeded data has planted anomalies
  const good = await waitJob(startBackupJob(engine, 'Good'));
  expect(good.status, JSON.stringify(good.error)).toBe('succeeded');
  expect((await waitJob(startBackupJob(engine, 'Bad'))).status).toBe('failed');
  engine.log.scope('test').error(new Error(`could not connect to ${uri(S.mongoPassword)}`));
  // Old logs written before the app knew these secrets (or by a version that did not redact).
  const old = [
    `[2024-01-01 10:00:00.000] [error] [jobs] connect ${uri(S.mongoPassword)} failed; key ${S.r2Secret}`,
    `[2024-01-01 10:00:01.000] [warn] [r2] Reading ${PERSONAL[1]} failed; Authorization: Bearer ${S.unknownBearer}`,
    `[2024-01-01 10:00:02.000] [info] [x] mongodb://someone:${S.unknownPassword}@db.example.net/pcifm aws_secret_access_key=${S.unknownAwsSecret} id ${S.unknownKeyId}`,
    `[2024-01-01 10:00:03.000] [info] [x] passphrase was ${S.passphrase}, dest ${S.destSecret}, encoded ${encodeURIComponent(S.wrongMongoPassword)}`,
  ].join('\n');
  fs.writeFileSync(path.join(engine.paths.logs, 'main.old.log'), old + '\n');
  fs.writeFileSync(path.join(engine.paths.logs, 'main.2024-01-01.log.gz'), gzipSync(old + '\n' + S.wrongR2Secret + '\n'));
});
afterAll(async () => {
  await engine?.dispose();
  await Promise.all([mongo?.close(), s3?.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file of an unzipped bundle as text (compressed ones decompressed too). */
function unzipAll(zip: string): Map<string, Buffer> {
  const out = path.join(dir, `unzipped-${path.basename(zip)}`);
  const r = spawnSync('unzip', ['-q', '-o', zip, '-d', out], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const files = new Map<string, Buffer>();
  for (const rel of fs.readdirSync(out, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(out, rel);
    if (!fs.statSync(full).isFile()) continue;
    const data = fs.readFileSync(full);
    files.set(rel.split(path.sep).join('/'), rel.endsWith('.gz') ? gunzipSync(data) : data);
  }
  return files;
}

function expectClean(files: Map<string, Buffer>, raw: Buffer): void {
  for (const [name, data] of [...files, ['(the zip itself)', raw] as const]) {
    const text = data.toString('latin1');
    for (const s of SENTINELS) {
      expect(text.includes(s), `${s} found in ${name}`).toBe(false);
      expect(text.includes(encodeURIComponent(s)), `${s} (URL-encoded) found in ${name}`).toBe(false);
    }
  }
}

describe('support bundle', () => {
  it('holds logs, history and diagnostics, with every secret and file name removed', async () => {
    const job = await waitJob(await call<Job>('bundle.prepare', {}));
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const preview = job.summary as BundlePreview;
    const paths = preview.items.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['README.txt', 'manifest.json', 'warnings.txt', 'system.json', 'profiles.json', 'diagnostics/Good.json', 'diagnostics/Bad.json', 'history/operations.json', 'history/update-records.json', 'latest/checklist.json', 'latest/consistency.json', 'backups/Good.json', 'logs/main.log', 'logs/main.old.log', 'logs/main.2024-01-01.log']));
    expect(preview.warnings.join('\n')).toContain('Backups of "Bad"');
    expect(preview.redaction).toMatchObject({ namesIncluded: false });
    expect(preview.redaction.secrets).toBeGreaterThan(0);
    expect(preview.redaction.patterns).toBeGreaterThan(0);
    expect(preview.redaction.names).toBeGreaterThan(0);

    const built = await call<BundleFile>('bundle.build', { id: preview.id, exclude: ['system.json'] });
    builtId = preview.id;
    const zip = path.join(engine.paths.home, 'bundles', preview.id, built.fileName);
    const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);

    const files = unzipAll(zip);
    expect(files.has('system.json')).toBe(false);
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as { files: Array<{ path: string; bytes: number; sha256: string }>; leftOut: string[]; redaction: { secrets: number } };
    expect(manifest.leftOut).toEqual(['system.json']);
    expect(manifest.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((p) => p !== 'manifest.json').sort());
    for (const f of manifest.files) {
      const data = files.get(f.path)!;
      expect(data.length, f.path).toBe(f.bytes);
      expect(createHash('sha256').update(data).digest('hex'), f.path).toBe(f.sha256);
    }

    expectClean(files, fs.readFileSync(zip));
    const all = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    for (const name of PERSONAL) expect(all.includes(name), `${name} is in the bundle`).toBe(false);
    expect(all).toContain('[file name removed]');
    // What helps is still there: the failure of "Bad", in words, and the logs' structure.
    expect(files.get('diagnostics/Bad.json')!.toString()).toContain('MONGO_AUTH_FAILED');
    expect(files.get('logs/main.old.log')!.toString()).toContain('[error] [jobs] connect [REDACTED] failed; key [REDACTED]');
    expect(files.get('profiles.json')!.toString()).toContain('"bucket": "pci-files"');
  });

  it('includes file names only when asked, from the command line too', async () => {
    const out = path.join(dir, 'with-names.zip');
    const lines: string[] = [];
    // The command runs with the same environment the app was used with.
    const saved = { ...process.env };
    Object.assign(process.env, { PCI_BACKUP_PASSPHRASE: S.passphrase, PCI_DEST_SECRET_ACCESS_KEY: S.destSecret });
    const code = await runCli(['--home', engine.home, '--json', 'bundle', '--out', out, '--include-names'], { out: (t) => lines.push(t), err: () => undefined, isTTY: false }).finally(() => {
      delete process.env.PCI_BACKUP_PASSPHRASE;
      delete process.env.PCI_DEST_SECRET_ACCESS_KEY;
      Object.assign(process.env, saved);
    });
    expect(code).toBe(0);
    expect(JSON.parse(lines.join(''))).toMatchObject({ ok: true, file: out, includeNames: true });
    expect(spawnSync('unzip', ['-t', out]).status).toBe(0);
    const files = unzipAll(out);
    expectClean(files, fs.readFileSync(out));
    expect(files.get('latest/consistency.json')!.toString()).toContain(PERSONAL[1]);
    expect(files.get('system.json')).toBeDefined();
    // The CLI never overwrites.
    expect(await runCli(['--home', engine.home, 'bundle', '--out', out], { out: () => undefined, err: () => undefined, isTTY: false })).toBe(2);
  });

  it('is downloaded in browser mode behind the same token check as the API', async () => {
    const server = await startServer({ engine, port: 0, rendererDir: path.join(dir, 'no-renderer') });
    try {
      const url = `http://127.0.0.1:${server.port}/api/bundle/download?id=${builtId}`;
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { 'x-pci-token': server.token } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="pci-maintenance-support-.*\.zip"$/);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.subarray(0, 2).toString()).toBe('PK');
      expect((await fetch(url.replace(builtId, '../../etc'), { headers: { 'x-pci-token': server.token } })).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
