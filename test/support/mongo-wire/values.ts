// BSON value semantics for the TEST DOUBLE: type-bracketed ordering, canonical keys for equality and
// uniqueness, dotted-path lookup, and the plain-JS "view" that mingo evaluates queries against.
import type { Binary, BSONRegExp, Code, Decimal128, Document, Long, ObjectId, Timestamp } from 'bson';
import { compareExact, exactKey, exactOf } from './numeric';

/** The `_bsontype` tag of a `bson` class instance, or undefined for plain values. */
export function bsonTypeOf(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const tag = (v as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

export function isPlainObject(v: unknown): v is Document {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v) &&
    bsonTypeOf(v) === undefined && !(v instanceof RegExp);
}

/** A numeric BSON value (double, int32, int64, decimal128) as a JS number; undefined if not numeric. */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  switch (bsonTypeOf(v)) {
    case 'Int32': case 'Double': return (v as { value: number }).value;
    case 'Long': return (v as Long).toNumber();
    case 'Decimal128': return Number((v as Decimal128).toString());
    default: return undefined;
  }
}

function toRegExp(re: BSONRegExp): RegExp | BSONRegExp {
  const flags = [...re.options].filter((f) => 'imsu'.includes(f)).join('');
  try {
    return new RegExp(re.pattern, flags);
  } catch {
    return re;
  }
}

/**
 * The view mingo matches against. mingo compares values of the same JS type only and compares
 * unknown classes by `toString()`, so numeric wrappers (Int32, Double, Long, Decimal128) become JS
 * numbers — which also makes 5, Int32(5), Long(5) and 5.0 equal, as in MongoDB. ObjectId keeps its
 * class: its `toString()` is the hex form, whose order equals byte order. Int64 beyond 2^53 and
 * Decimal128 lose precision here; stored bytes are never derived from this view.
 */
export function normalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(normalize);
  if (v instanceof Date || ArrayBuffer.isView(v) || v instanceof RegExp) return v;
  const tag = bsonTypeOf(v);
  if (tag === undefined) {
    const out: Document = {};
    for (const [k, val] of Object.entries(v)) out[k] = normalize(val);
    return out;
  }
  if (tag === 'BSONRegExp') return toRegExp(v as BSONRegExp);
  if (tag === 'BSONSymbol') return String((v as { value: unknown }).value);
  return asNumber(v) ?? v;
}

export function normalizeDoc(doc: Document): Document {
  return normalize(doc) as Document;
}

// MongoDB's comparison order of BSON types (docs: "Comparison/Sort Order").
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 2;
  if (typeof v === 'number' || typeof v === 'bigint') return 3;
  if (typeof v === 'string') return 4;
  if (typeof v === 'boolean') return 9;
  if (Array.isArray(v)) return 6;
  if (v instanceof Date) return 10;
  if (v instanceof RegExp) return 12;
  if (ArrayBuffer.isView(v)) return 7;
  switch (bsonTypeOf(v)) {
    case undefined: case 'DBRef': return 5;
    case 'MinKey': return 1;
    case 'Int32': case 'Double': case 'Long': case 'Decimal128': return 3;
    case 'BSONSymbol': return 4;
    case 'Binary': return 7;
    case 'ObjectId': return 8;
    case 'Timestamp': return 11;
    case 'BSONRegExp': return 12;
    case 'Code': return 13;
    case 'MaxKey': return 14;
    default: return 13;
  }
}

function numericOf(v: unknown): number | bigint {
  if (bsonTypeOf(v) === 'Long') {
    const big = (v as Long).toBigInt();
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return typeof v === 'bigint' ? v : asNumber(v) ?? NaN;
}

function cmp<T extends number | bigint | string>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNumbers(a: unknown, b: unknown): number {
  // Decimal128 holds 34 digits: compared exactly (numeric.ts), never through a JS number.
  if (bsonTypeOf(a) === 'Decimal128' || bsonTypeOf(b) === 'Decimal128') return compareExact(exactOf(a), exactOf(b));
  const x = numericOf(a);
  const y = numericOf(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return cmp(x, y);
  const nx = Number(x);
  const ny = Number(y);
  if (Number.isNaN(nx) || Number.isNaN(ny)) return Number.isNaN(nx) ? (Number.isNaN(ny) ? 0 : -1) : 1; // NaN sorts first
  return cmp(nx, ny);
}

function bytesOf(v: unknown): Buffer {
  if (bsonTypeOf(v) === 'Binary') return Buffer.from((v as Binary).buffer);
  const view = v as ArrayBufferView;
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value: unknown }).value);
}

/** Total order over BSON values, following MongoDB's type brackets then values (binary string order). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 3: return compareNumbers(a, b);
    case 4: return Buffer.compare(Buffer.from(stringOf(a)), Buffer.from(stringOf(b)));
    case 5: return compareObjects(a as Document, b as Document);
    case 6: return compareArrays(a as unknown[], b as unknown[]);
    case 7: {
      const [x, y] = [bytesOf(a), bytesOf(b)];
      const subA = bsonTypeOf(a) === 'Binary' ? (a as Binary).sub_type : 0;
      const subB = bsonTypeOf(b) === 'Binary' ? (b as Binary).sub_type : 0;
      return x.length - y.length || subA - subB || Buffer.compare(x, y);
    }
    case 8: return Buffer.compare(Buffer.from((a as ObjectId).id), Buffer.from((b as ObjectId).id));
    case 9: return Number(a) - Number(b);
    case 10: return cmp((a as Date).getTime(), (b as Date).getTime());
    case 11: return cmp((a as Timestamp).t, (b as Timestamp).t) || cmp((a as Timestamp).i, (b as Timestamp).i);
    case 12: return cmp(regexParts(a).join('/'), regexParts(b).join('/'));
    case 13: return cmp(String((a as Code).code), String((b as Code).code));
    default: return 0;
  }
}

function regexParts(v: unknown): [string, string] {
  return v instanceof RegExp ? [v.source, v.flags] : [(v as BSONRegExp).pattern, (v as BSONRegExp).options];
}

function compareObjects(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const d = typeRank(a[ka[i]]) - typeRank(b[kb[i]]) || cmp(ka[i], kb[i]) || compareValues(a[ka[i]], b[kb[i]]);
    if (d) return d;
  }
  return ka.length - kb.length;
}

function compareArrays(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compareValues(a[i], b[i]);
    if (d) return d;
  }
  return a.length - b.length;
}

function numberKey(v: unknown): string {
  return exactKey(v);
}

/**
 * A string that is equal for two values exactly when MongoDB considers them equal (5, 5.0 and
 * Long(5) share a key; field order of embedded documents matters). Used for `_id` lookup, unique
 * indexes and distinct.
 */
export function valueKey(v: unknown): string {
  const rank = typeRank(v);
  switch (rank) {
    case 1: return 'm-';
    case 2: return 'z';
    case 3: return `n${numberKey(v)}`;
    case 4: return `s${JSON.stringify(stringOf(v))}`;
    case 5: return `o{${Object.entries(v as Document).map(([k, x]) => `${JSON.stringify(k)}:${valueKey(x)}`).join(',')}}`;
    case 6: return `a[${(v as unknown[]).map(valueKey).join(',')}]`;
    case 7: return `x${bsonTypeOf(v) === 'Binary' ? (v as Binary).sub_type : 0}:${bytesOf(v).toString('base64')}`;
    case 8: return `i${(v as ObjectId).toHexString()}`;
    case 9: return `b${String(v)}`;
    case 10: return `d${(v as Date).getTime()}`;
    case 11: return `t${(v as Timestamp).toString()}`;
    case 12: return `r${JSON.stringify(regexParts(v))}`;
    case 14: return 'm+';
    default: return `c${JSON.stringify(String((v as Code).code))}`;
  }
}

/**
 * Values reached by a dotted path, MongoDB style: arrays met on the way are traversed element by
 * element (and a numeric component may index them). Missing paths give an empty list.
 */
export function pathValues(v: unknown, parts: readonly string[]): unknown[] {
  if (parts.length === 0) return [v];
  const [head, ...rest] = parts;
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    if (/^\d+$/.test(head) && Number(head) < v.length) out.push(...pathValues(v[Number(head)], rest));
    for (const el of v) if (isPlainObject(el)) out.push(...pathValues(el, parts));
    return out;
  }
  if (isPlainObject(v) && Object.prototype.hasOwnProperty.call(v, head)) return pathValues(v[head], rest);
  return [];
}

/** Leaf values of a path with leaf arrays expanded into their elements (index keys, distinct). */
export function pathLeaves(doc: Document, path: string): unknown[] {
  return pathValues(doc, path.split('.')).flatMap((x) => (Array.isArray(x) ? x : [x]));
}

/** mongod-like rendering of a key value in E11000 messages: `{ a: 1, b: "x" }`. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[ ${v.map(formatValue).join(', ')} ]`;
  if (v instanceof Date) return `new Date(${v.getTime()})`;
  switch (bsonTypeOf(v)) {
    case 'ObjectId': return `ObjectId('${(v as ObjectId).toHexString()}')`;
    case 'Double': {
      const n = (v as { value: number }).value;
      return Number.isInteger(n) ? n.toFixed(1) : String(n);
    }
    case 'Long': return `${String(v)}`;
    case 'Decimal128': return `Decimal128("${String(v)}")`;
    case undefined:
      if (isPlainObject(v)) return formatDocument(v);
  }
  const n = asNumber(v);
  return n !== undefined ? String(n) : String(v);
}

export function formatDocument(doc: Document): string {
  const entries = Object.entries(doc);
  return entries.length ? `{ ${entries.map(([k, x]) => `${k}: ${formatValue(x)}`).join(', ')} }` : '{}';
}
