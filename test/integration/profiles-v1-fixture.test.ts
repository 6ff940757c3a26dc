// A data folder and a backup location made by the version before sources (profiles.json version 1,
// the restore point in test/fixtures/profiles-v1 was written by that version's CLI; see its README):
// the built CLI reads the profile as a PCI File Manager connection with its sources, lists, verifies
// and restores the old restore point into empty servers exactly as seeded, backs up again, and the
// first change of the settings writes version 2 while keeping the old file as profiles.v1.json.
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileView } from '../../shared/api/profiles';
import { startTestServers, type TestServers } from '../support/servers';
import { tempDir } from '../support/engine';
import { runCli } from '../support/serve';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const FIXTURE = path.resolve('test/fixtures/profiles-v1');
const SNAPSHOT = 'f0c34f2a19cccac5c31750f05e86b28b';
interface Seed {
  database: string;
  bucket: string;
  collections: Record<string, Array<Record<string, unknown>>>;
  objects: Record<string, string>;
  config: Record<string, string>;
}
const seed = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'seed.json'), 'utf8')) as Seed;

let s: TestServers;
let home: string;
let config: string;
let env: NodeJS.ProcessEnv;
let v1Text: string;
const run = (args: string[]) => runCli(home, env, args);

beforeAll(async () => {
  s = await startTestServers({ seeded: false, database: seed.database, bucket: seed.bucket });
  const work = tempDir('pci-v1-');
  home = path.join(work, 'home');
  config = path.join(work, 'config'); // not there: the restore puts it back
  const backups = path.join(work, 'backups');
  fs.cpSync(path.join(FIXTURE, 'backups'), backups, { recursive: true });
  // The old file as it was, only pointed at this run's servers and folders (still version 1).
  type V1Profile = { r2: Record<string, unknown>; folders: string[]; destination: { path: string } };
  const v1 = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'profiles.json'), 'utf8')) as { version: number; profiles: V1Profile[] };
  expect(v1.version).toBe(1);
  Object.assign(v1.profiles[0].r2, { endpoint: s.s3.endpoint, accessKeyId: s.s3.accessKeyId });
  v1.profiles[0].folders = [config];
  v1.profiles[0].destination.path = backups;
  fs.mkdirSync(home, { recursive: true });
  v1Text = JSON.stringify(v1, null, 2) + '\n';
  fs.writeFileSync(path.join(home, 'profiles.json'), v1Text, { mode: 0o600 });
  env = { ...process.env, PCI_MONGODB_URI: `${s.mongo.uri}${seed.database}`, PCI_R2_SECRET_ACCESS_KEY: s.s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' };
});

afterAll(async () => {
  await s?.close();
});

describe('a data folder and backup location from the version before sources', () => {
  it('reads the version-1 profile as PCI File Manager with its sources, without writing anything', async () => {
    const shown = await run(['--json', 'profile', 'show', 'Office']);
    expect(shown.code, shown.err).toBe(0);
    const view = JSON.parse(shown.out) as ProfileView;
    expect(view.profile).toMatchObject({
      preset: 'pci',
      sources: [
        { kind: 'mongodb', database: 'pcifm' },
        { kind: 's3', bucket: 'pci-files', endpoint: s.s3.endpoint, forcePathStyle: true },
        { kind: 'folder', path: config },
      ],
      fileRecords: { collection: 'files', keyField: 'storageKey', sizeField: 'size' },
    });
    expect(fs.readFileSync(path.join(home, 'profiles.json'), 'utf8')).toBe(v1Text);
  });

  it('lists and verifies the old restore point with its sources', async () => {
    const list = await run(['--json', 'snapshots', '--profile', 'Office']);
    expect(list.code, list.err).toBe(0);
    const points = (JSON.parse(list.out) as { restorePoints: Array<{ id: string; sources: Array<{ kind: string; name: string }> }> }).restorePoints;
    expect(points.map((p) => p.id)).toEqual([SNAPSHOT]);
    expect(points[0].sources.map((x) => `${x.kind}:${x.name}`)).toEqual(['mongo:pcifm', 'r2:pci-files', 'files:config']);
    const verified = await run(['--json', 'verify', '--profile', 'Office', '--snapshot', SNAPSHOT, '--full']);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true });
  });

  it('restores the old restore point into empty servers exactly as it was backed up', async () => {
    const restored = await run(['--json', 'restore', '--profile', 'Office', '--snapshot', SNAPSHOT, '--yes', '--no-safety-snapshot']);
    expect(restored.code, restored.out + restored.err).toBe(0);
    const client = new MongoClient(`${s.mongo.uri}${seed.database}`);
    await client.connect();
    try {
      for (const [name, docs] of Object.entries(seed.collections)) {
        expect(await client.db(seed.database).collection(name).find({}).sort({ _id: 1 }).toArray()).toEqual(docs);
      }
    } finally {
      await client.close();
    }
    const s3 = new S3Client({ endpoint: s.s3.endpoint, region: s.s3.region, forcePathStyle: true, credentials: { accessKeyId: s.s3.accessKeyId, secretAccessKey: s.s3.secretAccessKey } });
    try {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: seed.bucket }));
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(Object.keys(seed.objects).sort());
      for (const [key, body] of Object.entries(seed.objects)) {
        const got = await s3.send(new GetObjectCommand({ Bucket: seed.bucket, Key: key }));
        expect(await got.Body!.transformToString()).toBe(body);
        expect(got.ContentType).toBe('text/plain');
      }
    } finally {
      s3.destroy();
    }
    for (const [rel, text] of Object.entries(seed.config)) expect(fs.readFileSync(path.join(config, rel), 'utf8')).toBe(text);
  });

  it('backs up again beside the old restore point, and the first change writes version 2 keeping the old file', async () => {
    const backup = await run(['--json', 'backup', '--profile', 'Office']);
    expect(backup.code, backup.out + backup.err).toBe(0);
    const made = JSON.parse(backup.out) as { snapshotId: string; stats: { bytes: number; newBytes: number; sources: Array<{ kind: string; newBytes: number }> } };
    // The files and the folder were restored as they were: their blobs, written by the old version, are reused.
    expect(made.stats.sources.filter((x) => x.kind !== 'mongo').map((x) => x.newBytes)).toEqual([0, 0]);
    const list = await run(['--json', 'snapshots', '--profile', 'Office']);
    const points = (JSON.parse(list.out) as { restorePoints: Array<{ id: string; parent: string | null }> }).restorePoints;
    expect(points.find((p) => p.id === made.snapshotId)?.parent).toBe(SNAPSHOT); // the same profile: incremental against the old one
    expect(fs.readFileSync(path.join(home, 'profiles.json'), 'utf8')).toBe(v1Text);

    const changed = await run(['profile', 'set', 'Office', '--backup-max-age-hours', '30']);
    expect(changed.code, changed.out + changed.err).toBe(0);
    expect(fs.readFileSync(path.join(home, 'profiles.v1.json'), 'utf8')).toBe(v1Text);
    const v2 = JSON.parse(fs.readFileSync(path.join(home, 'profiles.json'), 'utf8')) as { version: number; profiles: Array<Record<string, unknown>> };
    expect(v2.version).toBe(2);
    expect(v2.profiles[0]).toMatchObject({ name: 'Office', preset: 'pci', backupMaxAgeHours: 30, sources: [{ kind: 'mongodb' }, { kind: 's3' }, { kind: 'folder', path: config }] });
    expect(v2.profiles[0]).not.toHaveProperty('mongo');

    const verified = await run(['--json', 'verify', '--profile', 'Office', '--snapshot', 'all']);
    expect(verified.code, verified.out + verified.err).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ ok: true, checked: { snapshots: 2 } });
  });
});
