// Reading a collection in `_id` order so that a read cut off by a dropped connection or a killed
// cursor can continue exactly after the last document received: no duplicate, no gap.
import { BSON, type Document } from 'bson';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';

const KEEP_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

/**
 * MongoDB compares values of different types by "type bracket" (numbers < strings < objects < binary
 * < ObjectId < booleans < dates < timestamps < regexes < MaxKey), and `$gt` only matches within the
 * bracket of its operand. A resumed read therefore asks for "greater _id in this bracket, or any _id
 * in a later bracket", so a collection with mixed `_id` types loses nothing after a resume.
 */
const BRACKETS: string[][] = [
  ['minKey'],
  ['null', 'undefined'],
  ['double', 'int', 'long', 'decimal'],
  ['string', 'symbol'],
  ['object'],
  ['array'],
  ['binData'],
  ['objectId'],
  ['bool'],
  ['date'],
  ['timestamp'],
  ['regex'],
  ['dbPointer', 'javascript', 'javascriptWithScope'],
  ['maxKey'],
];

function bracketOf(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === 'number' || typeof value === 'bigint') return 2;
  if (typeof value === 'string') return 3;
  if (typeof value === 'boolean') return 8;
  if (value instanceof Date) return 9;
  if (Array.isArray(value)) return 5;
  const tag = (value as { _bsontype?: string })._bsontype;
  switch (tag) {
    case 'MinKey':
      return 0;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 2;
    case 'BSONSymbol':
      return 3;
    case 'Binary':
      return 6;
    case 'ObjectId':
      return 7;
    case 'Timestamp':
      return 10;
    case 'BSONRegExp':
      return 11;
    case 'Code':
    case 'DBRef':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 4; // a plain (embedded) document
  }
}

/** The `_id` of a raw document, with its exact BSON type (Int32 stays Int32). */
export function rawId(doc: Uint8Array): unknown {
  return BSON.deserialize(doc, KEEP_TYPES)._id;
}

/** The filter that continues a read after the document whose `_id` is `lastId`. */
export function resumeFilter(lastId: unknown): Document {
  const later = BRACKETS.slice(bracketOf(lastId) + 1).flat();
  const after = { _id: { $gt: lastId } };
  return later.length > 0 ? { $or: [after, { _id: { $type: later } }] } : after;
}

/** Failures after which reading the collection again from the last `_id` is expected to work. */
export function isResumable(err: unknown): boolean {
  if (err instanceof MongoNetworkError || err instanceof MongoServerSelectionError) return true;
  if (err instanceof MongoServerError) {
    if (err.hasErrorLabel('RetryableReadError') || err.hasErrorLabel('ResumableChangeStreamError')) return true;
    // CursorNotFound, interrupted/shutdown, stepdown and "not primary" family, network-ish server codes.
    return [43, 6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436].includes(Number(err.code));
  }
  return false;
}

/** A snapshot read that the server can no longer serve (history window passed): continue without it. */
export function isSnapshotLost(err: unknown): boolean {
  return err instanceof MongoServerError && [239, 246].includes(Number(err.code)); // SnapshotTooOld, SnapshotUnavailable
}

/** A server that cannot do snapshot reads at all (standalone, or too old). */
export function isSnapshotUnsupported(err: unknown): boolean {
  if (!(err instanceof MongoServerError)) return /snapshot/i.test(err instanceof Error ? err.message : '');
  return [123, 72, 9, 115].includes(Number(err.code)) || /snapshot/i.test(err.message); // NotAReplicaSet, InvalidOptions, FailedToParse, CommandNotSupported
}
