// Time-series collections of the TEST DOUBLE (MongoDB 5.0+), as src/mongo/db/timeseries/README.md
// describes them: `db.coll` is what the application sees (listCollections type 'timeseries', options
// {timeseries: {timeField, metaField, granularity, bucketMaxSpanSeconds}}), and the data lives in
// buckets in the collection `db.system.buckets.coll` (listed as a collection). Inserting into `db.coll`
// adds measurements to buckets {_id, control: {version: 1, min, max}, meta, data: {field: {"0": v, …}}};
// reading `db.coll` unpacks them. Secondary indexes are listed on `db.coll` in the form they were
// created. Inserting bucket documents into `system.buckets.coll` directly is allowed (mongorestore
// restores time-series collections that way: mongodump writes `system.buckets.coll.bson`).
// Simplifications: one bucket per meta value and time span (bucketMaxSpanSeconds), at most 1000
// measurements; no updates or deletes of measurements; no bucket compression.
import { BSON, Int32, ObjectId, type Document } from 'bson';
import { CommandError } from './errors';
import { FIDELITY, type Collection, type Database, type IndexSpec, type Storage, StoredDoc } from './storage';
import { valueKey } from './values';

export interface TimeseriesSpec {
  name: string;
  options: Document;
  indexes: IndexSpec[];
}

const SPANS: Record<string, number> = { seconds: 3600, minutes: 86400, hours: 2592000 };
const MAX_MEASUREMENTS = 1000;
const registry = new WeakMap<Database, Map<string, TimeseriesSpec>>();

export const BUCKETS_PREFIX = 'system.buckets.';

export function timeseriesOf(db: Database | undefined): Map<string, TimeseriesSpec> {
  if (!db) return new Map();
  let map = registry.get(db);
  if (!map) {
    map = new Map();
    registry.set(db, map);
  }
  return map;
}

export function findTimeseries(storage: Storage, db: string, name: string): TimeseriesSpec | undefined {
  return registry.get(storage.db(db) as Database)?.get(name);
}

/** `create` with a `timeseries` option: the view-like name and its buckets collection. */
export function createTimeseries(storage: Storage, db: string, name: string, options: Document): void {
  const ts = options.timeseries as Document;
  if (typeof ts.timeField !== 'string' || ts.timeField === '') throw new CommandError('FailedToParse', "BSON field 'create.timeseries.timeField' is missing but a required field");
  if (ts.metaField !== undefined && (typeof ts.metaField !== 'string' || ts.metaField === ts.timeField)) throw new CommandError('BadValue', "Invalid option 'metaField': must be a string other than the timeField");
  const granularity = typeof ts.granularity === 'string' ? ts.granularity : 'seconds';
  if (!(granularity in SPANS)) throw new CommandError('BadValue', `Enumeration value '${granularity}' for field 'create.timeseries.granularity' is not a valid value.`);
  const timeseries: Document = { timeField: ts.timeField, ...(ts.metaField ? { metaField: ts.metaField } : {}), granularity, bucketMaxSpanSeconds: new Int32(SPANS[granularity]) };
  const { timeseries: _t, ...rest } = options;
  if (storage.db(db)?.collections.has(name) || storage.db(db)?.views.has(name) || findTimeseries(storage, db, name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
  const buckets = storage.createCollection(db, `${BUCKETS_PREFIX}${name}`, { validator: { $jsonSchema: { bsonType: 'object', required: ['_id', 'control', 'data'] } }, clusteredIndex: true, timeseries });
  buckets.indexes = []; // clustered by _id: no separate _id index
  timeseriesOf(storage.db(db)).set(name, { name, options: { timeseries, ...rest }, indexes: [] });
}

export function bucketsOf(storage: Storage, db: string, ts: TimeseriesSpec): Collection {
  const coll = storage.collection(db, `${BUCKETS_PREFIX}${ts.name}`);
  if (!coll) throw new CommandError('NamespaceNotFound', `Timeseries buckets collection does not exist: ${db}.${BUCKETS_PREFIX}${ts.name}`);
  return coll;
}

/** Drops the time-series name and its buckets; true when it existed. */
export function dropTimeseries(storage: Storage, db: string, name: string): boolean {
  const map = registry.get(storage.db(db) as Database);
  if (!map?.has(name)) return false;
  map.delete(name);
  storage.drop(db, `${BUCKETS_PREFIX}${name}`);
  return true;
}

/** listCollections entries of the time-series names of a database. */
export function timeseriesEntries(database: Database | undefined): Document[] {
  return [...(registry.get(database as Database)?.values() ?? [])].map((ts) => ({ name: ts.name, type: 'timeseries', options: ts.options, info: { readOnly: false } }));
}

function minMax(acc: Document, doc: Document, pick: (a: unknown, b: unknown) => boolean): void {
  for (const [k, v] of Object.entries(doc)) if (!(k in acc) || pick(v, acc[k])) acc[k] = v;
}
const less = (a: unknown, b: unknown) => (a instanceof Date && b instanceof Date ? a < b : typeof a === 'number' && typeof b === 'number' ? a < b : false);
const more = (a: unknown, b: unknown) => less(b, a);

/** An ObjectId whose time part is the bucket's start, the rest unique (as the server makes them). */
function bucketId(start: Date): ObjectId {
  const bytes = Buffer.from(new ObjectId().id);
  bytes.writeUInt32BE(Math.floor(start.getTime() / 1000), 0);
  return new ObjectId(bytes);
}

/** Adds measurements (raw BSON) to buckets, as an insert into the time-series name does. */
export function insertMeasurements(storage: Storage, db: string, ts: TimeseriesSpec, raws: Buffer[]): void {
  const buckets = bucketsOf(storage, db, ts);
  const { timeField, metaField, bucketMaxSpanSeconds } = ts.options.timeseries as Document;
  const span = Number(bucketMaxSpanSeconds) * 1000;
  for (const raw of raws) {
    const m = BSON.deserialize(raw, FIDELITY);
    const time = m[timeField as string];
    if (!(time instanceof Date)) throw new CommandError({ code: 2, codeName: 'BadValue' }, `'${String(timeField)}' must be present and contain a valid BSON UTC datetime value`);
    const meta = metaField ? m[metaField as string] : undefined;
    const fields = Object.fromEntries(Object.entries(m).filter(([k]) => k !== metaField));
    const open = [...buckets.docs.values()].find((b) => {
      const f = b.fid;
      const start = (f.control.min[timeField as string] as Date).getTime();
      return valueKey(f.meta ?? null) === valueKey(meta ?? null) && time.getTime() >= start && time.getTime() < start + span && Object.keys(f.data[timeField as string] ?? {}).length < MAX_MEASUREMENTS;
    });
    if (!open) {
      const start = new Date(Math.floor(time.getTime() / 1000) * 1000);
      const bucket: Document = { _id: bucketId(start), control: { version: new Int32(1), min: { ...fields, [timeField as string]: start }, max: { ...fields } }, ...(metaField ? { meta } : {}), data: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, { '0': v }])) };
      buckets.insert(new StoredDoc(Buffer.from(BSON.serialize(bucket))));
      continue;
    }
    const b = open.fid;
    const n = String(Object.keys(b.data[timeField as string]).length);
    const data: Document = { ...b.data };
    for (const [k, v] of Object.entries(fields)) data[k] = { ...(data[k] ?? {}), [n]: v };
    const min = { ...b.control.min };
    const max = { ...b.control.max };
    minMax(min, fields, less);
    minMax(max, fields, more);
    buckets.replace(open, new StoredDoc(Buffer.from(BSON.serialize({ ...b, control: { ...b.control, min, max }, data }))));
  }
}

/** The measurements of the buckets, as reading the time-series name returns them. */
export function unpack(bucketDocs: StoredDoc[], ts: TimeseriesSpec): StoredDoc[] {
  const { timeField, metaField } = ts.options.timeseries as Document;
  const out: StoredDoc[] = [];
  for (const bucket of bucketDocs) {
    const b = bucket.fid;
    const columns = Object.entries(b.data as Document);
    const rows = Object.keys((b.data as Document)[timeField as string] ?? {});
    for (const i of rows) {
      const m: Document = {};
      for (const [field, column] of columns) if ((column as Document)[i] !== undefined) m[field] = (column as Document)[i];
      if (metaField && b.meta !== undefined) m[metaField as string] = b.meta;
      out.push(new StoredDoc(Buffer.from(BSON.serialize(m))));
    }
  }
  return out;
}
