// Every BSON type, written through the driver and read back in raw mode, must come back byte for byte
// (DESIGN §5.5). Runs against the wire-protocol test double (or PCI_TEST_MONGODB_URI).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BSON, Binary, BSONRegExp, BSONSymbol, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, MongoClient,
  ObjectId, Timestamp, UUID, type Db, type Document,
} from 'mongodb';
import { openConformanceTarget, type ConformanceTarget } from '../support/mongo-wire/target';

let target: ConformanceTarget;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  target = await openConformanceTarget('pci_bson_smoke');
  client = new MongoClient(target.uri, { serverSelectionTimeoutMS: 5000 });
  db = client.db(target.dbName);
});

afterAll(async () => {
  await db?.dropDatabase().catch(() => undefined);
  await client?.close();
  await target?.close();
});

const NO_PROMOTION = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

function everyType(n: number): Document {
  return {
    _id: new ObjectId(),
    n: new Int32(n),
    double: new Double(3.141592653589793),
    negativeZero: new Double(-0),
    nan: new Double(NaN),
    infinity: new Double(-Infinity),
    integralDouble: new Double(42),
    string: 'päivää 👋 \u0000 inside',
    emptyString: '',
    object: { nested: { deeper: { value: 'x' } }, 'ünïcode key': 1 },
    emptyObject: {},
    array: [1, 'two', [3, [4, [5]]], { six: 6 }],
    emptyArray: [],
    binGeneric: new Binary(Buffer.from([0, 1, 2, 255]), Binary.SUBTYPE_DEFAULT),
    binFunction: new Binary(Buffer.from('f'), Binary.SUBTYPE_FUNCTION),
    binOldUuid: new Binary(Buffer.alloc(16, 3), Binary.SUBTYPE_UUID_OLD),
    binUuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e'),
    binMd5: new Binary(Buffer.alloc(16, 5), Binary.SUBTYPE_MD5),
    binColumn: new Binary(Buffer.from([7]), Binary.SUBTYPE_COLUMN),
    binSensitive: new Binary(Buffer.from([8]), Binary.SUBTYPE_SENSITIVE),
    binUser: new Binary(Buffer.from('user'), 0x80),
    binEmpty: new Binary(Buffer.alloc(0)),
    objectId: ObjectId.createFromHexString('65a1b2c3d4e5f60718293a4b'),
    yes: true,
    no: false,
    date: new Date('2024-02-29T12:34:56.789Z'),
    before1970: new Date('1901-12-13T20:45:52.000Z'),
    farFuture: new Date(8.64e15),
    nothing: null,
    regex: new BSONRegExp('^a.*b$', 'imsux'),
    jsRegex: /pci[0-9]+/i,
    code: new Code('function () { return 1; }'),
    codeWithScope: new Code('function () { return x; }', { x: 1 }),
    symbol: new BSONSymbol('sym'),
    int32Min: new Int32(-2147483648),
    timestamp: new Timestamp({ t: 4294967295, i: 1 }),
    int64: Long.fromString('-9223372036854775808'),
    int64Small: Long.fromNumber(5),
    decimal: Decimal128.fromString('0.000000000000000000000000000000001'),
    decimalNegZero: Decimal128.fromString('-0'),
    decimalNaN: Decimal128.fromString('NaN'),
    decimalInf: Decimal128.fromString('Infinity'),
    minKey: new MinKey(),
    maxKey: new MaxKey(),
    dbRef: new DBRef('other', new ObjectId('65a1b2c3d4e5f60718293a4c'), 'otherdb'),
  };
}

describe('BSON type fidelity through the driver', () => {
  it('returns every type byte for byte in raw mode, across batches', async () => {
    const coll = db.collection('every_type');
    const docs = [1, 2, 3].map(everyType);
    await coll.insertMany(docs);
    const raw = (await coll.find({}, { raw: true, batchSize: 1 }).toArray()) as unknown as Uint8Array[];
    expect(raw).toHaveLength(3);
    raw.forEach((bytes, i) => {
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(BSON.serialize(docs[i])).toString('hex'));
    });
  });

  it('keeps the bytes through a $match/$sort aggregation and a findOne', async () => {
    const coll = db.collection('every_type_agg');
    const docs = [5, 4].map(everyType);
    await coll.insertMany(docs);
    const raw = (await coll.aggregate([{ $match: { n: { $gte: 4 } } }, { $sort: { n: 1 } }], { raw: true }).toArray()) as unknown as Uint8Array[];
    expect(raw.map((b) => Buffer.from(b).toString('hex'))).toEqual([docs[1], docs[0]].map((d) => Buffer.from(BSON.serialize(d)).toString('hex')));
    const one = (await coll.findOne({ _id: docs[0]._id }, { raw: true })) as unknown as Uint8Array;
    expect(Buffer.from(one).equals(Buffer.from(BSON.serialize(docs[0])))).toBe(true);
  });

  it('survives a dump-and-restore round trip without promoting values', async () => {
    const source = db.collection('restore_src');
    const docs = [7, 8].map(everyType);
    await source.insertMany(docs);
    const dumped = (await source.find({}, { raw: true }).toArray()) as unknown as Uint8Array[];
    const restored = db.collection('restore_dst');
    await restored.insertMany(dumped.map((b) => BSON.deserialize(b, NO_PROMOTION)));
    const back = (await restored.find({}, { raw: true }).toArray()) as unknown as Uint8Array[];
    expect(back.map((b) => Buffer.from(b).toString('hex'))).toEqual(dumped.map((b) => Buffer.from(b).toString('hex')));
  });
});
