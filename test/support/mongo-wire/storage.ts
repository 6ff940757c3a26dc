// In-memory storage of the TEST DOUBLE. Documents are kept as the exact BSON bytes the client sent
// (with `_id` moved first, as mongod does); decoded forms are derived lazily and never written back.
import { BSON, UUID, type Document, type Timestamp } from 'bson';
import { Query } from 'mingo';
import { CommandError } from './errors';
import { VersionLog, tsKey } from './history';
import { formatDocument, normalizeDoc, pathLeaves, valueKey } from './values';

/** Decoding that keeps every value's BSON type (Int32 vs Double vs Long, BSON regex, Binary). */
export const FIDELITY = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

// Building a mingo Query is costly; partial filters and validators are compiled once per spec object.
const queries = new WeakMap<Document, Query>();
function compiled(filter: Document): Query {
  let q = queries.get(filter);
  if (!q) {
    q = new Query(normalizeDoc(filter), {});
    queries.set(filter, q);
  }
  return q;
}

export class StoredDoc {
  private fidCache?: Document;
  private normCache?: Document;
  constructor(readonly bytes: Buffer) {}

  /** Decoded with every BSON type kept. */
  get fid(): Document {
    this.fidCache ??= BSON.deserialize(this.bytes, FIDELITY);
    return this.fidCache;
  }

  /** Plain-JS view for mingo (see values.normalize). */
  get norm(): Document {
    this.normCache ??= normalizeDoc(this.fid);
    return this.normCache;
  }

  get idKey(): string {
    return valueKey(this.fid._id);
  }
}

export interface IndexSpec extends Document {
  v: number;
  key: Document;
  name: string;
}

const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

export class Collection {
  readonly uuid = new UUID();
  readonly docs = new Map<string, StoredDoc>(); // insertion order = natural order
  indexes: IndexSpec[] = [ID_INDEX];
  private uniques = new Map<string, Map<string, string>>(); // index name → key → doc idKey
  /** Versions for snapshot reads (replica sets only; see history.ts). */
  log?: VersionLog;
  /**
   * Storage the collection has taken (bytes, the high-water mark of its data): like WiredTiger, space
   * freed by deletes stays allocated to the collection until `compact`, so collStats can report
   * storage far larger than the data after a big delete (maintenance.ts).
   */
  allocated = 0;
  private liveBytes = 0;
  /** `$indexStats` accesses per index name: user operations whose filter the index serves (maintenance.ts). */
  readonly indexAccess = new Map<string, { ops: number; since: Date }>([[ID_INDEX.name, { ops: 0, since: new Date() }]]);

  constructor(public db: string, public name: string, readonly options: Document = {}) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  get dataSize(): number {
    return this.liveBytes;
  }

  private grew(delta: number): void {
    this.liveBytes += delta;
    if (this.liveBytes > this.allocated) this.allocated = this.liveBytes;
  }

  /** Keys an index holds (multikey values each, sparse and partial indexes only what they index). */
  indexKeyCount(spec: IndexSpec): number {
    let n = 0;
    for (const doc of this.docs.values()) n += this.keysFor(spec, doc)?.length ?? 0;
    return n;
  }

  private keysFor(spec: IndexSpec, doc: StoredDoc): string[] | undefined {
    if (spec.partialFilterExpression && !compiled(spec.partialFilterExpression).test(doc.norm)) return undefined;
    const fields = Object.keys(spec.key);
    const perField = fields.map((f) => pathLeaves(doc.fid, f));
    if (spec.sparse && perField.every((vals) => vals.length === 0)) return undefined;
    // Cartesian product of the (multikey) values; a missing field indexes as null.
    let keys: unknown[][] = [[]];
    for (const vals of perField) keys = keys.flatMap((k) => (vals.length ? vals : [null]).map((v) => [...k, v]));
    return [...new Set(keys.map((k) => k.map(valueKey).join('|')))];
  }

  private duplicate(spec: IndexSpec, doc: StoredDoc): CommandError {
    const keyValue: Document = {};
    for (const f of Object.keys(spec.key)) keyValue[f] = pathLeaves(doc.fid, f)[0] ?? null;
    return new CommandError('DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: ${spec.name} dup key: ${formatDocument(keyValue)}`,
      { keyPattern: spec.key, keyValue });
  }

  /** Throws E11000 if `doc` collides with a document other than the one with `selfId`. */
  private checkUnique(doc: StoredDoc, selfId?: string): void {
    for (const spec of this.indexes) {
      const map = this.uniques.get(spec.name);
      if (!map) continue;
      for (const k of this.keysFor(spec, doc) ?? []) {
        const owner = map.get(k);
        if (owner !== undefined && owner !== selfId) throw this.duplicate(spec, doc);
      }
    }
  }

  private indexDoc(doc: StoredDoc, add: boolean): void {
    for (const spec of this.indexes) {
      const map = this.uniques.get(spec.name);
      if (!map) continue;
      for (const k of this.keysFor(spec, doc) ?? []) {
        if (add) map.set(k, doc.idKey);
        else map.delete(k);
      }
    }
  }

  insert(doc: StoredDoc): void {
    if (this.docs.has(doc.idKey)) throw this.duplicate(ID_INDEX, doc);
    this.checkUnique(doc);
    this.log?.record(doc.idKey, undefined);
    this.docs.set(doc.idKey, doc);
    this.grew(doc.bytes.length);
    this.indexDoc(doc, true);
    this.enforceCap();
  }

  replace(old: StoredDoc, next: StoredDoc): void {
    this.checkUnique(next, old.idKey);
    this.log?.record(old.idKey, old);
    this.indexDoc(old, false);
    this.docs.set(old.idKey, next); // same key: keeps its natural-order position
    this.grew(next.bytes.length - old.bytes.length);
    this.indexDoc(next, true);
  }

  delete(doc: StoredDoc): void {
    this.log?.record(doc.idKey, doc);
    this.indexDoc(doc, false);
    if (this.docs.delete(doc.idKey)) this.liveBytes -= doc.bytes.length;
  }

  /** Capped collections drop their oldest documents past `max` documents or `size` bytes. */
  private enforceCap(): void {
    if (!this.options.capped) return;
    const max = Number(this.options.max ?? 0);
    const size = Number(this.options.size ?? 0);
    let bytes = this.dataSize;
    for (const doc of this.docs.values()) {
      if (!((max > 0 && this.docs.size > max) || (size > 0 && bytes > size)) || this.docs.size <= 1) break;
      bytes -= doc.bytes.length;
      this.delete(doc);
    }
  }

  addIndex(spec: IndexSpec): void {
    if (spec.unique) {
      const map = new Map<string, string>();
      for (const doc of this.docs.values()) {
        for (const k of this.keysFor(spec, doc) ?? []) {
          if (map.has(k)) throw this.duplicate(spec, doc);
          map.set(k, doc.idKey);
        }
      }
      this.uniques.set(spec.name, map);
    }
    this.indexes.push(spec);
    this.indexAccess.set(spec.name, { ops: 0, since: new Date() });
  }

  dropIndex(name: string): void {
    this.indexes = this.indexes.filter((i) => i.name !== name);
    this.uniques.delete(name);
    this.indexAccess.delete(name);
  }

  /** Validator check on insert/update (query-operator validators; `$jsonSchema` is not evaluated). */
  validate(doc: StoredDoc, bypass: boolean): void {
    const { validator, validationLevel, validationAction } = this.options;
    if (bypass || !validator || validationLevel === 'off' || validationAction === 'warn') return;
    if (mentionsKey(validator, '$jsonSchema')) return;
    if (!compiled(validator as Document).test(doc.norm)) {
      throw new CommandError('DocumentValidationFailure', 'Document failed validation',
        { errInfo: { failingDocumentId: doc.fid._id, details: { operatorName: '$and', schemaRulesNotSatisfied: [] } } });
    }
  }
}

function mentionsKey(v: unknown, key: string): boolean {
  if (Array.isArray(v)) return v.some((x) => mentionsKey(x, key));
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => k === key || mentionsKey(x, key));
}

export interface View {
  kind: 'view';
  name: string;
  viewOn: string;
  pipeline: Document[];
  options: Document;
}

export class Database {
  readonly collections = new Map<string, Collection>();
  readonly views = new Map<string, View>();
  constructor(readonly name: string) {}

  get isEmpty(): boolean {
    return this.collections.size === 0 && this.views.size === 0;
  }
}

export function validateNames(db: string, coll?: string): void {
  if (!db || /[/\\. "$\0]/.test(db)) throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (coll !== undefined && (!coll || coll.includes('\0') || coll.startsWith('$') || coll.startsWith('.'))) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${coll}`);
  }
}

export class Storage {
  readonly dbs = new Map<string, Database>();
  /** Set on a replica set: collections keep versions for snapshot reads (history.ts). */
  history?: { clock: () => Timestamp; window: () => number };

  db(name: string): Database | undefined {
    return this.dbs.get(name);
  }

  collection(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.collections.get(name);
  }

  view(db: string, name: string): View | undefined {
    return this.dbs.get(db)?.views.get(name);
  }

  /** The collection to write into, created implicitly as mongod does; writing into a view fails. */
  writable(db: string, name: string): Collection {
    if (this.view(db, name)) throw new CommandError('CommandNotSupportedOnView', `Namespace ${db}.${name} is a view, not a collection`);
    return this.collection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Document): Collection {
    validateNames(db, name);
    const database = this.ensureDb(db);
    if (database.collections.has(name) || database.views.has(name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const coll = new Collection(db, name, options);
    if (this.history) coll.log = new VersionLog(this.history.clock, this.history.window, tsKey(this.history.clock()));
    database.collections.set(name, coll);
    return coll;
  }

  createView(db: string, view: View): void {
    validateNames(db, view.name);
    const database = this.ensureDb(db);
    if (database.collections.has(view.name) || database.views.has(view.name)) throw new CommandError('NamespaceExists', `Namespace ${db}.${view.name} already exists`);
    database.views.set(view.name, view);
  }

  /** Removes a collection or view; true when something was there. Empty databases disappear. */
  drop(db: string, name: string): boolean {
    const database = this.dbs.get(db);
    if (!database) return false;
    const found = database.collections.delete(name) || database.views.delete(name);
    if (database.isEmpty) this.dbs.delete(db);
    return found;
  }

  private ensureDb(name: string): Database {
    let database = this.dbs.get(name);
    if (!database) {
      database = new Database(name);
      this.dbs.set(name, database);
    }
    return database;
  }

  /** Moves a collection to a new namespace (also across databases), keeping documents and indexes. */
  rename(from: Collection, toDb: string, toName: string): void {
    validateNames(toDb, toName);
    this.drop(from.db, from.name);
    from.db = toDb;
    from.name = toName;
    this.ensureDb(toDb).collections.set(toName, from);
  }
}

/** Plausible on-disk sizes: WiredTiger allocates in 4 KiB pages. */
export function pageRound(bytes: number): number {
  return Math.max(4096, Math.ceil(bytes / 4096) * 4096);
}

export function indexSizes(coll: Collection): Record<string, number> {
  const out: Record<string, number> = {};
  for (const spec of coll.indexes) out[spec.name] = pageRound(coll.docs.size * 24 * Object.keys(spec.key).length);
  return out;
}
