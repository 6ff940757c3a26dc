// Update semantics of the TEST DOUBLE. Operators are applied by mingo to the normalised view; the
// result is then "re-typed" against the stored document so values the update did not touch keep
// their exact BSON types (an Int64 stays an Int64), and $inc on an Int64/Double/Decimal128 keeps
// that type. Replacement documents are taken as sent.
import { Decimal128, Double, Int32, Long, type Document } from 'bson';
import { Aggregator, updateMany as mingoUpdateMany } from 'mingo';
import { CommandError } from './errors';
import { mingoGuard } from './query';
import { bsonTypeOf, isPlainObject, normalize, normalizeDoc, pathValues, valueKey } from './values';

export function isOperatorUpdate(u: unknown): boolean {
  return isPlainObject(u) && Object.keys(u).some((k) => k.startsWith('$'));
}

function cloneContainers(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneContainers);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneContainers(x)]));
  return v;
}

const INT32_MAX = 2 ** 31 - 1;

/** A computed number gets the numeric BSON type the old value had (int32 overflowing to int64, as mongod). */
function retypeNumber(n: number, oldFid: unknown): unknown {
  switch (bsonTypeOf(oldFid)) {
    case 'Long': return Number.isInteger(n) ? Long.fromNumber(n) : new Double(n);
    case 'Double': return new Double(n);
    case 'Decimal128': return Decimal128.fromString(String(n));
    case 'Int32':
      if (!Number.isInteger(n)) return new Double(n);
      return Math.abs(n) <= INT32_MAX ? new Int32(n) : Long.fromNumber(n);
    default: return n;
  }
}

/** Walks the updated view; wherever it still holds the old (normalised) value, the old typed value is used. */
function retype(next: unknown, oldNorm: unknown, oldFid: unknown): unknown {
  if (next === oldNorm && oldFid !== undefined) return oldFid;
  if (Array.isArray(next)) {
    return next.map((v, i) => retype(v, Array.isArray(oldNorm) ? oldNorm[i] : undefined, Array.isArray(oldFid) ? oldFid[i] : undefined));
  }
  if (isPlainObject(next)) {
    const out: Document = {};
    const normObj = isPlainObject(oldNorm) ? oldNorm : {};
    const fidObj = isPlainObject(oldFid) ? oldFid : {};
    for (const [k, v] of Object.entries(next)) out[k] = retype(v, normObj[k], fidObj[k]);
    return out;
  }
  if (typeof next === 'number') return retypeNumber(next, oldFid);
  return next;
}

const ARITHMETIC = ['$inc', '$mul'];

function checkArithmetic(modifier: Document, doc: Document): void {
  for (const op of ARITHMETIC) {
    for (const path of Object.keys((modifier[op] as Document | undefined) ?? {})) {
      const current = pathValues(doc, path.split('.'))[0];
      if (current !== undefined && current !== null && typeof current !== 'number') {
        throw new CommandError('TypeMismatch', `Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc._id)}} has the field '${path.split('.').pop()}' of non-numeric type ${typeof current}`);
      }
    }
  }
}

export interface UpdateOptions {
  arrayFilters?: Document[];
  /** True when the update builds a new document for an upsert ($setOnInsert applies). */
  inserting: boolean;
}

export interface UpdateTarget {
  /** Type-preserving decode of the document. */
  fid: Document;
  /** Its normalised view (values.normalize), if already at hand. */
  norm?: Document;
}

/**
 * Applies an operator document or an aggregation-pipeline update to each target, returning the new
 * type-preserving documents. All targets go through one mingo call: building mingo's operator context
 * costs far more than applying an update, and a multi-update may touch thousands of documents.
 */
export function applyUpdates(targets: UpdateTarget[], u: Document | Document[], opts: UpdateOptions): Document[] {
  const olds = targets.map((t) => t.norm ?? normalizeDoc(t.fid));
  const work = olds.map((o) => cloneContainers(o) as Document);
  let next: Document[];
  if (Array.isArray(u)) {
    const pipeline = u.map(normalizeDoc);
    next = mingoGuard(() => new Aggregator(pipeline, {}).run(work) as Document[]);
  } else {
    // $set values keep their BSON types (they are only placed, never compared); other operators see numbers.
    const modifier: Document = {};
    for (const [op, arg] of Object.entries(u)) {
      if (op === '$setOnInsert') {
        if (opts.inserting) modifier.$set = { ...(modifier.$set as Document | undefined), ...(arg as Document) };
      } else if (op === '$set') {
        modifier.$set = { ...(modifier.$set as Document | undefined), ...(arg as Document) };
      } else {
        modifier[op] = normalize(arg);
      }
    }
    work.forEach((doc) => checkArithmetic(modifier, doc));
    if (Object.keys(modifier).length > 0 && work.length > 0) {
      const arrayFilters = opts.arrayFilters?.map(normalizeDoc);
      mingoGuard(() => mingoUpdateMany(work, {}, modifier, { arrayFilters, cloneMode: 'none' }));
    }
    next = work;
  }
  return next.map((doc, i) => {
    const result = retype(doc, olds[i], targets[i].fid) as Document;
    if (!opts.inserting && valueKey(result._id) !== valueKey(targets[i].fid._id)) {
      throw new CommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
    }
    return result;
  });
}

/** A replacement keeps the old `_id` (first, as mongod stores it); changing `_id` is refused. */
export function applyReplacement(oldFid: Document | undefined, replacement: Document): Document {
  if (oldFid && '_id' in replacement && valueKey(replacement._id) !== valueKey(oldFid._id)) {
    throw new CommandError('ImmutableField', "After applying the update, the (immutable) field '_id' was found to have been altered");
  }
  if (!oldFid) return replacement;
  const { _id: _ignored, ...rest } = replacement;
  return { _id: oldFid._id, ...rest };
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(node[part])) node[part] = {};
    node = node[part] as Document;
  }
  node[parts[parts.length - 1]] = value;
}

/** The document an upsert starts from: the query's equality conditions (mongod's "seed"). */
export function upsertSeed(query: Document): Document {
  const seed: Document = {};
  const visit = (q: Document): void => {
    for (const [k, v] of Object.entries(q)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((sub) => isPlainObject(sub) && visit(sub));
      if (k.startsWith('$')) continue;
      if (isPlainObject(v) && Object.keys(v).some((x) => x.startsWith('$'))) {
        if ('$eq' in v) setPath(seed, k, v.$eq);
      } else {
        setPath(seed, k, v);
      }
    }
  };
  visit(query);
  return seed;
}
