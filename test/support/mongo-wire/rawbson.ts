// Byte-level BSON helpers: walk a document's elements and assemble replies around stored documents
// without decoding them, so every stored BSON value goes back to the client byte for byte.
import { BSON, ObjectId, type Document } from 'bson';
import { CommandError } from './errors';

export const BsonType = { double: 0x01, string: 0x02, object: 0x03, array: 0x04, objectId: 0x07 } as const;

export interface RawElement {
  type: number;
  name: string;
  /** Offset of the type byte: `doc.subarray(start, end)` is the whole element. */
  start: number;
  valueStart: number;
  end: number;
}

function cstringEnd(buf: Buffer, pos: number): number {
  const end = buf.indexOf(0, pos);
  if (end < 0) throw new CommandError('FailedToParse', 'unterminated cstring in BSON');
  return end;
}

function valueLength(type: number, buf: Buffer, pos: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8; // double, date, timestamp, int64
    case 0x02: case 0x0d: case 0x0e: return 4 + buf.readInt32LE(pos); // string, code, symbol
    case 0x03: case 0x04: case 0x0f: return buf.readInt32LE(pos); // document, array, code_w_scope
    case 0x05: return 5 + buf.readInt32LE(pos); // binary: length, subtype, bytes
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0; // undefined, null, maxKey, minKey
    case 0x07: return 12;
    case 0x08: return 1;
    case 0x0b: return cstringEnd(buf, cstringEnd(buf, pos) + 1) + 1 - pos; // regex: two cstrings
    case 0x0c: return 4 + buf.readInt32LE(pos) + 12; // DBPointer
    case 0x10: return 4;
    case 0x13: return 16;
    default: throw new CommandError('FailedToParse', `unknown BSON type 0x${type.toString(16)}`);
  }
}

/** Iterates the top-level elements of one BSON document. */
export function* elements(doc: Buffer): Generator<RawElement> {
  const size = doc.readInt32LE(0);
  let pos = 4;
  while (pos < size - 1) {
    const type = doc[pos];
    const nameEnd = cstringEnd(doc, pos + 1);
    const valueStart = nameEnd + 1;
    const end = valueStart + valueLength(type, doc, valueStart);
    yield { type, name: doc.toString('utf8', pos + 1, nameEnd), start: pos, valueStart, end };
    pos = end;
  }
}

export function findElement(doc: Buffer, name: string): RawElement | undefined {
  for (const el of elements(doc)) if (el.name === name) return el;
  return undefined;
}

/** The embedded documents of an array field, as slices of `doc` (no copy, no decode). */
export function arrayDocuments(doc: Buffer, field: string): Buffer[] | undefined {
  const el = findElement(doc, field);
  if (!el || el.type !== BsonType.array) return undefined;
  const arr = doc.subarray(el.valueStart, el.end);
  const out: Buffer[] = [];
  for (const item of elements(arr)) {
    if (item.type !== BsonType.object) throw new CommandError('TypeMismatch', `${field}.${item.name} must be a document`);
    out.push(arr.subarray(item.valueStart, item.end));
  }
  return out;
}

/** Wraps element bytes in a document: int32 length, elements, terminating zero. */
export function buildDocument(parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(body.length + 5);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/** One element from a name, a type byte and already-encoded value bytes. */
export function rawElement(name: string, type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), Buffer.from(`${name}\0`, 'utf8'), value]);
}

/** The elements of `doc` (serialized by `bson`) without the document framing, for splicing. */
export function elementsOf(doc: Document): Buffer {
  const bytes = BSON.serialize(doc);
  return Buffer.from(bytes.buffer, bytes.byteOffset + 4, bytes.length - 5);
}

export function rawArray(docs: Buffer[]): Buffer {
  return buildDocument(docs.map((d, i) => rawElement(String(i), BsonType.object, d)));
}

const ID_TYPES_REFUSED: Record<number, string> = { 0x04: 'array', 0x0b: 'regex', 0x06: 'undefined' };

/**
 * Makes `_id` the first field, as mongod does on insert: a missing `_id` becomes a new ObjectId, an
 * `_id` further down is moved to the front. The other elements keep their exact bytes.
 */
export function withIdFirst(doc: Buffer): Buffer {
  let id: RawElement | undefined;
  let index = 0;
  let idIndex = -1;
  for (const el of elements(doc)) {
    if (el.name === '_id') {
      id = el;
      idIndex = index;
      break;
    }
    index++;
  }
  if (id) {
    const refused = ID_TYPES_REFUSED[id.type];
    if (refused) throw new CommandError('BadValue', `can't use a${refused === 'array' ? 'n' : ''} ${refused} for _id`);
    if (idIndex === 0) return doc;
    const before = doc.subarray(4, id.start);
    const after = doc.subarray(id.end, doc.length - 1);
    return buildDocument([doc.subarray(id.start, id.end), before, after]);
  }
  const idElement = rawElement('_id', BsonType.objectId, Buffer.from(new ObjectId().id));
  return buildDocument([idElement, doc.subarray(4, doc.length - 1)]);
}
