// What the maintenance plan's database checks rely on: `validate` and `$indexStats` answer in the shape
// the MongoDB manual documents ("validate" → Validate Output; "$indexStats" output fields) and refuse what
// mongod refuses. Runs against the test double by default and a real mongod when PCI_TEST_MONGODB_URI is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, MongoServerError, type Db } from 'mongodb';
import { openConformanceTarget, type ConformanceTarget } from '../support/mongo-wire/target';

let target: ConformanceTarget;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  target = await openConformanceTarget('pci_conf_maint');
  client = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(target.dbName);
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
  await target?.close();
});

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

describe('validate', () => {
  it('answers the documented fields for a healthy collection', async () => {
    const files = db.collection('files');
    await files.insertMany([{ key: 'a', tags: ['x', 'y'] }, { key: 'b', tags: ['z'] }, { key: 'c' }]);
    await files.createIndex({ key: 1 }, { unique: true });
    await files.createIndex({ tags: 1 });
    const r = await db.command({ validate: 'files', full: false });
    expect(r.ok).toBe(1);
    expect(r.ns).toBe(`${target.dbName}.files`);
    expect(r.valid).toBe(true);
    expect(r.nrecords).toBe(3);
    expect(r.nIndexes).toBe(3);
    expect(r.nInvalidDocuments).toBe(0);
    // Multikey: one key per array element; a missing field is indexed as null.
    expect(r.keysPerIndex).toEqual({ _id_: 3, key_1: 3, tags_1: 4 });
    expect(r.indexDetails._id_.valid).toBe(true);
    expect(r.indexDetails.key_1.valid).toBe(true);
    expect(Array.isArray(r.errors) && Array.isArray(r.warnings)).toBe(true);
    expect(r.errors).toEqual([]);
  });

  it('counts documents that fail the collection validator (nNonCompliantDocuments, 6.2+)', async () => {
    await db.createCollection('strict', { validator: { size: { $gte: 0 } }, validationAction: 'warn' });
    await db.collection('strict').insertMany([{ size: 1 }, { size: -5 }, { other: true }]);
    const r = await db.command({ validate: 'strict' });
    expect(r.nNonCompliantDocuments).toBe(2);
    expect(r.valid).toBe(true); // validationAction "warn": a warning, not an error
    expect(r.warnings.length).toBeGreaterThan(0);
  });

  it('refuses a missing collection, a view, and background together with full', async () => {
    expect((await failure(db.command({ validate: 'nope' }))).code).toBe(26);
    await db.createCollection('files_view', { viewOn: 'files', pipeline: [] });
    expect((await failure(db.command({ validate: 'files_view' }))).code).toBe(166);
    expect((await failure(db.command({ validate: 'files', full: true, background: true }))).code).toBe(72);
  });
});

describe('$indexStats', () => {
  it('lists every index with its accesses, counting the operations that used it', async () => {
    const c = db.collection('stats');
    await c.insertMany([{ key: 'a', n: 1 }, { key: 'b', n: 2 }]);
    await c.createIndex({ key: 1 });
    await c.createIndex({ n: 1 });
    await c.findOne({ key: 'a' });
    await c.find({ key: 'b' }).toArray();
    const rows = await c.aggregate<{ name: string; key: object; host: string; accesses: { ops: unknown; since: Date }; spec: { name: string } }>([{ $indexStats: {} }]).toArray();
    const by = new Map(rows.map((r) => [r.name, r]));
    expect([...by.keys()].sort()).toEqual(['_id_', 'key_1', 'n_1']);
    expect(Number(by.get('key_1')!.accesses.ops)).toBe(2);
    expect(Number(by.get('n_1')!.accesses.ops)).toBe(0);
    expect(by.get('n_1')!.accesses.since).toBeInstanceOf(Date);
    expect(by.get('key_1')!.key).toEqual({ key: 1 });
    expect(by.get('key_1')!.spec.name).toBe('key_1');
    expect(typeof by.get('key_1')!.host).toBe('string');
  });

  it('must be the first stage', async () => {
    const err = await failure(db.collection('stats').aggregate([{ $match: {} }, { $indexStats: {} }]).toArray());
    expect(err.code).toBe(40602);
  });
});
