// Restore drills through the built CLI against the test servers (the MongoDB wire-protocol test double
// and the S3 test server, seeded with a PCI File Manager dataset): the restore point comes back into
// scratch collections and a scratch folder, is checked and timed, and nothing live changes — checked
// with a client of our own; a damaged backup is "found problems"; a killed drill leaves nothing behind
// after the next one; a sample projects the whole.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveProfile } from '../../../electron/core/profiles/service';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../../support/s3';
import { seedDataset } from '../../support/dataset';
import { tempDir, testEngine } from '../../support/engine';
import { killCliAt, runCli } from '../../support/serve';
import { drillScratchRoot } from '../../../electron/core/recovery/profile-jobs';
import { dataPaths } from '../../../electron/core/paths';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let mongo: MongoTestServer;
let s3: S3TestServer;
let home: string;
let env: NodeJS.ProcessEnv;
let location: string;
const run = (args: string[]) => runCli(home, env, args);

/** Every collection of the live database with a hash of its documents (raw bytes), by our own client. */
async function liveState(): Promise<Record<string, string>> {
  const client = new MongoClient(mongo.uri);
  try {
    const db = client.db('pcifm');
    const out: Record<string, string> = {};
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const hash = createHash('sha256');
      for await (const doc of db.collection(name).find({}, { raw: true, sort: { _id: 1 } })) hash.update(doc as unknown as Buffer);
      out[name] = hash.digest('hex');
    }
    return out;
  } finally {
    await client.close();
  }
}

const scratchRoot = () => drillScratchRoot({ paths: dataPaths(home) } as Parameters<typeof drillScratchRoot>[0], 'Office');
const scratchLeft = () => (fs.existsSync(scratchRoot()) ? fs.readdirSync(scratchRoot()) : []);

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer(), startS3TestServer({ buckets: ['pci-files'] })]);
  await seedDataset({ mongoUri: `${mongo.uri}pcifm`, s3: { ...s3, bucket: 'pci-files' }, scale: 'small' });
  home = tempDir('pci-drill-home-');
  location = tempDir('pci-drill-backups-');
  env = { ...process.env, PCI_MONGODB_URI: `${mongo.uri}pcifm`, PCI_R2_SECRET_ACCESS_KEY: s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
  const engine = testEngine({ home, env });
  try {
    await saveProfile(engine, {
      name: 'Office',
      sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId, forcePathStyle: true }],
      destination: { kind: 'folder', path: location },
    });
  } finally {
    await engine.dispose();
  }
  const backup = await run(['backup', '--profile', 'Office']);
  expect(backup.code, backup.err).toBe(0);
}, 180_000);

afterAll(async () => {
  await Promise.all([mongo?.close(), s3?.close()]);
  for (const d of [home, location]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('pci-maint drill', () => {
  it('before any drill, health says nothing is proven restorable and the recovery time is not measured', async () => {
    const health = await run(['--json', 'health', '--profile', 'Office']);
    const r = JSON.parse(health.out).recovery;
    expect(r).toMatchObject({ provenRestorableAt: null, recoverySeconds: null, rto: 'amber', rpo: 'red', overall: 'red', rtoSeconds: 4 * 3600, rpoSeconds: 24 * 3600 });
    expect(r.advice.map((a: { id: string }) => a.id)).toEqual(['verify-newest', 'run-a-drill']);
    const text = await run(['health', '--profile', 'Office']);
    expect(text.out).toContain('no backup has passed a test restore or a restore drill yet');
    expect(text.out).toContain('pci-maint drill --profile Office');
  }, 60_000);

  it('brings everything back into scratch places, checks and times it, and changes nothing live', async () => {
    const before = await liveState();
    const drill = await run(['--json', 'drill', '--profile', 'Office']);
    expect(drill.code, drill.err).toBe(0);
    const r = JSON.parse(drill.out);
    expect(r.ok).toBe(true);
    expect(r.sampled).toBe(false);
    expect(r.parts.map((p: { part: string }) => p.part)).toEqual(['database', 'files']);
    const files = r.parts.find((p: { part: string }) => p.part === 'files');
    expect(files.writtenItems).toBe(files.items);
    expect(files.items).toBeGreaterThan(10);
    expect(r.parts[0].writtenItems).toBeGreaterThan(100); // documents
    expect(r.projectedSeconds).toBeGreaterThanOrEqual(r.parts.reduce((s: number, p: { seconds: number }) => s + p.seconds, 0));
    expect(await liveState()).toEqual(before); // no scratch collection left, no document changed
    expect(scratchLeft()).toEqual([]);
    const text = await run(['drill', '--profile', 'Office']);
    expect(text.out).toContain('A full recovery would take about');
    expect(text.out).toContain('Nothing live was changed.');
    const history = JSON.parse((await run(['--json', 'history', '--kind', 'drill'])).out);
    expect(history.items[0]).toMatchObject({ kind: 'drill', status: 'succeeded', profile: 'Office' });
    // The dashboard's figures follow: proven by the drill (the backup's own date), recovery time measured.
    const health = JSON.parse((await run(['--json', 'health', '--profile', 'Office'])).out).recovery;
    expect(health).toMatchObject({ provenBy: 'drill', provenRestorableAt: r.snapshotCreatedAt, rto: 'green', rpo: 'green', overall: 'green', advice: [] });
    expect(health.recoverySeconds).toBeGreaterThan(0);
    expect((await run(['health', '--profile', 'Office'])).out).toMatch(/Recovery time\s+about/);
    // The printable report: the figures, this drill, no script.
    const reportFile = path.join(home, 'drills.html');
    const again = await run(['drill', '--profile', 'Office', '--report', reportFile]);
    expect(again.code, again.err).toBe(0);
    const html = fs.readFileSync(reportFile, 'utf8');
    expect(html).toContain('Restore drills of “Office”');
    expect(html).toContain('On target');
    expect(html).toContain(r.snapshotCreatedAt.slice(0, 16).replace('T', ' '));
    expect(html.match(/<tr class="succeeded">/g)).toHaveLength(3); // --json, text, and this one
    expect(html).toContain('<svg'); // the trend, from three drills
    expect(html).not.toContain('<script');
  }, 120_000);

  it('with a sample, brings back part of the files and projects the whole', async () => {
    const drill = await run(['--json', 'drill', '--profile', 'Office', '--sample', '20%']);
    expect(drill.code, drill.err).toBe(0);
    const r = JSON.parse(drill.out);
    const files = r.parts.find((p: { part: string }) => p.part === 'files');
    expect(r.sampled).toBe(true);
    expect(files.writtenItems).toBeLessThan(files.items);
    expect(files.writtenItems).toBeGreaterThanOrEqual(Math.floor(files.items * 0.2));
    expect(files.projectedSeconds).toBeGreaterThan(files.seconds);
    expect((await run(['drill', '--profile', 'Office', '--sample', '0'])).code).toBe(2);
  }, 120_000);

  it('killed with kill -9, leaves nothing after the next drill: scratch folder and scratch collections', async () => {
    const before = await liveState();
    // Killed in the database part: its scratch collections are left in the live database …
    expect(await killCliAt(home, env, ['drill', '--profile', 'Office'], 'test-restore-batch:2')).toBe(true);
    expect(Object.keys(await liveState()).some((name) => !(name in before))).toBe(true);
    // … and killed again in the files part: its scratch folder is left too.
    expect(await killCliAt(home, env, ['drill', '--profile', 'Office'], 'drill-file-written:3')).toBe(true);
    expect(scratchLeft()).toHaveLength(1);
    const next = await run(['--json', 'drill', '--profile', 'Office']);
    expect(next.code, next.err).toBe(0);
    expect(JSON.parse(next.out).notes.join(' ')).toContain('did not finish');
    expect(scratchLeft()).toEqual([]);
    expect(await liveState()).toEqual(before);
  }, 120_000);

  it('a damaged backup is "found problems" (exit 3), with the damaged file named', async () => {
    // Damage the largest data file of the location.
    const blobs: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else blobs.push(path.join(d, e.name));
      }
    };
    // One file per blob in a version-1 location, pack files in version 2: either way the largest holds object content.
    for (const dir of ['blobs', 'packs']) if (fs.existsSync(path.join(location, dir))) walk(path.join(location, dir));
    const biggest = blobs.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    const bytes = fs.readFileSync(biggest);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(biggest, bytes);
    const drill = await run(['--json', 'drill', '--profile', 'Office']);
    expect(drill.code, drill.err).toBe(3);
    const r = JSON.parse(drill.out);
    expect(r.ok).toBe(false);
    expect(r.problemCount).toBeGreaterThan(0);
    expect(r.problems[0].path).toMatch(/^(mongo|r2)\//);
    expect(scratchLeft()).toEqual([]);
    const text = await run(['drill', '--profile', 'Office']);
    expect(text.out).toContain('1 problem found');
    expect(text.out).toContain('What to do: Make a new backup now');
  }, 120_000);
});
