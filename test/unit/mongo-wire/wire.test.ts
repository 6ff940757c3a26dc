// Framing and byte-level helpers of the MongoDB wire-protocol test double, checked without the driver.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BSON, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, type Document } from 'bson';
import { startMongoTestServer, type MongoTestServer } from '../../support/mongo-wire/index';
import { withIdFirst } from '../../support/mongo-wire/rawbson';
import { compareValues, valueKey } from '../../support/mongo-wire/values';
import { FrameReader, OP_MSG, OP_QUERY, OP_REPLY } from '../../support/mongo-wire/wire';

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(requestId: number, body: Document, sequence?: { id: string; docs: Document[] }): Buffer {
  const parts = [Buffer.alloc(4), Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (sequence) {
    const docs = Buffer.concat(sequence.docs.map((d) => Buffer.from(BSON.serialize(d))));
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + sequence.id.length + 1 + docs.length);
    parts.push(Buffer.from([1]), size, Buffer.from(`${sequence.id}\0`), docs);
  }
  const payload = Buffer.concat(parts);
  return Buffer.concat([header(16 + payload.length, requestId, OP_MSG), payload]);
}

function opQuery(requestId: number, collection: string, query: Document): Buffer {
  const payload = Buffer.concat([Buffer.alloc(4), Buffer.from(`${collection}\0`), Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), Buffer.from(BSON.serialize(query))]);
  return Buffer.concat([header(16 + payload.length, requestId, OP_QUERY), payload]);
}

/** Reads `count` replies from a raw socket: [opCode, responseTo, document]. */
function replies(socket: net.Socket, count: number): Promise<Array<[number, number, Document]>> {
  const reader = new FrameReader();
  const out: Array<[number, number, Document]> = [];
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        const opCode = frame.readInt32LE(12);
        const docStart = opCode === OP_REPLY ? 36 : 21;
        out.push([opCode, frame.readInt32LE(8), BSON.deserialize(frame.subarray(docStart))]);
        if (out.length === count) resolve(out);
      }
    });
  });
}

describe('wire framing', () => {
  let server: MongoTestServer;
  beforeAll(async () => {
    server = await startMongoTestServer();
  });
  afterAll(async () => server?.close());

  it('splits several messages in one chunk and joins one message spread over chunks', () => {
    const a = opMsg(1, { ping: 1, $db: 'admin' });
    const b = opMsg(2, { ping: 1, $db: 'admin' });
    const reader = new FrameReader();
    expect(reader.push(Buffer.concat([a, b.subarray(0, 3)]))).toHaveLength(1);
    for (let i = 3; i < b.length - 1; i++) expect(reader.push(b.subarray(i, i + 1))).toHaveLength(0);
    expect(reader.push(b.subarray(b.length - 1))).toEqual([b]);
  });

  it('answers a legacy OP_QUERY handshake with OP_REPLY and OP_MSG with OP_MSG, byte by byte', async () => {
    const socket = net.connect(server.port, server.host);
    const got = replies(socket, 3);
    const stream = Buffer.concat([
      opQuery(7, 'admin.$cmd', { isMaster: 1, helloOk: true }),
      opMsg(8, { insert: 'c', $db: 'u' }, { id: 'documents', docs: [{ _id: 1 }, { _id: 2, x: 'y' }] }),
      opMsg(9, { find: 'c', filter: { _id: 2 }, $db: 'u' }),
    ]);
    for (let i = 0; i < stream.length; i += 5) socket.write(stream.subarray(i, i + 5));
    const [hello, insert, find] = await got;
    socket.destroy();
    expect(hello[0]).toBe(OP_REPLY);
    expect(hello[1]).toBe(7);
    expect(hello[2]).toMatchObject({ ismaster: true, helloOk: true, maxWireVersion: 21, maxBsonObjectSize: 16 * 1024 * 1024, ok: 1 });
    expect(insert[0]).toBe(OP_MSG);
    expect(insert[2]).toEqual({ n: 2, ok: 1 });
    expect(find[2].cursor).toEqual({ id: 0, ns: 'u.c', firstBatch: [{ _id: 2, x: 'y' }] });
  });
});

describe('BSON helpers', () => {
  it('moves _id first and adds an ObjectId when missing, keeping other bytes', () => {
    const moved = BSON.deserialize(withIdFirst(Buffer.from(BSON.serialize({ a: 1, _id: 'k', b: 2 }))));
    expect(Object.keys(moved)).toEqual(['_id', 'a', 'b']);
    const added = BSON.deserialize(withIdFirst(Buffer.from(BSON.serialize({ a: 1 }))));
    expect(added._id).toBeInstanceOf(ObjectId);
    expect(() => withIdFirst(Buffer.from(BSON.serialize({ _id: [1] })))).toThrow(/array/);
  });

  it('orders values by BSON type bracket, then value', () => {
    const sorted = [new MaxKey(), new ObjectId('000000000000000000000001'), 'b', new Date(0), true, Long.fromNumber(2), null, new Double(1.5), { a: 1 }, [1], new MinKey()]
      .sort(compareValues)
      .map((v) => (v === null ? 'null' : typeof v === 'object' ? ((v as { _bsontype?: string })._bsontype ?? (Array.isArray(v) ? 'array' : v instanceof Date ? 'date' : 'object')) : String(v)));
    expect(sorted).toEqual(['MinKey', 'null', 'Double', 'Long', 'b', 'object', 'array', 'ObjectId', 'true', 'date', 'MaxKey']);
  });

  it('treats numerically equal values of different widths as one key', () => {
    const keys = new Set([5, new Int32(5), Long.fromNumber(5), new Double(5), Decimal128.fromString('5.0')].map(valueKey));
    expect(keys.size).toBe(1);
    expect(valueKey(-0)).toBe(valueKey(0));
    expect(valueKey({ a: 1, b: 2 })).not.toBe(valueKey({ b: 2, a: 1 }));
  });
});
