// Writing back exactly the BSON bytes a backup holds (DESIGN §5.5). The Node driver has no supported
// way to insert pre-serialized BSON: `insertMany` serializes every document itself
// (node_modules/mongodb/src/bulk/ordered.ts, `addToOperationsList`: `BSON.serialize(document,
// {checkKeys, ignoreUndefined, serializeFunctions})`), and the only types that take raw bytes,
// `DocumentSequence` / `makeDocumentSequence` in src/cmap/commands.ts, are `@internal`. So each document
// is turned into a JS value and PROVEN faithful: serialized with the driver's own options, it must give
// the backed-up bytes again (Buffer.equals). A document that cannot pass is named, never altered.
import { BSON, type Document } from 'bson';
import type { Collection } from 'mongodb';
import { UserError } from '../../../shared/errors';

/** Decode without promoting values: a Double stays a Double, an Int64 an Int64, a regex a BSON regex. */
export const KEEP_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/** What the driver passes to `BSON.serialize` for an insert (bulk/ordered.ts; client defaults: no ignoreUndefined). */
const DRIVER_SERIALIZE = { checkKeys: false, ignoreUndefined: false, serializeFunctions: false } as const;

/**
 * Insert options that add nothing: without `forceServerObjectId` the driver gives a document whose
 * `_id` is null a new ObjectId (utils.ts, `maybeAddIdToDocuments`: `document._id == null`).
 */
export const EXACT_INSERT = { ordered: true, bypassDocumentValidation: true, forceServerObjectId: true } as const;

/**
 * Inserts decoded documents with EXACT_INSERT. A batch of one goes through insertOne: the driver's
 * insertMany refuses a document of exactly 16 MiB ("Document is larger than the maximum size
 * 16777216", it checks size >= maxBsonObjectSize), which MongoDB itself accepts.
 */
export async function insertExactly(coll: Collection, batch: Document[], bypassDocumentValidation = true): Promise<void> {
  if (batch.length === 0) return;
  if (batch.length === 1) await coll.insertOne(batch[0], { bypassDocumentValidation, forceServerObjectId: true });
  else await coll.insertMany(batch, { ...EXACT_INSERT, bypassDocumentValidation });
}

/** Why a document cannot be written back exactly through the driver. */
export type InexactKind = 'undefined' | 'dbpointer' | 'duplicate-field' | 'array-positions' | 'date-range' | 'regex-flags' | 'other';

export const INEXACT_WORDS: Record<InexactKind, string> = {
  undefined: "'undefined' values",
  dbpointer: 'DBPointer values',
  'duplicate-field': 'duplicate field names',
  'array-positions': 'lists whose positions are not numbered 0, 1, 2…',
  'date-range': "dates outside JavaScript's range",
  'regex-flags': 'regular expressions whose flags are not in alphabetical order',
  other: 'other values the database driver writes differently',
};

/** A document ready for `insertMany` (a Map where only a Map keeps the field order), or why it is not. */
export type Decoded = { ok: true; doc: Document } | { ok: false; kinds: InexactKind[] };

/** JavaScript dates hold ±8.64e15 ms; the BSON date beyond that becomes "Invalid Date" (written as 0). */
const MAX_DATE_MS = 8_640_000_000_000_000n;

function serializesTo(value: unknown, raw: Buffer): boolean {
  try {
    return raw.equals(BSON.serialize(value as Document, DRIVER_SERIALIZE));
  } catch {
    return false; // e.g. a field named "_bsontype" in a plain object
  }
}

/** The JS value for one BSON document, proven to serialize to exactly `raw`. */
export function decodeExact(raw: Buffer): Decoded {
  // Nearly every document passes this way; the walk below is for the rest.
  try {
    const doc = BSON.deserialize(raw, KEEP_TYPES);
    if (serializesTo(doc, raw)) return { ok: true, doc };
  } catch {
    // the walk says why
  }
  const kinds = new Set<InexactKind>();
  let doc: unknown;
  try {
    doc = build(raw, false, kinds);
  } catch {
    kinds.add('other');
  }
  if (kinds.size === 0 && serializesTo(doc, raw)) return { ok: true, doc: doc as Document };
  if (kinds.size === 0) kinds.add('other');
  return { ok: false, kinds: [...kinds] };
}

interface Element {
  type: number;
  name: string;
  valueStart: number;
  end: number;
}

function cstringEnd(buf: Buffer, pos: number): number {
  const end = buf.indexOf(0, pos);
  if (end < 0) throw new Error('unterminated text in BSON');
  return end;
}

function valueLength(type: number, buf: Buffer, pos: number): number {
  switch (type) {
    case 0x01: case 0x09: case 0x11: case 0x12: return 8; // double, date, timestamp, int64
    case 0x02: case 0x0d: case 0x0e: return 4 + buf.readInt32LE(pos); // string, code, symbol
    case 0x03: case 0x04: case 0x0f: return buf.readInt32LE(pos); // document, array, code with scope
    case 0x05: return 5 + buf.readInt32LE(pos); // binary: length, subtype, bytes
    case 0x06: case 0x0a: case 0x7f: case 0xff: return 0; // undefined, null, maxKey, minKey
    case 0x07: return 12;
    case 0x08: return 1;
    case 0x0b: return cstringEnd(buf, cstringEnd(buf, pos) + 1) + 1 - pos; // regex: two cstrings
    case 0x0c: return 4 + buf.readInt32LE(pos) + 12; // DBPointer: string, ObjectId
    case 0x10: return 4;
    case 0x13: return 16;
    default: throw new Error(`unknown BSON type 0x${type.toString(16)}`);
  }
}

/** The top-level elements of one BSON document, in their stored order. */
export function* elements(doc: Buffer): Generator<Element> {
  const size = doc.readInt32LE(0);
  let pos = 4;
  while (pos < size - 1) {
    const type = doc[pos];
    const nameEnd = cstringEnd(doc, pos + 1);
    const valueStart = nameEnd + 1;
    const end = valueStart + valueLength(type, doc, valueStart);
    if (end > size - 1) throw new Error('element runs past its document');
    yield { type, name: doc.toString('utf8', pos + 1, nameEnd), valueStart, end };
    pos = end;
  }
}

/** A document or array value built from its raw elements, noting whatever cannot come back exactly. */
function build(doc: Buffer, isArray: boolean, kinds: Set<InexactKind>): unknown {
  const entries: [string, unknown][] = [];
  const names = new Set<string>();
  for (const el of elements(doc)) {
    if (names.has(el.name)) kinds.add('duplicate-field');
    names.add(el.name);
    entries.push([el.name, valueOf(doc, el, kinds)]);
  }
  if (isArray) {
    if (entries.some(([name], i) => name !== String(i))) kinds.add('array-positions');
    return entries.map(([, v]) => v);
  }
  // JS objects put integer-like keys first, and "_bsontype"/"toBSON" steer the serializer; a Map
  // keeps any order and is serialized as a document.
  const obj: Document = {};
  for (const [k, v] of entries) Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
  const keys = Object.keys(obj);
  const plain = keys.length === entries.length && keys.every((k, i) => k === entries[i][0]) && !names.has('_bsontype') && !names.has('toBSON');
  return plain ? obj : new Map(entries);
}

function valueOf(doc: Buffer, el: Element, kinds: Set<InexactKind>): unknown {
  switch (el.type) {
    case 0x03:
    case 0x04:
      return build(doc.subarray(el.valueStart, el.end), el.type === 0x04, kinds);
    case 0x06:
      kinds.add('undefined'); // the serializer writes JS undefined as null
      return null;
    case 0x0c:
      kinds.add('dbpointer'); // decoded as a DBRef, which is written as {$ref, $id}
      return null;
    case 0x09: {
      const ms = doc.readBigInt64LE(el.valueStart);
      if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) kinds.add('date-range');
      break;
    }
    case 0x0b: {
      const patternEnd = cstringEnd(doc, el.valueStart);
      const flags = doc.toString('utf8', patternEnd + 1, el.end - 1);
      if (flags !== [...flags].sort().join('')) kinds.add('regex-flags'); // the serializer sorts them
      break;
    }
  }
  return leaf(doc.subarray(el.valueStart, el.end), el.type);
}

/** One value decoded by bson itself, from a one-element document with an empty name. */
function leaf(value: Buffer, type: number): unknown {
  const wrapper = Buffer.alloc(4 + 1 + 1 + value.length + 1);
  wrapper.writeInt32LE(wrapper.length, 0);
  wrapper[4] = type;
  value.copy(wrapper, 6);
  return BSON.deserialize(wrapper, KEEP_TYPES)[''];
}

/** Documents of one collection that cannot be written back exactly. */
export interface InexactCollection {
  name: string;
  docs: number;
  kinds: InexactKind[];
}

/** Counts, per collection, the documents `decodeExact` refused and why. */
export class InexactTally {
  private readonly byName = new Map<string, { docs: number; kinds: Set<InexactKind> }>();

  add(collection: string, kinds: InexactKind[]): void {
    const t = this.byName.get(collection) ?? { docs: 0, kinds: new Set<InexactKind>() };
    t.docs += 1;
    kinds.forEach((k) => t.kinds.add(k));
    this.byName.set(collection, t);
  }

  get collections(): InexactCollection[] {
    const order = Object.keys(INEXACT_WORDS) as InexactKind[];
    return [...this.byName].map(([name, t]) => ({ name, docs: t.docs, kinds: order.filter((k) => t.kinds.has(k)) }));
  }
}

const list = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** "3 documents in the collection "files" hold values this restore cannot write back exactly: …" */
export function inexactSentence(c: InexactCollection): string {
  const docs = c.docs === 1 ? '1 document' : `${c.docs.toLocaleString('en-US')} documents`;
  return `${docs} in the collection "${c.name}" ${c.docs === 1 ? 'holds' : 'hold'} values this restore cannot write back exactly: ${list(c.kinds.map((k) => INEXACT_WORDS[k]))}.`;
}

/** The restore's refusal, before anything is changed. */
export function inexactError(found: InexactCollection[]): UserError {
  return new UserError({
    code: 'NOT_AVAILABLE',
    title: 'Some documents cannot be restored exactly',
    message: `${found.map(inexactSentence).join(' ')} Nothing was changed.`,
    hint:
      `Restore the other collections only ("Choose what to restore", or --collections), or export this restore point as a mongodump folder ("Export", or pci-maint export) and restore ${found.length === 1 ? 'that collection' : 'those collections'} with mongorestore, which writes documents byte for byte.`,
    details: found.map((c) => `${c.name}: ${c.docs} document(s): ${c.kinds.join(', ')}`).join('\n'),
  });
}
