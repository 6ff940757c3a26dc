// Hostile BSON documents built byte by byte (the driver cannot create several of them), and an insert
// that sends such bytes to a server as they are: a hand-made OP_MSG with a kind-1 "documents"
// sequence over plain TCP, so no driver re-encodes anything. Works against the test double and a
// real mongod without authentication.
import net from 'node:net';
import { BSON, Binary, BSONSymbol, Code, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, type Document } from 'bson';

const cstring = (s: string) => Buffer.from(`${s}\0`, 'utf8');
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const int64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return b;
};
const bsonString = (s: string) => Buffer.concat([int32(Buffer.byteLength(s) + 1), cstring(s)]);

/** One element: type byte, name, value bytes. */
export const el = (type: number, name: string, value: Buffer = Buffer.alloc(0)) => Buffer.concat([Buffer.from([type]), cstring(name), value]);

/** A document from elements, in exactly the given order (duplicates kept). */
export function doc(...elements: Buffer[]): Buffer {
  const body = Buffer.concat(elements);
  return Buffer.concat([int32(body.length + 5), body, Buffer.from([0])]);
}

/** The elements bson writes for `value` under `name` (for ordinary values). */
export const encoded = (name: string, value: unknown) => {
  const bytes = Buffer.from(BSON.serialize({ [name]: value }));
  return bytes.subarray(4, bytes.length - 1);
};

const id = (value: string) => el(0x02, '_id', bsonString(value));

/** Documents no JS round trip can write back exactly, each with why (the restore's words). */
export function inexactDocuments(): { name: string; bytes: Buffer; kind: string }[] {
  return [
    { name: 'undefined', kind: "'undefined' values", bytes: doc(id('undefined'), el(0x06, 'v')) },
    { name: 'dbpointer', kind: 'DBPointer values', bytes: doc(id('dbpointer'), el(0x0c, 'v', Buffer.concat([bsonString('other'), Buffer.from(new ObjectId('65a1b2c3d4e5f60718293a4b').id)]))) },
    { name: 'duplicate', kind: 'duplicate field names', bytes: doc(id('duplicate'), encoded('a', new Int32(1)), encoded('a', new Int32(2))) },
    { name: 'array52', kind: 'lists whose positions are not numbered', bytes: doc(id('array52'), el(0x04, 'v', doc(encoded('5', 'five'), encoded('2', 'two')))) },
    { name: 'date+2^62', kind: "dates outside JavaScript's range", bytes: doc(id('date+2^62'), el(0x09, 'v', int64(2n ** 62n))) },
    { name: 'date-2^62', kind: "dates outside JavaScript's range", bytes: doc(id('date-2^62'), el(0x09, 'v', int64(-(2n ** 62n)))) },
    { name: 'regex-xmi', kind: 'regular expressions whose flags are not in alphabetical order', bytes: doc(id('regex-xmi'), el(0x0b, 'v', Buffer.concat([cstring('^a b$'), cstring('xmi')]))) },
  ];
}

/** Documents that are hostile too but can (and must) be written back byte for byte. */
export function exactDocuments(): { name: string; bytes: Buffer }[] {
  const oldBinary = Buffer.concat([int32(7), Buffer.from([2]), int32(3), Buffer.from('abc')]); // subtype 2: inner length
  return [
    { name: '_id null', bytes: doc(el(0x0a, '_id'), encoded('v', 'the _id is null')) },
    { name: 'integer-like keys', bytes: doc(id('intkeys'), el(0x03, 'v', doc(encoded('b', new Int32(1)), encoded('2', new Int32(2)), encoded('1', new Int32(3))))) },
    { name: 'integer-like keys at the top', bytes: doc(id('topkeys'), encoded('z', new Int32(1)), encoded('10', new Int32(2)), encoded('9', new Int32(3))) },
    {
      name: 'ordinary tricky values',
      bytes: doc(
        id('ordinary'),
        encoded('int64', Long.fromString('-9223372036854775808')),
        encoded('decimal', Decimal128.fromString('-0.000000000000000000000000000000001')),
        encoded('negativeZero', new Double(-0)),
        encoded('nan', new Double(NaN)),
        encoded('bin0', new Binary(Buffer.from([0, 1, 255]), 0)),
        el(0x05, 'bin2', oldBinary),
        encoded('bin4', new Binary(Buffer.alloc(16, 7), 4)),
        encoded('bin80', new Binary(Buffer.from('user'), 0x80)),
        encoded('minKey', new MinKey()),
        encoded('maxKey', new MaxKey()),
        encoded('codeWithScope', new Code('function () { return x; }', { x: new Int32(1) })),
        encoded('symbol', new BSONSymbol('sym')),
        encoded('datesAtTheEdge', [new Date(8.64e15), new Date(-8.64e15)]),
        el(0x0b, 'regexSorted', Buffer.concat([cstring('^p.c$'), cstring('imsx')])),
      ),
    },
  ];
}

function opMsg(requestId: number, body: Document, documents: Buffer[]): Buffer {
  const docs = Buffer.concat(documents);
  const head = Buffer.alloc(16);
  const payload = Buffer.concat([int32(0), Buffer.from([0]), Buffer.from(BSON.serialize(body)), Buffer.from([1]), int32(4 + 'documents'.length + 1 + docs.length), cstring('documents'), docs]);
  head.writeInt32LE(16 + payload.length, 0);
  head.writeInt32LE(requestId, 4);
  head.writeInt32LE(2013, 12); // OP_MSG
  return Buffer.concat([head, payload]);
}

/** A field named "_bsontype" steers bson's serializer (here it would write an Int32): a Map avoids that. */
export const bsontypeDocument = () => doc(id('bsontype'), el(0x03, 'v', doc(el(0x02, '_bsontype', bsonString('Int32')), encoded('value', new Int32(5)))));

/** Insert `documents` exactly as given, over a raw connection; resolves with the server's reply. */
export function insertRawDocuments(host: string, port: number, database: string, collection: string, documents: Buffer[]): Promise<Document> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, host);
    let got = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 4 || got.length < got.readInt32LE(0)) return;
      socket.destroy();
      const reply = BSON.deserialize(got.subarray(21, got.readInt32LE(0)));
      if (reply.ok !== 1 || reply.writeErrors) reject(new Error(`insert refused: ${JSON.stringify(reply)}`));
      else resolve(reply);
    });
    socket.write(opMsg(1, { insert: collection, ordered: true, $db: database }, documents));
  });
}
