// Profiles end to end in core and the CLI: stored apart from their secrets, connected to real servers
// (MongoDB test double with auth, S3 gateway) seeded with a PCI File Manager dataset, auto-detected
// mapping, health numbers, and `pci-maint profile test` exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { seedDataset, type DatasetSummary } from '../support/dataset';
import { tempDir, testEngine, type TestEngine } from '../support/engine';
import { runCli } from '../../electron/cli/program';
import { openProfile } from '../../electron/core/profiles/open';
import { profileView, saveProfile } from '../../electron/core/profiles/service';
import { CredentialsFileStore } from '../../electron/core/profiles/secret-store';
import { detectMappingSettings, testProfile } from '../../electron/core/profiles/test';
import { healthReport } from '../../electron/core/health/health';
import { startBucketCount } from '../../electron/core/health/bucket-count';
import { Profile, s3Source, type ProfileInput } from '../../shared/profile';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let mongo: MongoTestServer;
let s3: S3TestServer;
let data: DatasetSummary;
let engine: TestEngine;
let uri: string;
const backups = tempDir('pci-backups-');

beforeAll(async () => {
  [mongo, s3] = await Promise.all([startMongoTestServer({ auth: { username: 'pci', password: 'S3cret-Mongo-Pass' } }), startS3TestServer({ buckets: ['pci-files'] })]);
  uri = mongo.uri.replace('mongodb://', 'mongodb://pci:S3cret-Mongo-Pass@') + 'pcifm?authSource=admin';
  data = await seedDataset({ mongoUri: uri, s3: { ...s3, bucket: 'pci-files' } });
  engine = testEngine();
});
afterAll(async () => {
  await engine?.dispose();
  await Promise.all([mongo?.close(), s3?.close()]);
  fs.rmSync(backups, { recursive: true, force: true });
});

function office(over: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name: 'Office',
    sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: s3.endpoint, bucket: 'pci-files', accessKeyId: s3.accessKeyId }],
    destination: { kind: 'folder', path: backups },
    ...over,
  };
}

describe('profile store and secret store', () => {
  it('keeps secrets out of profiles.json and in a 0600 credentials file', async () => {
    const view = await saveProfile(engine, office(), { mongoUri: uri, r2SecretAccessKey: s3.secretAccessKey });
    expect(view.secrets.mongoUri).toMatchObject({ set: true, source: 'store', masked: `mongodb://pci:••••@127.0.0.1:${mongo.port}/pcifm?authSource=admin` });
    expect(view.secrets.r2SecretAccessKey).toMatchObject({ set: true, masked: '••••••••' });
    const settings = fs.readFileSync(path.join(engine.home, 'profiles.json'), 'utf8');
    expect(settings).toContain('"pci-files"');
    expect(settings).not.toContain('S3cret-Mongo-Pass');
    expect(settings).not.toContain(s3.secretAccessKey);
    const creds = path.join(engine.home, 'credentials.json');
    expect(fs.statSync(creds).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(engine.home).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a credentials file other users can read', async () => {
    const home = tempDir();
    const store = new CredentialsFileStore(home);
    await store.set('A', 'mongoUri', 'mongodb://u:pw-secret@h/db');
    fs.chmodSync(store.file, 0o644);
    await expect(store.get('A', 'mongoUri')).rejects.toMatchObject({ code: 'CREDENTIALS_INSECURE', hint: expect.stringContaining('chmod 600') });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('reads the profile-named variable first, then the store, then PCI_… variables', async () => {
    const e = testEngine({ env: { PCI_MONGODB_URI: 'mongodb://generic:gen-secret@h/db', OFFICE_URI: 'mongodb://own:own-secret@h/db' } });
    await saveProfile(e, office({ secretEnv: { mongoUri: 'OFFICE_URI' } }), {});
    expect((await profileView(e, e.profiles.get('Office'))).secrets.mongoUri).toMatchObject({ source: 'env', variable: 'OFFICE_URI' });
    await saveProfile(e, office({ secretEnv: { mongoUri: 'OFFICE_URI' } }), { mongoUri: 'mongodb://stored:st-secret@h/db' });
    expect((await profileView(e, e.profiles.get('Office'))).secrets.mongoUri).toMatchObject({ source: 'env', variable: 'OFFICE_URI' });
    await saveProfile(e, office({ secretEnv: {} }), {});
    expect((await profileView(e, e.profiles.get('Office'))).secrets.mongoUri).toMatchObject({ source: 'store' });
    await e.secretStore.remove('Office');
    expect((await profileView(e, e.profiles.get('Office'))).secrets.mongoUri).toMatchObject({ source: 'generic-env', variable: 'PCI_MONGODB_URI' });
    await e.dispose();
  });
});

describe('openProfile', () => {
  it('opens MongoDB, R2 and the backup location of a profile', async () => {
    const conn = await openProfile(engine, 'Office', { mongo: true, r2: true, location: true });
    try {
      expect(conn.mongo.database).toBe('pcifm');
      expect(await conn.mongo.client.db(conn.mongo.database).collection('files').countDocuments()).toBe(data.collections.files);
      const page = await conn.r2.client.send(new ListObjectsV2Command({ Bucket: conn.r2.bucket, MaxKeys: 5 }));
      expect(page.KeyCount).toBe(5);
      expect(conn.location.describe).toBe(backups);
      expect(conn.location.store.kind).toBe('folder');
      expect(conn.repo).toBeNull();
      expect(conn.passphrase).toBeUndefined();
    } finally {
      await conn.close();
      await conn.close();
    }
  });

  it('fails up front, in plain words, when the password is wrong', async () => {
    await saveProfile(engine, office({ name: 'Wrong' }), { mongoUri: uri.replace('S3cret-Mongo-Pass', 'Not-The-Pass'), r2SecretAccessKey: s3.secretAccessKey });
    await expect(openProfile(engine, 'Wrong', { mongo: true })).rejects.toMatchObject({ code: 'MONGO_AUTH_FAILED' });
    await expect(openProfile(engine, 'Nobody', { location: true })).rejects.toMatchObject({ code: 'PROFILE_NOT_FOUND' });
  });
});

describe('auto-detect, test and health on the seeded dataset', () => {
  it('proposes files.storageKey with its size and deleted fields', async () => {
    const proposal = await detectMappingSettings(engine, { mongo: { database: 'pcifm' }, r2: s3Source(Profile.parse(office()))!, profile: 'Office' });
    expect(proposal.best).toMatchObject({ collection: 'files', keyField: 'storageKey', sizeField: 'size', deletedField: 'deletedAt' });
    expect(proposal.collections).toContain('files');
  });

  it('all checks pass for a good profile', async () => {
    const report = await testProfile(engine, 'Office');
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.mongo).toMatchObject({ database: 'pcifm', documents: expect.any(Number) });
  });

  it('health shows the real numbers of MongoDB and the bucket', async () => {
    const before = await healthReport(engine, 'Office');
    expect(before.r2).toMatchObject({ reachable: true, objects: null });
    expect(before.lastBackup).toMatchObject({ state: 'none', message: 'No backup has been made yet.' });
    expect(before.consistency.message).toBe('Not run yet.');
    expect(before.actions.map((a) => a.id)).toContain('first-backup');
    const job = await engine.jobs.wait(startBucketCount(engine, 'Office').id);
    expect(job.status).toBe('succeeded');
    const after = await healthReport(engine, 'Office');
    const docs = Object.values(data.collections).reduce((a, b) => a + b, 0);
    expect(after.mongo).toMatchObject({ state: 'ok', collections: Object.keys(data.collections).length, documents: docs });
    expect(after.r2).toMatchObject({ objects: data.objects.count, totalBytes: data.objects.bytes });
    expect(after.destination.estimatedNextBackupBytes).toBe(after.mongo!.sizeBytes! + data.objects.bytes);
  });
});

describe('pci-maint profile', () => {
  async function cli(args: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(['--home', engine.home, ...args], { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n'), isTTY: false });
    return { code, out, err };
  }

  it('test --json exits 0 when all pass, 1 with the failing check code otherwise', async () => {
    const ok = await cli(['--json', 'profile', 'test', 'Office']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true });
    const bad = await cli(['--json', 'profile', 'test', 'Wrong']);
    expect(bad.code).toBe(1);
    const parsed = JSON.parse(bad.out) as { ok: boolean; checks: Array<{ id: string; status: string; code?: string }>; error: { code: string } };
    expect(parsed.ok).toBe(false);
    expect(parsed.checks.find((c) => c.status === 'fail')).toMatchObject({ id: 'mongo.auth', code: 'MONGO_AUTH_FAILED' });
    expect(parsed.error.code).toBe('MONGO_AUTH_FAILED');
    expect(bad.out).not.toContain('Not-The-Pass');
  });

  it('health --json reports the real numbers; exit 1 when something is broken', async () => {
    const good = await cli(['--json', 'health', '--profile', 'Office']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.out)).toMatchObject({ profile: 'Office', r2: { objects: data.objects.count }, mongo: { state: 'ok' } });
    const bad = await cli(['health', '--profile', 'Wrong']);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('✗ MongoDB');
    expect(bad.out).toContain('MongoDB did not accept the user name or password');
  });

  it('set, list, show (masked) and remove', async () => {
    const set = await cli(['profile', 'set', 'Branch', '--database', 'pcifm', '--r2-endpoint', s3.endpoint, '--r2-bucket', 'pci-files', '--r2-access-key-id', s3.accessKeyId, '--destination', 's3://pci-backups/branch', '--records-collection', 'files', '--records-key-field', 'storageKey']);
    expect(set.code, set.err).toBe(0);
    const shown = JSON.parse((await cli(['--json', 'profile', 'show', 'Branch'])).out);
    expect(shown.profile.destination).toMatchObject({ kind: 's3', bucket: 'pci-backups', prefix: 'branch', endpoint: s3.endpoint });
    expect(shown.profile.fileRecords).toMatchObject({ collection: 'files', keyField: 'storageKey' });
    expect((await cli(['profile', 'list'])).out).toContain('Branch');
    expect((await cli(['profile', 'show', 'Office'])).out).toContain('mongodb://pci:••••@');
    // --save-secrets keeps what the environment holds now, in the credentials file.
    process.env.PCI_MONGODB_URI = uri;
    process.env.PCI_R2_SECRET_ACCESS_KEY = s3.secretAccessKey;
    try {
      expect((await cli(['profile', 'set', 'Branch', '--save-secrets'])).code).toBe(0);
    } finally {
      delete process.env.PCI_MONGODB_URI;
      delete process.env.PCI_R2_SECRET_ACCESS_KEY;
    }
    expect(JSON.parse((await cli(['--json', 'profile', 'show', 'Branch'])).out).secrets.mongoUri).toMatchObject({ set: true, source: 'store' });
    const usage = await cli(['profile', 'set', 'X', '--r2-bucket', 'b']);
    expect(usage.code).toBe(2);
    expect((await cli(['profile', 'remove', 'Branch'])).code).toBe(0);
    expect((await cli(['profile', 'show', 'Branch'])).code).toBe(1);
  });
});
