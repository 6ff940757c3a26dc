// Version-dependent MongoDB behaviour PCI Maintenance meets: `drop` of a missing collection, exact
// Decimal128 `_id`s, and the wire version a server announces for its version. Runs against the test
// double and, with PCI_TEST_MONGODB_URI, against a real mongod (target.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal128, Double, Int32, MongoClient, MongoServerError, type Db } from 'mongodb';
import { openConformanceTarget, type ConformanceTarget } from '../support/mongo-wire/target';

let target: ConformanceTarget;
let client: MongoClient;
let db: Db;
let major = 0;

beforeAll(async () => {
  target = await openConformanceTarget();
  client = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000 });
  await client.connect();
  db = client.db(target.dbName);
  major = Number.parseInt(String((await db.admin().command({ buildInfo: 1 })).version), 10);
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
  await target?.close();
});

describe('versions', () => {
  it('drops a collection that does not exist: ok from 7.0, NamespaceNotFound before', async () => {
    await db.collection('present').insertOne({ _id: 1 } as never);
    const reply = await db.command({ drop: 'never-created' }).then((r) => r, (e: unknown) => e);
    if (major >= 7) expect((reply as { ok: number }).ok).toBe(1);
    else expect((reply as MongoServerError).code).toBe(26);
  });

  it('announces the wire version of its server version', async () => {
    const hello = await db.admin().command({ isMaster: 1 });
    const version = String((await db.admin().command({ buildInfo: 1 })).version);
    const [maj, min] = version.split('.').map(Number);
    // MongoDB's wire_version.h: 4.4 → 9, 5.0 → 13 (+1 per 5.x), 6.0 → 17, 7.0 → 21, 8.0 → 25.
    const expected = maj === 4 ? 9 : maj >= 8 ? 25 + (maj - 8) * 4 + min : 13 + (maj - 5) * 4 + min;
    expect(hello.maxWireVersion).toBe(expected);
  });
});

describe('Decimal128 _id', () => {
  interface Dec { _id: Decimal128 | Double | Int32; label: string }

  it('keeps decimals that differ beyond double precision apart, and equal values together', async () => {
    const coll = db.collection<Dec>('decimals');
    await coll.insertMany([
      { _id: Decimal128.fromString('0.10000000000000001'), label: 'dec-0.10000000000000001' },
      { _id: Decimal128.fromString('0.1'), label: 'dec-0.1' },
      { _id: new Double(0.1), label: 'double-0.1' }, // 0.1000000000000000055511151231257827…
      { _id: Decimal128.fromString('7'), label: 'dec-7' },
    ]);
    const sorted = await coll.find().sort({ _id: 1 }).toArray();
    expect(sorted.map((d) => d.label)).toEqual(['dec-0.1', 'double-0.1', 'dec-0.10000000000000001', 'dec-7']);
    // 7, 7.0 and Decimal128("7.00") are one value: a duplicate _id.
    const dup = await coll.insertOne({ _id: new Int32(7), label: 'int-7' }).then(() => null, (e: unknown) => e as MongoServerError);
    expect(dup?.code).toBe(11000);
    const dupDec = await coll.insertOne({ _id: Decimal128.fromString('7.00'), label: 'dec-7.00' }).then(() => null, (e: unknown) => e as MongoServerError);
    expect(dupDec?.code).toBe(11000);
    expect(await coll.countDocuments({})).toBe(4);
  });

  it('filters by exact decimal value: $gt, $lt, equality, $in, and a resume filter with $or/$type', async () => {
    const coll = db.collection<Dec>('decimals');
    const labels = async (filter: object) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d.label);
    const tenth = Decimal128.fromString('0.1');
    expect(await labels({ _id: { $gt: tenth } })).toEqual(['double-0.1', 'dec-0.10000000000000001', 'dec-7']);
    expect(await labels({ _id: { $lt: Decimal128.fromString('0.10000000000000001') } })).toEqual(['dec-0.1', 'double-0.1']);
    expect(await labels({ _id: Decimal128.fromString('0.10000000000000001') })).toEqual(['dec-0.10000000000000001']);
    expect(await labels({ _id: { $in: [tenth, Decimal128.fromString('7.0')] } })).toEqual(['dec-0.1', 'dec-7']);
    expect(await labels({ _id: { $ne: tenth } })).toEqual(['double-0.1', 'dec-0.10000000000000001', 'dec-7']);
    // How a backup resumes after the last _id it received: later values of the same type bracket, or any later bracket.
    expect(await labels({ $or: [{ _id: { $gt: Decimal128.fromString('0.1000000000000000055511151231257828') } }, { _id: { $type: ['string', 'objectId'] } }] })).toEqual(['dec-0.10000000000000001', 'dec-7']);
  });
});
