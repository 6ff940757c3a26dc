// A PCI File Manager user with only "readWrite" on its one database (and one with only "read"), against
// the MongoDB test double enforcing built-in roles as mongod does: what "Test connection" says, a
// restore refused while planning (no safety backup made), a restore and a test restore that work with
// readWrite alone, documents refused by validation rules named, and scratch collections of a killed
// test restore removed by the next one and never backed up.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Document } from 'mongodb';
import { runBackup } from '../../electron/core/backup/backup';
import { readDatabaseFacts } from '../../electron/core/checklist/database';
import { watchWrites } from '../../electron/core/checklist/quiet';
import { exportSnapshot } from '../../electron/core/export/export';
import { importMongodump } from '../../electron/core/export/import-mongodump';
import { checkMongo } from '../../electron/core/connections/mongo-checks';
import { FolderStore, type Repository } from '../../electron/core/repository';
import { buildPlan } from '../../electron/core/restore/plan';
import { emptySummary, runRestore } from '../../electron/core/restore/restore';
import { indexSnapshot } from '../../electron/core/restore/snapshot-index';
import { verifyBackup } from '../../electron/core/verify/verify';
import { RestoreScope, type RestoreScopeInput } from '../../shared/api/restore';
import { UserError } from '../../shared/errors';
import { DB, FAST_RETRY, newRepo, removeTempDirs, tempDir, testContext } from '../support/backup';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire/index';
import { testProfile } from '../support/restore';

const ROOT = 'root-Pa55';
const PCI = 'pci-Pa55';
const VIEWER = 'viewer-Pa55';

let mongo: MongoTestServer;
let root: MongoClient;
let pci: MongoClient;
let viewer: MongoClient;
let repo: Repository;
let repoDir: string;
let snapshotId: string;

const uriFor = (user: string, password: string, tail = `${DB}?authSource=admin`) => `${mongo.uri.replace('mongodb://', `mongodb://${user}:${password}@`)}${tail}`;

beforeAll(async () => {
  mongo = await startMongoTestServer({
    auth: { username: 'admin', password: ROOT },
    users: [
      { username: 'pci', password: PCI, db: 'admin', roles: [{ role: 'readWrite', db: DB }] },
      { username: 'viewer', password: VIEWER, db: 'admin', roles: [{ role: 'read', db: DB }] },
    ],
  });
  root = new MongoClient(uriFor('admin', ROOT, '?authSource=admin'));
  pci = new MongoClient(uriFor('pci', PCI));
  viewer = new MongoClient(uriFor('viewer', VIEWER));
  const db = root.db(DB);
  await db.createCollection('users', { validator: { email: { $type: 'string' } } });
  await db.collection('users').createIndex({ email: 1 }, { unique: true });
  await db.collection<{ _id: unknown } & Document>('users').insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `u${i}`, email: `u${i}@example.com` })));
  await db.collection<{ _id: unknown } & Document>('files').insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: i, key: `k/${i}` })));
  // Written past its rules by an administrator: documents a readWrite user cannot put back.
  await db.createCollection('legacy', { validator: { kind: { $type: 'string' } } });
  await db.collection<{ _id: unknown } & Document>('legacy').insertMany([{ _id: 'ok1', kind: 'a' }, { _id: 'bad1', kind: 1 }, { _id: 'bad2', kind: 2 }, { _id: 'ok2', kind: 'b' }], { bypassDocumentValidation: true });
  ({ repo, dir: repoDir } = await newRepo());
  // The readWrite user backs up.
  snapshotId = (await backupAs(pci)).snapshotId;
});

afterAll(async () => {
  await Promise.all([root?.close(), pci?.close(), viewer?.close()]);
  await mongo?.close();
  await removeTempDirs();
});

function backupAs(client: MongoClient, tags = ['manual']) {
  return runBackup(repo, { mongo: { client, database: DB } }, testContext(), { profile: 'Office', tags, appVersion: '0', retry: FAST_RETRY });
}

async function planAs(client: MongoClient, scope: RestoreScopeInput = {}) {
  const index = await indexSnapshot(repo, await repo.readSnapshot(snapshotId));
  return buildPlan({ repo, index, profile: testProfile, location: 'test', mongo: { db: client.db(DB), database: DB }, r2: null }, RestoreScope.parse({ bucket: false, folders: false, ...scope }), testContext());
}

async function restoreAs(client: MongoClient, scope: RestoreScopeInput = {}) {
  const plan = await planAs(client, scope);
  return runRestore(
    {
      repo,
      mongo: { client, database: DB },
      r2: null,
      safetyBackup: async () => {
        const r = await backupAs(client, ['pre-restore']);
        return { id: r.snapshotId, createdAt: r.createdAt };
      },
    },
    plan,
    { removeExtra: false, safety: { mode: 'take' } },
    testContext(),
    emptySummary(plan, false),
  );
}

async function reserved(): Promise<string[]> {
  return (await root.db(DB).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('pcimaint_')).sort();
}

async function rejection(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('Test connection', () => {
  it('readWrite: may do everything, and says what skipping validation rules would need', async () => {
    const r = await checkMongo({ uri: uriFor('pci', PCI) });
    const p = r.checks.find((c) => c.id === 'mongo.privileges');
    expect(p?.status).toBe('pass');
    expect(p?.message).toContain('The user "pci" may back up, restore, test-restore and run the pre-update checks on "pcifiles".');
    expect(p?.message).toContain("Documents that break a collection's validation rules cannot be put back by this user");
    expect(p?.message).toContain('in mongosh: use admin, then db.grantRolesToUser("pci", [{ role: "dbAdmin", db: "pcifiles" }])');
    expect(p?.message).toContain('The optional pre-update check "nothing writes to the database" needs the server\'s status, which this user may not read; to allow it, in mongosh: use admin, then db.grantRolesToUser("pci", [{ role: "clusterMonitor", db: "admin" }]).');
    expect(JSON.stringify(r)).not.toContain(PCI);
  });

  it('read only: may back up and check, not restore; the hint is the exact grant an administrator runs', async () => {
    const r = await checkMongo({ uri: uriFor('viewer', VIEWER) });
    const p = r.checks.find((c) => c.id === 'mongo.privileges');
    expect(p?.status).toBe('warn');
    expect(p?.message).toMatch(/^The user "viewer" may back up and run the pre-update checks on "pcifiles", but not restore or test-restore\. The optional/);
    expect(p?.hint).toBe('Ask whoever manages MongoDB to run, in mongosh: use admin, then db.grantRolesToUser("viewer", [{ role: "readWrite", db: "pcifiles" }])');
    expect(r.ok).toBe(true); // a warning: backups still work
  });

  it('a user kept in admin, without authSource=admin: error 18 explained, with the option to add', async () => {
    const r = await checkMongo({ uri: uriFor('pci', PCI, DB) });
    const f = r.checks.find((c) => c.status === 'fail');
    expect(f).toMatchObject({ id: 'mongo.auth', code: 'MONGO_AUTH_FAILED' });
    expect(f?.message).toContain('It has no authSource option, so MongoDB looked for the user "pci" in the database "pcifiles"');
    expect(f?.hint).toBe('Add ?authSource=admin to the end of the connection string and test again. If it still fails, check the user name and password.');
  });
});

describe('a server that signs users in but enforces nothing (mongod without --auth)', () => {
  it('is not taken at its roles\' word: one harmless write shows nothing is refused, and restore plans normally', async () => {
    const open = await startMongoTestServer({ enforceRoles: false, users: [{ username: 'viewer', password: VIEWER, roles: [{ role: 'read', db: DB }] }] });
    const client = new MongoClient(`${open.uri.replace('mongodb://', `mongodb://viewer:${VIEWER}@`)}${DB}?authSource=admin`);
    try {
      // The roles say read only; the server still lets the write through.
      const { authInfo } = await client.db('admin').command({ connectionStatus: 1 });
      expect(authInfo.authenticatedUserRoles).toEqual([{ role: 'read', db: DB }]);
      await client.db(DB).collection<{ _id: unknown } & Document>('files').insertOne({ _id: 1 });
      const r = await checkMongo({ uri: `${open.uri.replace('mongodb://', `mongodb://viewer:${VIEWER}@`)}${DB}?authSource=admin` });
      expect(r.checks.find((c) => c.id === 'mongo.privileges')).toMatchObject({ status: 'pass', message: 'This server does not check users: everything is allowed (back up, restore, test-restore, pre-update checks).' });
      // The probe leaves nothing behind.
      expect((await client.db(DB).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(['files']);
    } finally {
      await client.close();
      await open.close();
    }
  });
});

describe('pre-update checks', () => {
  it('the optional "nothing writes" check says the server status is not readable, instead of blaming the database', async () => {
    const err = await rejection(watchWrites(pci, 10, new AbortController().signal));
    expect(err.message).toBe("This MongoDB user may not read the server's status, so it cannot see whether something still writes to the database.");
    expect(err.hint).toContain('"clusterMonitor" role');
  });
});

describe('restore', () => {
  it('is refused while planning for a read-only user: no safety backup, nothing changed', async () => {
    const before = (await repo.listSnapshots()).length;
    const err = await rejection(restoreAs(viewer, { collections: ['files'] }));
    expect(err.code).toBe('MONGO_AUTH_FAILED');
    expect(err.message).toBe('The MongoDB user "viewer" may not restore the database "pcifiles": it is not allowed to create, fill and replace collections there. The restore did not start; nothing was changed.');
    expect(err.details).toBe('MongoDB actions missing on pcifiles: insert, update, remove, createCollection, createIndex, dropCollection and renameCollectionSameDB');
    expect(err.hint).toContain('db.grantRolesToUser("viewer", [{ role: "readWrite", db: "pcifiles" }])');
    expect((await repo.listSnapshots()).length).toBe(before);
  });

  it('works with readWrite alone (no bypassDocumentValidation), safety backup included', async () => {
    await root.db(DB).collection<{ _id: number } & Document>('files').deleteMany({ _id: { $gte: 20 } });
    const plan = await planAs(pci);
    expect(plan.warnings.join(' ')).toContain('"legacy", "users" have validation rules, which this MongoDB user may not skip');
    const summary = await restoreAs(pci, { collections: ['files', 'users'] });
    expect(summary.safetySnapshot).not.toBeNull();
    expect(summary.verification?.ok).toBe(true);
    expect(await root.db(DB).collection('files').countDocuments({})).toBe(30);
    expect(await reserved()).toEqual([]);
  });

  it('names the documents a validator refuses instead of failing vaguely, and changes nothing', async () => {
    await root.db(DB).collection<{ _id: string } & Document>('legacy').deleteOne({ _id: 'ok2' });
    const err = await rejection(restoreAs(pci, { collections: ['legacy'] }));
    expect(err.title).toBe('Documents refused by validation rules');
    expect(err.message).toBe('2 documents of the collection "legacy" in this restore point break the collection\'s validation rules, and this MongoDB user may not skip them (first _id: "bad1", "bad2"). Nothing was changed.');
    expect(err.hint).toContain('db.grantRolesToUser("pci", [{ role: "dbAdmin", db: "pcifiles" }])');
    expect(await root.db(DB).collection('legacy').countDocuments({})).toBe(3);
    expect(await reserved()).toEqual([]);
  });
});

describe('test restore', () => {
  it('passes with readWrite on the one database: scratch collections inside it, dropped afterwards', async () => {
    const ctx = testContext();
    const r = await verifyBackup({ store: new FolderStore(repoDir), mongo: pci, mongoDatabase: DB }, { snapshot: snapshotId, depth: 'quick', testRestore: true }, ctx);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checked.restoredCollections).toBe(3);
    // The validator's refusals are this user's limit, not damage: said in the log only; the other
    // documents of "legacy" are still compared byte for byte.
    expect(ctx.logs.join('\n')).toContain('2 document(s) of legacy break its validation rules, which this MongoDB user may not skip (first _id: "bad1", "bad2")');
    expect(await reserved()).toEqual([]);
    const databases = (await root.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    expect(databases.filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
  });

  it('a read-only user gets "Not allowed", never a damaged backup', async () => {
    const err = await rejection(verifyBackup({ store: new FolderStore(repoDir), mongo: viewer, mongoDatabase: DB }, { snapshot: snapshotId, depth: 'quick', testRestore: true }, testContext()));
    expect(err.code).toBe('MONGO_AUTH_FAILED');
    expect(err.message).toContain('may not test-restore the database "pcifiles"');
    expect(err.message).toContain('this says nothing about the backup');
  });

  it('scratch collections of a killed run are removed by the next one, and never backed up', async () => {
    // What kill -9 leaves: the run's registration (its process gone) and its scratch collections.
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const db = root.db(DB);
    await db.collection<{ _id: unknown } & Document>('pcimaint_restore_runs').insertOne({ _id: '0123456789ab', host: os.hostname(), pid: dead, profile: 'test restore', startedAt: new Date(), refreshedAt: new Date() });
    await db.collection<{ _id: unknown } & Document>('pcimaint_verify_0123456789ab_files').insertMany([{ _id: 1 }, { _id: 2 }]);
    expect(await reserved()).toEqual(['pcimaint_restore_runs', 'pcimaint_verify_0123456789ab_files']);

    const backup = await backupAs(pci);
    const index = await indexSnapshot(repo, await repo.readSnapshot(backup.snapshotId));
    expect([...index.collections.keys()].filter((n) => n.startsWith('pcimaint_'))).toEqual([]);
    // The pre-update and after-update comparison counts only the application's collections.
    const facts = await readDatabaseFacts(pci, DB);
    expect(facts.collections.map((c) => c.name)).toEqual(['files', 'legacy', 'users']);

    const ctx = testContext();
    await verifyBackup({ store: new FolderStore(repoDir), mongo: pci, mongoDatabase: DB }, { snapshot: snapshotId, depth: 'quick', testRestore: true }, ctx);
    expect(ctx.logs.join('\n')).toContain('Removed the temporary collection pcimaint_verify_0123456789ab_files');
    expect(await reserved()).toEqual([]);
  });

  it('an export leaves out scratch collections that a restore point of an older version holds', async () => {
    // Such a restore point, made by importing a dump that holds one.
    const dump = path.join(await tempDir(), DB);
    await fs.mkdir(dump);
    await fs.writeFile(path.join(dump, 'files.bson'), Buffer.concat([BSON.serialize({ _id: 1 }), BSON.serialize({ _id: 2 })]));
    await fs.writeFile(path.join(dump, 'pcimaint_verify_0123456789ab_files.bson'), BSON.serialize({ _id: 1 }));
    const { repo: old } = await newRepo();
    const imported = await importMongodump(old, { from: dump, profile: 'Office', appVersion: 'old' }, testContext());
    const held = [...(await indexSnapshot(old, await old.readSnapshot(imported.snapshotId))).collections.keys()].sort();
    expect(held).toEqual(['files', 'pcimaint_verify_0123456789ab_files']);
    const out = path.join(await tempDir(), 'out');
    await exportSnapshot(old, { snapshot: imported.snapshotId, to: out, zip: false }, testContext());
    expect(await fs.readdir(path.join(out, 'dump', DB))).toEqual(['files.bson']);
  });
});
