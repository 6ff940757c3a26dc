// Read engine of the TEST DOUBLE: filter (mingo), sort (BSON order), skip/limit, projection, and
// aggregation pipelines. Leading $match/$sort/$skip/$limit stages keep the stored bytes; anything after
// them is evaluated by mingo on the normalised view and re-encoded.
import { BSON, type Document } from 'bson';
import { Aggregator, ProcessingMode, Query } from 'mingo';
import { CommandError } from './errors';
import { exactFilter } from './exact-match';
import { StoredDoc } from './storage';
import { compareValues, isPlainObject, normalizeDoc, pathLeaves } from './values';

/** mingo throws plain errors for malformed queries; mongod answers BadValue-like codes. */
export function mingoGuard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CommandError) throw err;
    throw new CommandError('BadValue', err instanceof Error ? err.message : String(err));
  }
}

export function matcher(filter: Document | undefined): (doc: StoredDoc) => boolean {
  if (!filter || Object.keys(filter).length === 0) return () => true;
  const mingo = (part: Document): ((doc: StoredDoc) => boolean) => {
    const query = mingoGuard(() => new Query(normalizeDoc(part), {}));
    return (doc) => mingoGuard(() => query.test(doc.norm));
  };
  // Decimal128 operands are compared exactly (exact-match.ts), the rest by mingo.
  return exactFilter(filter, mingo) ?? mingo(filter);
}

/**
 * Sorts by MongoDB's BSON comparison order (compareValues), not mingo's: ids of mixed types (ObjectId,
 * string, numbers of any width) then order like mongod. An array field sorts by its smallest element
 * ascending and its largest descending; missing sorts as null. Stable, so ties keep natural order.
 */
export function sortDocs(docs: StoredDoc[], sort: Document | undefined): StoredDoc[] {
  const keys = Object.entries(sort ?? {}).filter(([, dir]) => !isPlainObject(dir)); // {$meta} sorts are ignored
  if (keys.length === 0) return docs;
  if (keys[0][0] === '$natural') return Number(keys[0][1]) < 0 ? [...docs].reverse() : docs;
  const dirs = keys.map(([, dir]) => (Number(dir) < 0 ? -1 : 1));
  const decorated = docs.map((doc) => ({
    doc,
    key: keys.map(([path], i) => {
      const leaves = pathLeaves(doc.fid, path);
      if (leaves.length === 0) return null;
      return leaves.reduce((best, v) => (compareValues(v, best) * dirs[i] < 0 ? v : best));
    }),
  }));
  decorated.sort((a, b) => {
    for (let i = 0; i < dirs.length; i++) {
      const d = compareValues(a.key[i], b.key[i]) * dirs[i];
      if (d) return d;
    }
    return 0;
  });
  return decorated.map((d) => d.doc);
}

type ProjectionTree = { [field: string]: ProjectionTree | true };

function projectionTree(spec: Document): { tree: ProjectionTree; inclusive: boolean; keepId: boolean } | undefined {
  const tree: ProjectionTree = {};
  let inclusive: boolean | undefined;
  let keepId = true;
  for (const [path, raw] of Object.entries(spec)) {
    const value = typeof raw === 'boolean' ? raw : Number(raw);
    if (typeof value === 'number' && Number.isNaN(value)) return undefined; // operator or expression
    const on = Boolean(value);
    if (path === '_id') {
      keepId = on;
      continue;
    }
    if (inclusive !== undefined && inclusive !== on) throw new CommandError('BadValue', `Cannot do ${inclusive ? 'exclusion' : 'inclusion'} on field ${path} in ${inclusive ? 'inclusion' : 'exclusion'} projection`);
    inclusive = on;
    let node = tree;
    const parts = path.split('.');
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = true;
      else node = (node[part] = node[part] === true ? {} : (node[part] ?? {})) as ProjectionTree;
    });
  }
  return { tree, inclusive: inclusive ?? keepId, keepId }; // {_id: 1} alone is an inclusion
}

function applyTree(value: unknown, tree: ProjectionTree, inclusive: boolean): unknown {
  if (Array.isArray(value)) return value.filter((v) => !inclusive || isPlainObject(v) || Array.isArray(v)).map((v) => applyTree(v, tree, inclusive));
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const [k, v] of Object.entries(value)) {
    const node = tree[k];
    if (node === true) {
      if (inclusive) out[k] = v;
    } else if (node) {
      if (isPlainObject(v) || Array.isArray(v)) out[k] = applyTree(v, node, inclusive);
      else if (!inclusive) out[k] = v;
    } else if (!inclusive) {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Projection on the type-preserving decode, keeping the document's field order as mongod does.
 * Projections with operators ($slice, $elemMatch, expressions) fall back to mingo.
 */
export function project(doc: Document, spec: Document): Document {
  const parsed = projectionTree(spec);
  if (!parsed) return mingoGuard(() => new Query({}, {}).find([normalizeDoc(doc)], normalizeDoc(spec)).all()[0] as Document);
  const { tree, inclusive, keepId } = parsed;
  const result = applyTree(doc, tree, inclusive) as Document;
  if (inclusive && keepId && '_id' in doc) return { _id: doc._id, ...result };
  if (!keepId) delete result._id;
  return result;
}

export interface FindSpec {
  filter?: Document;
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

export function find(docs: Iterable<StoredDoc>, spec: FindSpec): Buffer[] {
  const match = matcher(spec.filter);
  let out = sortDocs([...docs].filter(match), spec.sort);
  if (spec.skip) out = out.slice(spec.skip);
  if (spec.limit) out = out.slice(0, Math.abs(spec.limit));
  const projection = spec.projection;
  if (!projection || Object.keys(projection).length === 0) return out.map((d) => d.bytes);
  return out.map((d) => encode(project(d.fid, projection)));
}

export function encode(doc: Document): Buffer {
  return Buffer.from(BSON.serialize(doc, { ignoreUndefined: true }));
}

export interface PipelineEnv {
  /** Documents of another collection/view of the same database, for $lookup/$unionWith. */
  resolve(name: string): StoredDoc[];
}

const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream', '$currentOp', '$listSessions', '$indexStats']);

export function aggregate(docs: StoredDoc[], pipeline: Document[], env: PipelineEnv): Buffer[] {
  let current = docs;
  let i = 0;
  for (; i < pipeline.length; i++) {
    const [op, arg] = Object.entries(pipeline[i])[0] ?? [];
    if (op === '$match') current = current.filter(matcher(arg as Document));
    else if (op === '$sort') current = sortDocs(current, arg as Document);
    else if (op === '$skip') current = current.slice(Number(arg));
    else if (op === '$limit') current = current.slice(0, Number(arg));
    else break;
  }
  if (i === pipeline.length) return current.map((d) => d.bytes);
  const rest = pipeline.slice(i).map(normalizeDoc);
  for (const stage of rest) {
    const op = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES.has(op)) throw new CommandError('CommandNotSupported', `${op} is not supported by the MongoDB test double`);
  }
  const options = {
    processingMode: ProcessingMode.CLONE_INPUT, // the cached views must not be mutated
    collectionResolver: (name: string) => env.resolve(name).map((d) => d.norm),
  };
  const results = mingoGuard(() => new Aggregator(rest, options).run(current.map((d) => d.norm))) as Document[];
  // mongod's $project/$group/$addFields emit _id first; mingo appends it. $replaceRoot/$replaceWith keep their order.
  const reshaped = rest.some((stage) => '$replaceRoot' in stage || '$replaceWith' in stage);
  return results.map((r) => encode(reshaped || !('_id' in r) ? r : idFirst(r)));
}

function idFirst(doc: Document): Document {
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}
