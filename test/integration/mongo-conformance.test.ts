// MongoDB behaviours PCI Maintenance relies on, asserted through the real `mongodb` driver only.
// Runs against the wire-protocol test double by default and against a real mongod when
// PCI_TEST_MONGODB_URI is set, so nothing here may depend on double-only features (DESIGN §8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BSON, Binary, Decimal128, Double, Int32, Long, MaxKey, MinKey, MongoBulkWriteError, MongoClient, MongoServerError,
  ObjectId, Timestamp, type Db, type Document,
} from 'mongodb';
import { openConformanceTarget, type ConformanceTarget } from '../support/mongo-wire/target';

/** Documents with any kind of `_id` (the driver's default typing assumes ObjectId). */
interface Loose {
  _id: ObjectId | string | number | Int32 | Long | Double;
  [field: string]: unknown;
}

interface Counter {
  _id: number;
  n?: number;
  tags?: string[];
  big?: Long;
  dec?: Decimal128;
  s?: string;
  gone?: string;
  created?: boolean;
  low?: boolean;
  replaced?: boolean;
}

let target: ConformanceTarget;
let client: MongoClient;
let db: Db;
const commands: string[] = [];

beforeAll(async () => {
  target = await openConformanceTarget();
  client = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000, monitorCommands: true });
  client.on('commandStarted', (e) => commands.push(e.commandName));
  await client.connect();
  db = client.db(target.dbName);
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
  await target?.close();
});

async function expectServerError(promise: Promise<unknown>, code: number): Promise<MongoServerError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MongoServerError);
  expect((err as MongoServerError).code).toBe(code);
  return err as MongoServerError;
}

describe('cursors and ordering', () => {
  it('reads five documents in batches of two through several getMores', async () => {
    const coll = db.collection<Loose>('batching');
    await coll.insertMany([1, 2, 3, 4, 5].map((i) => ({ _id: i, i })));
    const before = commands.filter((c) => c === 'getMore').length;
    const docs = await coll.find({}, { batchSize: 2 }).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => d.i)).toEqual([1, 2, 3, 4, 5]);
    expect(commands.filter((c) => c === 'getMore').length - before).toBeGreaterThanOrEqual(2);
  });

  it('returns documents in insertion order without a sort', async () => {
    const coll = db.collection<Loose>('natural');
    await coll.insertMany([{ _id: 3 }, { _id: 1 }, { _id: 2 }]);
    expect((await coll.find().toArray()).map((d) => d._id)).toEqual([3, 1, 2]);
  });

  it('sorts and resumes by ObjectId _id', async () => {
    const coll = db.collection('oids');
    const ids = [1, 2, 3, 4].map((s) => ObjectId.createFromTime(1_700_000_000 + s));
    await coll.insertMany([ids[2], ids[0], ids[3], ids[1]].map((_id) => ({ _id })));
    const sorted = await coll.find().sort({ _id: 1 }).toArray();
    expect(sorted.map((d) => (d._id as ObjectId).toHexString())).toEqual(ids.map((i) => i.toHexString()));
    const after = await coll.find({ _id: { $gt: ids[1] } }).sort({ _id: 1 }).toArray();
    expect(after.map((d) => (d._id as ObjectId).toHexString())).toEqual([ids[2], ids[3]].map((i) => i.toHexString()));
  });

  it('sorts and resumes by string _id in binary order', async () => {
    const coll = db.collection<Loose>('strings');
    await coll.insertMany(['b', 'B', 'a', 'ab'].map((_id) => ({ _id })));
    expect((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['B', 'a', 'ab', 'b']);
    expect((await coll.find({ _id: { $gt: 'a' } }).sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['ab', 'b']);
  });

  it('compares numeric _ids across int32, int64 and double', async () => {
    const coll = db.collection<Loose>('numbers');
    await coll.insertMany([{ _id: new Int32(3) }, { _id: Long.fromNumber(1) }, { _id: new Double(2.5) }, { _id: new Int32(2) }]);
    const sorted = await coll.find().sort({ _id: 1 }).toArray();
    expect(sorted.map((d) => Number(d._id))).toEqual([1, 2, 2.5, 3]);
    const after = await coll.find({ _id: { $gt: Long.fromNumber(2) } }).sort({ _id: 1 }).toArray();
    expect(after.map((d) => Number(d._id))).toEqual([2.5, 3]);
  });

  it('orders mixed _id types by BSON type (numbers, strings, ObjectIds)', async () => {
    const coll = db.collection<Loose>('mixed');
    const oid = new ObjectId();
    await coll.insertMany([{ _id: oid }, { _id: 'x' }, { _id: 7 }]);
    const sorted = await coll.find().sort({ _id: 1 }).toArray();
    expect(sorted.map((d) => String(d._id))).toEqual(['7', 'x', oid.toHexString()]);
  });

  it('applies projection, skip and limit', async () => {
    const coll = db.collection<Loose>('paging');
    await coll.insertMany([1, 2, 3, 4, 5, 6].map((i) => ({ _id: i, a: i, b: { c: i, d: -i }, secret: 's' })));
    const page = await coll.find({ a: { $gte: 2 } }, { projection: { a: 1, 'b.c': 1 } }).sort({ a: -1 }).skip(1).limit(2).toArray();
    expect(page).toEqual([{ _id: 5, a: 5, b: { c: 5 } }, { _id: 4, a: 4, b: { c: 4 } }]);
    const excluded = await coll.findOne({ _id: 1 }, { projection: { secret: 0, _id: 0 } });
    expect(excluded).toEqual({ a: 1, b: { c: 1, d: -1 } });
  });
});

describe('writes and errors', () => {
  it('stores what a restore sends as it was sent: a null _id, integer-like keys in their order (raw read back)', async () => {
    // The restore relies on this (restore/exact-bson.ts): a Map keeps field order, forceServerObjectId keeps _id null.
    const coll = db.collection('exact_writes');
    const doc = new Map<string, unknown>([['_id', null], ['b', new Int32(1)], ['2', { '10': new Int32(2), x: new Double(-0) }], ['1', new Long(3)]]);
    await coll.insertMany([doc as unknown as Document], { forceServerObjectId: true, ordered: true });
    const raw = (await coll.find({}, { raw: true }).toArray()) as unknown as Buffer[];
    expect(raw).toHaveLength(1);
    expect(raw[0].equals(BSON.serialize(doc))).toBe(true);
  });

  it('rejects a duplicate _id with E11000', async () => {
    const coll = db.collection<Loose>('dup_id');
    await coll.insertOne({ _id: 1 });
    const err = await expectServerError(coll.insertOne({ _id: 1 }), 11000);
    expect(err.message).toContain('E11000');
  });

  it('enforces a unique index, on insert and on update', async () => {
    const coll = db.collection('dup_unique');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@x' });
    await coll.insertOne({ email: 'b@x' });
    await expectServerError(coll.insertOne({ email: 'a@x' }), 11000);
    await expectServerError(coll.updateOne({ email: 'b@x' }, { $set: { email: 'a@x' } }), 11000);
    expect(await coll.countDocuments()).toBe(2);
  });

  it('refuses a unique index over existing duplicates', async () => {
    const coll = db.collection('dup_build');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    await expectServerError(coll.createIndex({ k: 1 }, { unique: true }), 11000);
  });

  it('stops an ordered insertMany at the first error and continues an unordered one', async () => {
    const ordered = db.collection<Loose>('ordered');
    const err1 = await ordered.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }]).catch((e: unknown) => e);
    expect(err1).toBeInstanceOf(MongoBulkWriteError);
    expect((err1 as MongoBulkWriteError).code).toBe(11000);
    expect((err1 as MongoBulkWriteError).insertedCount).toBe(2);
    expect(await ordered.countDocuments()).toBe(2);

    const unordered = db.collection<Loose>('unordered');
    const err2 = await unordered.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 1 }, { _id: 3 }], { ordered: false }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(MongoBulkWriteError);
    const bulk = err2 as MongoBulkWriteError;
    expect(bulk.insertedCount).toBe(3);
    const writeErrors = Array.isArray(bulk.writeErrors) ? bulk.writeErrors : [bulk.writeErrors];
    expect(writeErrors.map((w) => [w.index, w.code])).toEqual([[2, 11000]]);
    expect(await unordered.countDocuments()).toBe(3);
  });

  it('updates with operators, upserts, replaces and deletes', async () => {
    const coll = db.collection<Counter>('updates');
    await coll.insertMany([{ _id: 1, n: 1, tags: ['a'], big: Long.fromNumber(10), dec: Decimal128.fromString('1.10') }, { _id: 2, n: 2 }]);
    const r1 = await coll.updateOne({ _id: 1 }, { $set: { s: 'x' }, $inc: { n: 5, big: 1 }, $push: { tags: 'b' }, $unset: { gone: '' } });
    expect([r1.matchedCount, r1.modifiedCount]).toEqual([1, 1]);
    const one = await coll.findOne({ _id: 1 }, { promoteLongs: false, promoteValues: false });
    expect(Number(one?.n)).toBe(6);
    expect(one?.big).toBeInstanceOf(Long);
    expect(String(one?.big)).toBe('11');
    expect(one?.dec).toBeInstanceOf(Decimal128);
    expect(one?.tags).toEqual(['a', 'b']);
    expect((await coll.updateOne({ _id: 1 }, { $set: { s: 'x' } })).modifiedCount).toBe(0);

    const up = await coll.updateOne({ _id: 9 }, { $set: { n: 1 }, $setOnInsert: { created: true } }, { upsert: true });
    expect(up.upsertedId).toBe(9);
    expect(await coll.findOne({ _id: 9 })).toEqual({ _id: 9, n: 1, created: true });

    const many = await coll.updateMany({ n: { $lte: 2 } }, { $set: { low: true } });
    expect(many.modifiedCount).toBe(2);
    await coll.replaceOne({ _id: 2 }, { replaced: true });
    expect(await coll.findOne({ _id: 2 })).toEqual({ _id: 2, replaced: true });
    const after = await coll.findOneAndUpdate({ _id: 9 }, { $inc: { n: 1 } }, { returnDocument: 'after' });
    expect(after?.n).toBe(2);
    expect((await coll.deleteMany({ low: true })).deletedCount).toBe(1);
    expect((await coll.deleteOne({ _id: 1 })).deletedCount).toBe(1);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('renames a collection, refusing an existing target unless dropTarget is set', async () => {
    await db.collection<Loose>('ren_src').insertMany([{ _id: 1 }, { _id: 2 }]);
    await db.collection<Loose>('ren_dst').insertOne({ _id: 'old' });
    await expectServerError(db.renameCollection('ren_src', 'ren_dst'), 48);
    await db.renameCollection('ren_src', 'ren_dst', { dropTarget: true });
    expect((await db.collection<Loose>('ren_dst').find().toArray()).map((d) => d._id)).toEqual([1, 2]);
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).not.toContain('ren_src');
    await expectServerError(db.renameCollection('ren_missing', 'ren_other'), 26);
  });
});

describe('catalog', () => {
  it('round-trips indexes through listIndexes', async () => {
    const coll = db.collection('indexed');
    await coll.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
    await coll.createIndex({ owner: 1, createdAt: -1 });
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 3600 });
    await coll.createIndex({ sku: 1 }, { partialFilterExpression: { sku: { $exists: true } }, unique: true });
    const byName = new Map((await coll.indexes()).map((i) => [i.name, i]));
    expect(byName.get('_id_')?.key).toEqual({ _id: 1 });
    expect(byName.get('email_unique')).toMatchObject({ key: { email: 1 }, unique: true });
    expect(byName.get('owner_1_createdAt_-1')?.key).toEqual({ owner: 1, createdAt: -1 });
    expect(byName.get('expiresAt_1')?.expireAfterSeconds).toBe(3600);
    expect(byName.get('sku_1')?.partialFilterExpression).toEqual({ sku: { $exists: true } });
    await coll.insertMany([{ email: 'a' }, { email: 'b' }]); // no sku: the partial unique index ignores both
    await expectServerError(coll.insertOne({ email: 'a' }), 11000);
    await coll.insertOne({ sku: 's1' });
    await expectServerError(coll.insertOne({ sku: 's2' }), 11000); // a missing email indexes as null, and null collides
    await coll.dropIndex('owner_1_createdAt_-1');
    expect((await coll.indexes()).map((i) => i.name)).not.toContain('owner_1_createdAt_-1');
  });

  it('lists collections and views with their options', async () => {
    await db.createCollection('validated', { validator: { qty: { $gte: 0 } } });
    await db.collection<Loose>('view_src').insertMany([{ _id: 1, a: 1 }, { _id: 2, a: 2 }]);
    await db.createCollection('a_view', { viewOn: 'view_src', pipeline: [{ $match: { a: 2 } }] });
    const infos = new Map((await db.listCollections().toArray()).map((c) => [c.name, c as Document]));
    expect(infos.get('validated')).toMatchObject({ type: 'collection', options: { validator: { qty: { $gte: 0 } } }, info: { readOnly: false } });
    expect((infos.get('validated')?.info as Document).uuid).toBeInstanceOf(Binary);
    expect(infos.get('a_view')).toMatchObject({ type: 'view', options: { viewOn: 'view_src', pipeline: [{ $match: { a: 2 } }] } });
    expect((await db.listCollections({ type: 'view' }, { nameOnly: true }).toArray()).map((c) => c.name)).toEqual(['a_view']);
    expect(await db.collection<Loose>('a_view').find().toArray()).toEqual([{ _id: 2, a: 2 }]);
    await expectServerError(db.collection('validated').insertOne({ qty: -1 }), 121);
    await expectServerError(db.createCollection('validated'), 48);
  });

  it('reports plausible collStats, $collStats and dbStats numbers', async () => {
    const coll = db.collection<Loose>('stats');
    await coll.insertMany([1, 2, 3].map((i) => ({ _id: i, payload: 'x'.repeat(100) })));
    const stats = await db.command({ collStats: 'stats' });
    expect(stats.count).toBe(3);
    expect(stats.size).toBeGreaterThan(300);
    expect(stats.storageSize).toBeGreaterThan(0);
    expect(stats.nindexes).toBe(1);
    const [agg] = await coll.aggregate([{ $collStats: { storageStats: {}, count: {} } }]).toArray();
    expect(agg.storageStats.count).toBe(3);
    expect(agg.storageStats.size).toBe(stats.size);
    expect(agg.count).toBe(3);
    const dbStats = await db.stats();
    expect(dbStats.collections).toBeGreaterThanOrEqual(1);
    expect(dbStats.objects).toBeGreaterThanOrEqual(3);
    expect(dbStats.dataSize).toBeGreaterThan(300);
    const { databases } = await client.db('admin').admin().listDatabases();
    expect(databases.find((d) => d.name === target.dbName)?.sizeOnDisk).toBeGreaterThan(0);
  });

  it('answers an empty cursor for a collection that does not exist', async () => {
    expect(await client.db(`${target.dbName}_missing`).collection('nothing').find().toArray()).toEqual([]);
    expect(await db.collection('nothing').countDocuments()).toBe(0);
  });
});

describe('queries and aggregation', () => {
  it('counts, distinct and groups', async () => {
    const coll = db.collection('files');
    await coll.insertMany([
      { kind: 'pdf', size: 10, tags: ['a', 'b'] }, { kind: 'jpg', size: 20, tags: ['b'] },
      { kind: 'pdf', size: 30, tags: [] }, { kind: 'png', size: 40 },
    ]);
    expect(await coll.countDocuments({ kind: 'pdf' })).toBe(2);
    expect(await coll.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect((await coll.distinct('kind')).sort()).toEqual(['jpg', 'pdf', 'png']);
    expect((await coll.distinct('tags')).sort()).toEqual(['a', 'b']);
    const groups = await coll.aggregate([{ $group: { _id: '$kind', n: { $sum: 1 }, bytes: { $sum: '$size' } } }, { $sort: { _id: 1 } }]).toArray();
    expect(groups).toEqual([{ _id: 'jpg', n: 1, bytes: 20 }, { _id: 'pdf', n: 2, bytes: 40 }, { _id: 'png', n: 1, bytes: 40 }]);
    const [counted] = await coll.aggregate([{ $match: { size: { $gt: 10 } } }, { $count: 'n' }]).toArray();
    expect(counted).toEqual({ n: 3 });
    const top = await coll.aggregate([{ $sort: { size: -1 } }, { $skip: 1 }, { $limit: 2 }, { $project: { _id: 0, size: 1 } }]).toArray();
    expect(top).toEqual([{ size: 30 }, { size: 20 }]);
  });

  it('keeps every BSON type byte for byte (raw reads)', async () => {
    const doc = {
      _id: new ObjectId(), i32: new Int32(-7), i64: Long.fromString('9007199254740993'), dbl: new Double(-0),
      dec: Decimal128.fromString('12345.678900'), old: new Date(-86_400_000 * 365), bin: new Binary(Buffer.from([0, 1, 2]), 0x80),
      ts: new Timestamp({ t: 1_700_000_000, i: 7 }), min: new MinKey(), max: new MaxKey(), nested: [[1, 'two'], { deep: [null] }],
    };
    const coll = db.collection('fidelity');
    await coll.insertOne(doc);
    const [raw] = (await coll.find({ _id: doc._id }, { raw: true }).toArray()) as unknown as Uint8Array[];
    expect(Buffer.from(raw).equals(Buffer.from(BSON.serialize(doc)))).toBe(true);
  });
});
