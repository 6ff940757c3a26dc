// MongoDB privileges as PCI Maintenance meets them: built-in roles enforced per command and option,
// connectionStatus telling the truth, error 13 "not authorized on <db> to execute command { … }", and
// authSource. Runs against the test double by default and against a real mongod started with --auth
// when PCI_TEST_MONGODB_URI signs in as an administrator (auth-target.ts), so nothing here may depend
// on double-only behaviour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError, type Document } from 'mongodb';
import { openAuthTarget, type AuthTarget } from '../support/mongo-wire/auth-target';

interface Row {
  _id: number;
  name?: string;
}

let target: AuthTarget;
const clients: MongoClient[] = [];

beforeAll(async () => {
  target = await openAuthTarget();
  // Something to read, and a validator that rejects documents without a `name`.
  const db = target.admin.db(target.dbName);
  await db.createCollection('files', { validator: { name: { $exists: true } } });
  await db.collection('files').insertMany([{ _id: 1, name: 'a' } as Document, { _id: 2, name: 'b' }]);
  await target.admin.db(`${target.dbName}_other`).collection('elsewhere').insertOne({ _id: 1 } as Document);
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await target?.admin.db(`${target.dbName}_other`).dropDatabase().catch(() => undefined);
  await target?.close();
});

async function connectAs(roles: Array<{ role: string; db: string }>): Promise<{ client: MongoClient; user: string }> {
  const made = await target.createUser(target.dbName, roles);
  const client = new MongoClient(made.uri, { serverSelectionTimeoutMS: 5000 });
  clients.push(client);
  await client.connect();
  return { client, user: made.user };
}

async function refused(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MongoServerError);
  expect((err as MongoServerError).code).toBe(13);
  expect((err as MongoServerError).codeName).toBe('Unauthorized');
  return err as MongoServerError;
}

describe('built-in roles', () => {
  it('readWrite: reads and writes its database, but may not bypass validation, drop the database or touch another one', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const { client } = await connectAs([{ role: 'readWrite', db: target.dbName }]);
    const db = client.db(target.dbName);
    expect(await db.collection('files').countDocuments({})).toBe(2);
    await db.createCollection('scratch');
    await db.collection('scratch').insertOne({ _id: 1, name: 'x' } as Document);
    await db.collection('scratch').createIndex({ name: 1 });
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual(['files', 'scratch']);
    await db.collection('scratch').insertOne({ _id: 2 } as Document);
    await db.collection('files').rename('files_copy').then(() => db.collection('files_copy').rename('files'));
    await db.createCollection('target');
    await db.collection('scratch').rename('target', { dropTarget: true });
    await db.collection('target').drop();

    const err = await refused(db.collection('files').insertOne({ _id: 3 } as Document, { bypassDocumentValidation: true }));
    expect(err.message).toMatch(new RegExp(`^not authorized on ${target.dbName} to execute command \\{ insert: "files"`));
    expect(err.message).toContain('bypassDocumentValidation: true');
    await refused(db.dropDatabase());
    await refused(client.db(`${target.dbName}_other`).collection('elsewhere').findOne({}));
    await refused(client.db(`${target.dbName}_other`).collection('elsewhere').insertOne({ _id: 2 } as Document));
    await refused(client.db('admin').command({ serverStatus: 1 }));
  });

  it('read: finds and lists, but may not insert, update, delete, create or index', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const { client } = await connectAs([{ role: 'read', db: target.dbName }]);
    const db = client.db(target.dbName);
    expect(await db.collection('files').find({}).sort({ _id: 1 }).toArray()).toHaveLength(2);
    expect(await db.collection('files').listIndexes().toArray()).toHaveLength(1);
    await refused(db.collection('files').insertOne({ _id: 9, name: 'no' } as Document));
    await refused(db.collection<Row>('files').updateOne({ _id: 1 }, { $set: { name: 'z' } }));
    await refused(db.collection<Row>('files').deleteOne({ _id: 1 }));
    await refused(db.createCollection('nope'));
    await refused(db.collection('files').createIndex({ name: 1 }));
    await refused(db.collection('files').drop());
  });

  it('dbAdmin alone may bypass validation but not insert; with readWrite it may insert past the validator', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const admin = await connectAs([{ role: 'dbAdmin', db: target.dbName }]);
    await refused(admin.client.db(target.dbName).collection('files').insertOne({ _id: 10 } as Document, { bypassDocumentValidation: true }));
    await refused(admin.client.db(target.dbName).collection('files').findOne({}));
    const both = await connectAs([{ role: 'readWrite', db: target.dbName }, { role: 'dbAdmin', db: target.dbName }]);
    const files = both.client.db(target.dbName).collection<Row>('files');
    const rejected = await files.insertOne({ _id: 11 }).then(() => null, (e: unknown) => e as MongoServerError);
    expect(rejected?.code).toBe(121); // the validator: a privilege is not a reason to skip it silently
    await files.insertOne({ _id: 11 }, { bypassDocumentValidation: true });
    await files.deleteOne({ _id: 11 });
  });

  it('readAnyDatabase reads every database but writes none; clusterMonitor reads server status', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const made = await target.createUser('admin', [{ role: 'readAnyDatabase', db: 'admin' }, { role: 'clusterMonitor', db: 'admin' }]);
    const client = new MongoClient(made.uri, { serverSelectionTimeoutMS: 5000 });
    clients.push(client);
    expect(await client.db(`${target.dbName}_other`).collection('elsewhere').countDocuments({})).toBe(1);
    await refused(client.db(target.dbName).collection('files').insertOne({ _id: 12, name: 'n' } as Document));
    expect((await client.db('admin').command({ serverStatus: 1 })).ok).toBe(1);
  });

  it('validate needs dbAdmin, $indexStats needs clusterMonitor: readWrite may run neither', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const plain = await connectAs([{ role: 'readWrite', db: target.dbName }]);
    await refused(plain.client.db(target.dbName).command({ validate: 'files' }));
    await refused(plain.client.db(target.dbName).collection('files').aggregate([{ $indexStats: {} }]).toArray());
    const admin = await connectAs([{ role: 'dbAdmin', db: target.dbName }]);
    expect((await admin.client.db(target.dbName).command({ validate: 'files' })).valid).toBe(true);
    const monitor = await target.createUser('admin', [{ role: 'clusterMonitor', db: 'admin' }]);
    const client = new MongoClient(monitor.uri, { serverSelectionTimeoutMS: 5000 });
    clients.push(client);
    expect((await client.db(target.dbName).collection('files').aggregate([{ $indexStats: {} }]).toArray()).map((r) => r.name)).toEqual(['_id_']);
  });

  it('lists only the databases a user has privileges on', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const { client } = await connectAs([{ role: 'readWrite', db: target.dbName }]);
    const names = (await client.db('admin').admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    expect(names).toContain(target.dbName);
    expect(names).not.toContain(`${target.dbName}_other`);
    await refused(client.db('admin').command({ listDatabases: 1, nameOnly: true, authorizedDatabases: false }));
  });
});

describe('connectionStatus', () => {
  it('names the user, its roles and, with showPrivileges, the actions per resource', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const { client, user } = await connectAs([{ role: 'readWrite', db: target.dbName }]);
    const { authInfo } = await client.db('admin').command({ connectionStatus: 1, showPrivileges: true });
    expect(authInfo.authenticatedUsers).toEqual([{ user, db: target.dbName }]);
    expect(authInfo.authenticatedUserRoles).toEqual([{ role: 'readWrite', db: target.dbName }]);
    const onDb = (authInfo.authenticatedUserPrivileges as Array<{ resource: Document; actions: string[] }>).find((p) => p.resource.db === target.dbName && p.resource.collection === '');
    expect(onDb?.actions).toEqual(expect.arrayContaining(['find', 'insert', 'update', 'remove', 'createCollection', 'createIndex', 'dropCollection', 'renameCollectionSameDB', 'listCollections']));
    expect(onDb?.actions).not.toContain('bypassDocumentValidation');
    expect(onDb?.actions).not.toContain('dropDatabase');
  });
});

describe('authSource', () => {
  it('a user defined in admin fails with 18 unless the connection string says authSource=admin', async (ctx) => {
    if (!target.enforced) ctx.skip();
    const made = await target.createUser('admin', [{ role: 'readWrite', db: target.dbName }], () => `/${target.dbName}`);
    const wrong = new MongoClient(made.uri, { serverSelectionTimeoutMS: 5000 });
    clients.push(wrong);
    const err = await wrong.connect().then(() => undefined, (e: unknown) => e as MongoServerError);
    expect(err).toBeInstanceOf(MongoServerError);
    expect((err as MongoServerError).code).toBe(18);
    const right = new MongoClient(`${made.uri}?authSource=admin`, { serverSelectionTimeoutMS: 5000 });
    clients.push(right);
    expect(await right.db(target.dbName).collection('files').countDocuments({})).toBe(2);
  });
});
