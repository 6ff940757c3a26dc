// Where real MongoDB servers are strict and the product must cope (issue: snapshot history window,
// renames onto views, TTL deletes, index shapes, time-series, size limits). Every case runs through the
// real `mongodb` driver only, against the test double by default and against a real mongod when
// PCI_TEST_MONGODB_URI is set (a replica set for the snapshot cases), so nothing here may depend on
// double-only features (DESIGN §8). The manual or server source each case relies on is cited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON, MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { openReplSetTarget, type ReplSetTarget } from '../support/mongo-wire/target-replset';

let target: ReplSetTarget;
let client: MongoClient;
let other: MongoClient;
let db: Db;

beforeAll(async () => {
  target = await openReplSetTarget();
  client = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000 });
  other = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000 });
  await Promise.all([client.connect(), other.connect()]);
  db = client.db(target.dbName);
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await other?.close();
  await client?.close();
  await target?.close();
});

async function failure(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

/** Sets a server parameter for the duration of `run`, then puts the previous value back. */
async function withParameter<T>(name: string, value: unknown, run: () => Promise<T>): Promise<T> {
  const reply = await client.db('admin').command({ setParameter: 1, [name]: value });
  try {
    return await run();
  } finally {
    await client.db('admin').command({ setParameter: 1, [name]: reply.was });
  }
}

/** A collection whose documents may have any `_id` (the driver's default typing assumes ObjectId). */
const coll = (name: string) => db.collection<{ _id: unknown; [field: string]: unknown }>(name);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('snapshot reads and the history window', () => {
  // Manual, Read Concern "snapshot": the read returns data "from a specific single point in time"
  // and "can only be performed within the time period specified by minSnapshotHistoryWindowInSeconds";
  // the parameter is runtime-settable (SERVER-47672) and setParameter answers with `was`.
  it('reads every collection of a snapshot session at one cluster time: later writes are not seen', async () => {
    if (!target.replicated) return;
    const a = db.collection<{ _id: number; v: string }>('snap_a');
    const b = db.collection<{ _id: number; v: string }>('snap_b');
    await a.insertMany([{ _id: 1, v: 'a1' }]);
    await b.insertMany([{ _id: 1, v: 'old' }, { _id: 2, v: 'gone later' }]);
    const session = client.startSession({ snapshot: true });
    try {
      expect(await a.find({}, { session }).toArray()).toEqual([{ _id: 1, v: 'a1' }]);
      const theirs = other.db(target.dbName).collection<{ _id: number; v: string }>('snap_b');
      await theirs.updateOne({ _id: 1 }, { $set: { v: 'new' } });
      await theirs.deleteOne({ _id: 2 });
      await theirs.insertOne({ _id: 3, v: 'added later' });
      expect(await b.find({}, { session, sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, v: 'old' }, { _id: 2, v: 'gone later' }]);
      expect(await b.countDocuments({}, { session })).toBe(2);
    } finally {
      await session.endSession();
    }
    expect(await b.find({}, { sort: { _id: 1 } }).toArray()).toEqual([{ _id: 1, v: 'new' }, { _id: 3, v: 'added later' }]);
  });

  // WiredTigerRecoveryUnit: a read timestamp older than the oldest kept fails with SnapshotTooOld (239),
  // "Read timestamp Timestamp(…) is older than the oldest available timestamp."
  it('refuses a snapshot read older than minSnapshotHistoryWindowInSeconds with SnapshotTooOld (239)', async () => {
    if (!target.replicated) return;
    const c = db.collection<{ _id: number }>('snap_window');
    await c.insertMany([{ _id: 1 }, { _id: 2 }]);
    await withParameter('minSnapshotHistoryWindowInSeconds', 1, async () => {
      const session = client.startSession({ snapshot: true });
      try {
        expect(await c.countDocuments({}, { session })).toBe(2);
        await sleep(2500);
        await other.db(target.dbName).collection<{ _id: number }>('snap_window').insertOne({ _id: 3 }); // lets the oldest timestamp move on
        await sleep(500);
        const err = await failure(c.find({}, { session }).toArray());
        expect(err.code).toBe(239);
        expect(err.codeName).toBe('SnapshotTooOld');
        expect(err.message).toMatch(/is older than the oldest available timestamp/);
      } finally {
        await session.endSession();
      }
    });
  });

  // A collection created (or dropped and created again) after the read time cannot be read at it:
  // SnapshotUnavailable (246), "Unable to read from a snapshot due to pending collection catalog changes".
  it('refuses a snapshot read of a collection created after the read time with SnapshotUnavailable (246)', async () => {
    if (!target.replicated) return;
    await coll('snap_before').insertOne({ _id: 1 });
    await coll('snap_recreated').insertOne({ _id: 1 });
    const session = client.startSession({ snapshot: true });
    try {
      expect(await coll('snap_before').countDocuments({}, { session })).toBe(1);
      const theirs = other.db(target.dbName);
      await theirs.collection('snap_recreated').drop();
      await theirs.collection<{ _id: number }>('snap_recreated').insertOne({ _id: 2 });
      const err = await failure(coll('snap_recreated').find({}, { session }).toArray());
      expect(err.code).toBe(246);
      expect(err.codeName).toBe('SnapshotUnavailable');
    } finally {
      await session.endSession();
    }
  });

  it('reports the history window with getParameter', async () => {
    const reply = await client.db('admin').command({ getParameter: 1, minSnapshotHistoryWindowInSeconds: 1 });
    expect(typeof Number(reply.minSnapshotHistoryWindowInSeconds)).toBe('number');
    expect(Number(reply.minSnapshotHistoryWindowInSeconds)).toBeGreaterThanOrEqual(0);
  });
});

describe('renameCollection and views', () => {
  // jstests/core/views/rename_collection_view.js: renaming a collection onto an existing view fails
  // with NamespaceExists (48) even with dropTarget: true; renaming a view fails with CommandNotSupportedOnView (166).
  it('refuses to rename a collection onto a view, even with dropTarget, and leaves both as they were', async () => {
    await coll('rv_source').insertOne({ _id: 1 });
    await coll('rv_base').insertOne({ _id: 2 });
    await db.createCollection('rv_view', { viewOn: 'rv_base', pipeline: [] });
    const admin = client.db('admin');
    const plain = await failure(admin.command({ renameCollection: `${target.dbName}.rv_source`, to: `${target.dbName}.rv_view` }));
    expect(plain.code).toBe(48);
    const dropping = await failure(admin.command({ renameCollection: `${target.dbName}.rv_source`, to: `${target.dbName}.rv_view`, dropTarget: true }));
    expect(dropping.code).toBe(48);
    const kinds = Object.fromEntries((await db.listCollections({ name: { $in: ['rv_source', 'rv_view'] } }).toArray()).map((c) => [c.name, c.type]));
    expect(kinds).toEqual({ rv_source: 'collection', rv_view: 'view' });
    const fromView = await failure(admin.command({ renameCollection: `${target.dbName}.rv_view`, to: `${target.dbName}.rv_other` }));
    expect(fromView.code).toBe(166);
  });

  it('replaces a collection with dropTarget, and a dropped view frees its name for a rename', async () => {
    await coll('rv2_source').insertOne({ _id: 'new' });
    await coll('rv2_target').insertOne({ _id: 'old' });
    const admin = client.db('admin');
    await admin.command({ renameCollection: `${target.dbName}.rv2_source`, to: `${target.dbName}.rv2_target`, dropTarget: true });
    expect(await coll('rv2_target').find().toArray()).toEqual([{ _id: 'new' }]);
    await db.createCollection('rv2_view', { viewOn: 'rv2_target', pipeline: [] });
    await coll('rv2_view').drop();
    await admin.command({ renameCollection: `${target.dbName}.rv2_target`, to: `${target.dbName}.rv2_view` });
    expect(await coll('rv2_view').countDocuments()).toBe(1);
  });
});

describe('TTL indexes', () => {
  // Manual, "TTL Indexes": the monitor deletes documents whose indexed field is a date (or an array
  // of dates: the earliest counts) older than expireAfterSeconds; other values never expire; a
  // partial TTL index deletes only what its filter matches. ttlMonitorSleepSecs is runtime-settable
  // on current servers (jstests/noPassthrough/ttl_monitor_sleep_secs.js).
  it('deletes expired documents by itself, and only those', async () => {
    const past = new Date(Date.now() - 3_600_000);
    const future = new Date(Date.now() + 3_600_000);
    const c = coll('ttl_sessions');
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
    await c.insertMany([
      { _id: 'expired', at: past },
      { _id: 'future', at: future },
      { _id: 'not-a-date', at: past.toISOString() },
      { _id: 'no-field' },
      { _id: 'array-earliest-past', at: [future, past] },
    ]);
    const p = coll('ttl_partial');
    await p.createIndex({ at: 1 }, { expireAfterSeconds: 0, partialFilterExpression: { kind: 'temp' } });
    await p.insertMany([{ _id: 'temp', kind: 'temp', at: past }, { _id: 'kept', kind: 'keep', at: past }]);
    const ttlMetrics = async () => ((await client.db('admin').command({ serverStatus: 1 })).metrics as { ttl: { passes: unknown; deletedDocuments: unknown } }).ttl;
    const before = await ttlMetrics();
    await withParameter('ttlMonitorSleepSecs', 1, async () => {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && ((await c.countDocuments()) > 3 || (await p.countDocuments()) > 1)) await sleep(200);
    });
    // serverStatus.metrics.ttl counts the monitor's passes and the documents it deleted.
    const after = await ttlMetrics();
    expect(Number(after.passes)).toBeGreaterThan(Number(before.passes));
    expect(Number(after.deletedDocuments) - Number(before.deletedDocuments)).toBeGreaterThanOrEqual(3);
    expect((await c.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual(['future', 'no-field', 'not-a-date']);
    expect((await p.find().toArray()).map((d) => d._id)).toEqual(['kept']);
  });
});

describe('index specifications as current servers take and list them', () => {
  const specsOf = async (name: string) => Object.fromEntries((await db.collection(name).listIndexes().toArray()).map((ix) => [ix.name as string, ix]));

  // Manual "Text Indexes" / index_key_validate.cpp: a text index is kept as {_fts: 'text', _ftsx: 1}
  // with weights, default_language, language_override and textIndexVersion 3.
  it('lists a text index in its internal form, and takes that form back (as a dump holds it)', async () => {
    await db.collection('ix_text').createIndex({ title: 'text', body: 'text' }, { name: 'search' });
    const listed = (await specsOf('ix_text')).search;
    expect(listed.key).toEqual({ _fts: 'text', _ftsx: 1 });
    expect(listed.weights).toEqual({ title: 1, body: 1 });
    expect(listed).toMatchObject({ default_language: 'english', language_override: 'language', textIndexVersion: 3 });
    const { v: _v, ...again } = listed;
    await db.command({ createIndexes: 'ix_text_copy', indexes: [again] });
    const copy = (await specsOf('ix_text_copy')).search;
    expect(copy.key).toEqual(listed.key);
    expect(copy.weights).toEqual(listed.weights);
  });

  it('lists a 2dsphere index with its index version', async () => {
    await db.collection('ix_geo').createIndex({ loc: '2dsphere' });
    expect((await specsOf('ix_geo')).loc_2dsphere).toMatchObject({ key: { loc: '2dsphere' }, '2dsphereIndexVersion': 3 });
  });

  // index_key_validate.cpp: unknown fields → InvalidIndexSpecificationOption (197); v other than 1/2 → CannotCreateIndex (67).
  it('refuses options of old dumps that current servers do not know, and index version 0', async () => {
    const safe = await failure(db.command({ createIndexes: 'ix_old', indexes: [{ key: { a: 1 }, name: 'a_1', safe: null }] }));
    expect(safe.code).toBe(197);
    expect(safe.message).toMatch(/The field 'safe' is not valid for an index specification/);
    const v0 = await failure(db.command({ createIndexes: 'ix_old', indexes: [{ key: { a: 1 }, name: 'a_1', v: 0 }] }));
    expect(v0.code).toBe(67);
    await db.command({ createIndexes: 'ix_old', indexes: [{ key: { b: 1 }, name: 'b_1', ns: `${target.dbName}.ix_old`, background: true }] });
    const listed = (await specsOf('ix_old')).b_1;
    expect(listed.ns).toBeUndefined();
    expect(listed.key).toEqual({ b: 1 });
  });
});

describe('time-series collections', () => {
  // src/mongo/db/timeseries/README.md: `coll` (type 'timeseries') is backed by buckets in
  // `system.buckets.coll`; mongodump dumps the buckets (mongodump/prepare.go: "system.buckets."+name
  // +".bson") and mongorestore inserts them back into the buckets collection of a new time-series collection.
  it('lists the collection and its buckets, unpacks measurements, and takes bucket documents back', async () => {
    const t0 = new Date('2024-05-01T10:00:00Z');
    await db.createCollection('ts_weather', { timeseries: { timeField: 'ts', metaField: 'sensor' } });
    await coll('ts_weather').insertMany([
      { _id: 1, ts: t0, sensor: 'a', temp: 20 },
      { _id: 2, ts: new Date(t0.getTime() + 60_000), sensor: 'a', temp: 21 },
      { _id: 3, ts: t0, sensor: 'b', temp: 5 },
    ]);
    const listed = Object.fromEntries((await db.listCollections({ name: { $in: ['ts_weather', 'system.buckets.ts_weather'] } }).toArray()).map((c) => [c.name, c]));
    expect(listed.ts_weather.type).toBe('timeseries');
    expect((listed.ts_weather as { options?: Document }).options?.timeseries).toMatchObject({ timeField: 'ts', metaField: 'sensor', granularity: 'seconds' });
    expect(listed['system.buckets.ts_weather'].type).toBe('collection');
    const measurements = await coll('ts_weather').find({}, { sort: { _id: 1 } }).toArray();
    expect(measurements.map((m) => [m._id, m.sensor, m.temp])).toEqual([[1, 'a', 20], [2, 'a', 21], [3, 'b', 5]]);
    const buckets = await coll('system.buckets.ts_weather').find({}, { sort: { _id: 1 } }).toArray();
    expect(buckets.length).toBeGreaterThanOrEqual(2);
    for (const b of buckets) expect(b).toMatchObject({ control: { version: expect.anything() }, data: { ts: expect.anything() } });

    // As mongorestore does: a new time-series collection with the same options, and the buckets inserted as they were.
    await db.createCollection('ts_copy', { timeseries: { timeField: 'ts', metaField: 'sensor' } });
    await coll('system.buckets.ts_copy').insertMany(buckets);
    expect((await coll('ts_copy').find({}, { sort: { _id: 1 } }).toArray()).map((m) => [m._id, m.sensor, m.temp])).toEqual([[1, 'a', 20], [2, 'a', 21], [3, 'b', 5]]);
    await coll('ts_copy').drop();
    expect(await db.listCollections({ name: { $in: ['ts_copy', 'system.buckets.ts_copy'] } }).toArray()).toEqual([]);
  });
});

describe('size limits', () => {
  const MiB = 1024 * 1024;
  /** A document of exactly `size` bytes of BSON. */
  const sized = (id: number, size: number) => {
    const overhead = BSON.calculateObjectSize({ _id: id, pad: '' });
    return { _id: id, pad: 'p'.repeat(size - overhead) };
  };

  // hello: maxBsonObjectSize 16777216 — a document of exactly that size is accepted, a larger one is not.
  it('takes a document of exactly 16 MiB and gives it back; refuses one byte more', async () => {
    const c = coll('size_max');
    const max = sized(1, 16 * MiB);
    expect(BSON.calculateObjectSize(max)).toBe(16 * MiB);
    await c.insertOne(max);
    const [back] = (await c.find({}, { raw: true }).toArray()) as unknown as Buffer[];
    expect(back.length).toBe(16 * MiB);
    await expect(c.insertOne(sized(2, 16 * MiB + 1))).rejects.toThrow();
    expect(await c.countDocuments()).toBe(1);
  });

  // Manual "Cursors": a find/getMore batch holds at most 16 MiB (one larger document still comes alone).
  it('cuts a batch that would cross 16 MiB and hands the rest over in getMore', async () => {
    const c = coll('size_batch');
    await c.insertMany([1, 2, 3].map((i) => sized(i, 7 * MiB)));
    const first = await db.command({ find: 'size_batch', batchSize: 100, sort: { _id: 1 } });
    const firstBatch = first.cursor.firstBatch as unknown[];
    expect(firstBatch.length).toBe(2);
    const more = await db.command({ getMore: first.cursor.id, collection: 'size_batch' });
    expect((more.cursor.nextBatch as unknown[]).length).toBe(1);
  });

  // hello: maxMessageSizeBytes 48000000 — the driver splits an insertMany over 48 MB into several messages.
  it('takes an insertMany of more than 48 MB', async () => {
    const c = coll('size_many');
    const docs = Array.from({ length: 50 }, (_, i) => sized(i, MiB));
    const r = await c.insertMany(docs);
    expect(r.insertedCount).toBe(50);
    expect(await c.countDocuments()).toBe(50);
    await c.drop();
  });
});
