// The built CLI with a PCI File Manager user that has "readWrite" on its database only (and one with
// "read" only), against the MongoDB test double enforcing built-in roles: `profile test` names what the
// user may do and the grant for the rest; `restore` by the read-only user stops while planning, before
// any safety backup; backup and `verify --test-restore` work with readWrite alone, and the scratch
// collections of a test restore killed with kill -9 are never backed up and removed by the next run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Document } from 'mongodb';
import { saveProfile } from '../../electron/core/profiles/service';
import type { Repository } from '../../electron/core/repository';
import { BUCKET, DB, newRepo, removeTempDirs } from '../support/backup';
import { tempDir, testEngine } from '../support/engine';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire/index';
import { startS3TestServer, type S3TestServer } from '../support/s3/index';
import { indexSnapshot } from '../../electron/core/restore/snapshot-index';
import { killCliAt, runCli } from '../support/serve';

let mongo: MongoTestServer;
let s3: S3TestServer;
let root: MongoClient;
let home: string;
let repo: Repository;

const uriFor = (user: string, password: string) => `${mongo.uri.replace('mongodb://', `mongodb://${user}:${password}@`)}${DB}?authSource=admin`;
const envFor = (user: string, password: string): NodeJS.ProcessEnv => ({ ...process.env, PCI_MONGODB_URI: uriFor(user, password), PCI_R2_SECRET_ACCESS_KEY: s3.secretAccessKey, PCI_BACKUP_PASSPHRASE: '' });
const asPci = () => envFor('pci', 'pci-Pa55');
const asViewer = () => envFor('viewer', 'viewer-Pa55');

beforeAll(async () => {
  [mongo, s3] = await Promise.all([
    startMongoTestServer({
      auth: { username: 'admin', password: 'root-Pa55' },
      users: [
        { username: 'pci', password: 'pci-Pa55', roles: [{ role: 'readWrite', db: DB }] },
        { username: 'viewer', password: 'viewer-Pa55', roles: [{ role: 'read', db: DB }] },
      ],
    }),
    startS3TestServer({ buckets: [BUCKET] }),
  ]);
  root = new MongoClient(`${mongo.uri.replace('mongodb://', 'mongodb://admin:root-Pa55@')}?authSource=admin`);
  await root.db(DB).createCollection('users', { validator: { email: { $type: 'string' } } });
  await root.db(DB).collection<{ _id: string } & Document>('users').insertMany([{ _id: 'u1', email: 'a@example.com' }, { _id: 'u2', email: 'b@example.com' }]);
  await root.db(DB).collection<{ _id: number } & Document>('files').insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, key: `k/${i}` })));
  home = tempDir('pci-least-privilege-');
  let dir: string;
  ({ repo, dir } = await newRepo());
  const engine = testEngine({ home, env: asPci() });
  try {
    await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: s3.endpoint, bucket: BUCKET, accessKeyId: s3.accessKeyId, forcePathStyle: true }], destination: { kind: 'folder', path: dir } });
  } finally {
    await engine.dispose();
  }
});

afterAll(async () => {
  await root?.close();
  await Promise.all([mongo?.close(), s3?.close()]);
  await removeTempDirs();
});

describe('a readWrite-only user through the CLI', () => {
  it('profile test: what the user may do, in plain words, and the grant for what it may not', async () => {
    const pci = await runCli(home, asPci(), ['profile', 'test', 'Office']);
    expect(pci.out).toContain('The user "pci" may back up, restore, test-restore and run the pre-update checks on "pcifiles".');
    const viewer = await runCli(home, asViewer(), ['profile', 'test', 'Office']);
    expect(viewer.out).toContain('The user "viewer" may back up and run the pre-update checks on "pcifiles", but not restore or test-restore.');
    expect(viewer.out).toContain('use admin, then db.grantRolesToUser("viewer", [{ role: "readWrite", db: "pcifiles" }])');
    expect(`${pci.out}${viewer.out}${pci.err}${viewer.err}`).not.toMatch(/pci-Pa55|viewer-Pa55/);
  });

  it('backs up, and test-restores with readWrite only: no scratch database, nothing left behind', async () => {
    const backup = await runCli(home, asPci(), ['backup', '--profile', 'Office']);
    expect(backup.code, backup.out + backup.err).toBe(0);
    const verify = await runCli(home, asPci(), ['--json', 'verify', '--profile', 'Office', '--test-restore']);
    expect(verify.code, verify.out + verify.err).toBe(0);
    const result = JSON.parse(verify.out) as { ok: boolean; checked: { restoredCollections: number } };
    expect(result.ok).toBe(true);
    expect(result.checked.restoredCollections).toBe(2);
    const names = (await root.db(DB).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names.filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
  });

  it('kill -9 during a test restore: its scratch collections are not backed up, and the next test restore removes them', async () => {
    expect(await killCliAt(home, asPci(), ['verify', '--profile', 'Office', '--test-restore'], 'test-restore-batch')).toBe(true);
    const scratch = async () => (await root.db(DB).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('pcimaint_')).sort();
    const left = await scratch();
    expect(left).toContain('pcimaint_restore_runs');
    expect(left.some((n) => /^pcimaint_verify_[0-9a-f]{12}_/.test(n))).toBe(true);

    const backup = await runCli(home, asPci(), ['--json', 'backup', '--profile', 'Office']);
    expect(backup.code, backup.out + backup.err).toBe(0);
    const { snapshotId } = JSON.parse(backup.out) as { snapshotId: string };
    const index = await indexSnapshot(repo, await repo.readSnapshot(snapshotId));
    expect([...index.collections.keys()].sort()).toEqual(['files', 'users']);

    const again = await runCli(home, asPci(), ['verify', '--profile', 'Office', '--test-restore']);
    expect(again.code, again.out + again.err).toBe(0);
    expect(await scratch()).toEqual([]);
  });

  it('restore by a read-only user stops while planning: no safety backup, the grant line to run', async () => {
    const before = (await repo.listSnapshots()).length;
    const r = await runCli(home, asViewer(), ['restore', '--profile', 'Office', '--snapshot', 'latest', '--only', 'mongo', '--yes']);
    expect(r.code).toBe(1);
    const text = r.out + r.err;
    expect(text).toContain('The MongoDB user "viewer" may not restore the database "pcifiles"');
    expect(text).toContain('db.grantRolesToUser("viewer", [{ role: "readWrite", db: "pcifiles" }])');
    expect((await repo.listSnapshots()).length).toBe(before);
    expect((await repo.listSnapshots()).some((h) => h.tags.includes('pre-restore'))).toBe(false);
  });

  it('verify --test-restore by a read-only user: not allowed, and the backup is not called damaged', async () => {
    const r = await runCli(home, asViewer(), ['verify', '--profile', 'Office', '--test-restore']);
    expect(r.code).toBe(1);
    const text = r.out + r.err;
    expect(text).toContain('may not test-restore the database "pcifiles"');
    expect(text).not.toMatch(/damaged/i);
  });
});
