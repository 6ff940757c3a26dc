// Catalog commands of the TEST DOUBLE: databases, collections, views and indexes, with mongod's errors.
import { BSON, type Document } from 'bson';
import type { CommandContext, Handler } from '../context';
import { allowed, touchesDatabase, unauthorized } from '../auth-roles';
import { CommandError } from '../errors';
import { normalizeIndexSpec } from '../index-specs';
import { createTimeseries, dropTimeseries, findTimeseries, timeseriesEntries } from '../timeseries';
import { matcher } from '../query';
import { type Collection, indexSizes, pageRound, StoredDoc } from '../storage';
import { isPlainObject, valueKey } from '../values';
import { collectionArg, docArg, ns, num } from './common';

/** mongod always has these; the double lists them (empty) so database pickers see what they would see. */
const SYSTEM_DBS: Record<string, number> = { admin: 40960, config: 12288, local: 73728 };

// Generic command fields that are not collection options.
const GENERIC = new Set(['lsid', 'writeConcern', 'comment', 'txnNumber', 'autocommit', 'startTransaction', 'readConcern', 'maxTimeMS', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

export function collStats(coll: Collection, scale = 1): Document {
  const size = coll.dataSize;
  const sizes = indexSizes(coll);
  const totalIndexSize = Object.values(sizes).reduce((a, b) => a + b, 0);
  // Deleted documents leave their space allocated (storage.ts `allocated`), reported as free storage.
  const storageSize = pageRound(Math.max(size, coll.allocated));
  const scaled = (n: number): number => Math.floor(n / scale);
  return {
    ns: coll.ns, size: scaled(size), count: coll.docs.size, avgObjSize: coll.docs.size ? Math.floor(size / coll.docs.size) : 0,
    storageSize: scaled(storageSize), freeStorageSize: scaled(storageSize - pageRound(size)), capped: Boolean(coll.options.capped),
    ...(coll.options.capped ? { max: num(coll.options.max) ?? 0, maxSize: scaled(num(coll.options.size) ?? 0) } : {}),
    nindexes: coll.indexes.length, indexBuilds: [], totalIndexSize: scaled(totalIndexSize), totalSize: scaled(storageSize + totalIndexSize),
    indexSizes: Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k, scaled(v)])), scaleFactor: scale,
  };
}

function existingCollection(ctx: CommandContext, name: string, missing: string): Collection {
  const coll = ctx.server.storage.collection(ctx.db, name);
  if (coll) return coll;
  if (ctx.server.storage.view(ctx.db, name)) throw new CommandError('CommandNotSupportedOnView', `Namespace ${ns(ctx.db, name)} is a view, not a collection`);
  throw new CommandError('NamespaceNotFound', missing);
}

const listDatabases: Handler = (ctx) => {
  const { storage } = ctx.server;
  const entries: Document[] = [];
  const names = new Set([...Object.keys(SYSTEM_DBS), ...storage.dbs.keys()]);
  for (const name of [...names].sort()) {
    const db = storage.db(name);
    let size = SYSTEM_DBS[name] ?? 0;
    for (const coll of db?.collections.values() ?? []) size += collStats(coll).totalSize as number;
    entries.push({ name, sizeOnDisk: size, empty: size === 0 });
  }
  // Without the listDatabases action a user sees the databases it has privileges on (authorizedDatabases).
  const privileges = ctx.server.privileges(ctx.conn);
  const mayListAll = !privileges || allowed(privileges, { cluster: true }, 'listDatabases');
  const authorizedOnly = ctx.body.authorizedDatabases === true || (ctx.body.authorizedDatabases === undefined && !mayListAll);
  if (ctx.body.authorizedDatabases === false && !mayListAll) throw unauthorized(ctx.db, ctx.body);
  const visible = authorizedOnly && privileges ? entries.filter((e) => touchesDatabase(privileges, String(e.name))) : entries;
  const filter = docArg(ctx, 'filter');
  const selected = filter ? visible.filter((e) => matcher(filter)(new StoredDoc(Buffer.from(BSON.serialize(e))))) : visible;
  if (ctx.body.nameOnly) return { databases: selected.map((e) => ({ name: e.name })) };
  const totalSize = selected.reduce((a, e) => a + (e.sizeOnDisk as number), 0);
  return { databases: selected, totalSize, totalSizeMb: Math.floor(totalSize / 2 ** 20) };
};

const dbStats: Handler = (ctx) => {
  const scale = num(ctx.body.scale) ?? 1;
  const db = ctx.server.storage.db(ctx.db);
  const colls = [...(db?.collections.values() ?? [])].map((c) => collStats(c));
  const sum = (k: string): number => colls.reduce((a, c) => a + (c[k] as number), 0);
  const objects = sum('count');
  const dataSize = sum('size');
  const storageSize = sum('storageSize');
  const indexSize = sum('totalIndexSize');
  const scaled = (n: number): number => Math.floor(n / scale);
  return {
    db: ctx.db, collections: colls.length, views: db?.views.size ?? 0, objects, avgObjSize: objects ? dataSize / objects : 0,
    dataSize: scaled(dataSize), storageSize: scaled(storageSize), indexes: sum('nindexes'), indexSize: scaled(indexSize),
    totalSize: scaled(storageSize + indexSize), scaleFactor: scale, fsUsedSize: 0, fsTotalSize: 0,
  };
};

const collStatsCommand: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const coll = existingCollection(ctx, name, `Collection [${ns(ctx.db, name)}] not found.`);
  return collStats(coll, num(ctx.body.scale) ?? 1);
};

function catalogEntries(ctx: CommandContext): Document[] {
  const db = ctx.server.storage.db(ctx.db);
  const entries: Document[] = [];
  for (const coll of db?.collections.values() ?? []) {
    entries.push({ name: coll.name, type: 'collection', options: coll.options, info: { readOnly: false, uuid: coll.uuid }, idIndex: { v: 2, key: { _id: 1 }, name: '_id_' } });
  }
  for (const view of db?.views.values() ?? []) {
    entries.push({ name: view.name, type: 'view', options: { viewOn: view.viewOn, pipeline: view.pipeline, ...view.options }, info: { readOnly: true } });
  }
  entries.push(...timeseriesEntries(db));
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const listCollections: Handler = (ctx) => {
  const filter = docArg(ctx, 'filter');
  const test = matcher(filter);
  const docs = catalogEntries(ctx)
    .map((e) => new StoredDoc(Buffer.from(BSON.serialize(e))))
    .filter(test)
    .map((d) => (ctx.body.nameOnly ? Buffer.from(BSON.serialize({ name: d.fid.name, type: d.fid.type })) : d.bytes));
  const batchSize = num(docArg(ctx, 'cursor')?.batchSize);
  return ctx.server.cursors.first({ ns: `${ctx.db}.$cmd.listCollections`, docs, data: false }, { batchSize });
};

const create: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const options: Document = {};
  for (const [k, v] of Object.entries(ctx.body)) if (k !== ctx.name && !k.startsWith('$') && !GENERIC.has(k)) options[k] = v;
  if (options.viewOn !== undefined) {
    if (typeof options.viewOn !== 'string') throw new CommandError('TypeMismatch', "'viewOn' must be a string");
    const { viewOn, pipeline, ...rest } = options;
    ctx.server.storage.createView(ctx.db, { kind: 'view', name, viewOn, pipeline: Array.isArray(pipeline) ? pipeline : [], options: rest });
    return {};
  }
  if (findTimeseries(ctx.server.storage, ctx.db, name)) throw new CommandError('NamespaceExists', `Collection ${ns(ctx.db, name)} already exists.`);
  if (options.timeseries !== undefined) {
    createTimeseries(ctx.server.storage, ctx.db, name, options);
    return {};
  }
  if (options.capped && num(options.size) === undefined) throw new CommandError('InvalidOptions', "the 'size' field is required when 'capped' is true");
  ctx.server.storage.createCollection(ctx.db, name, options);
  return {};
};

const drop: Handler = (ctx) => {
  const name = collectionArg(ctx);
  if (dropTimeseries(ctx.server.storage, ctx.db, name)) return { ns: ns(ctx.db, name) };
  const coll = ctx.server.storage.collection(ctx.db, name);
  if (!ctx.server.storage.drop(ctx.db, name)) {
    // MongoDB 7.0 answers ok for a collection that does not exist; earlier servers NamespaceNotFound.
    if (Number.parseInt(ctx.server.config.serverVersion, 10) >= 7) return {};
    throw new CommandError('NamespaceNotFound', 'ns not found');
  }
  return coll ? { nIndexesWas: coll.indexes.length, ns: coll.ns } : { ns: ns(ctx.db, name) };
};

const dropDatabase: Handler = (ctx) => {
  ctx.server.storage.dbs.delete(ctx.db);
  return { dropped: ctx.db };
};

function splitNs(full: unknown): [string, string] {
  const s = String(full);
  const dot = s.indexOf('.');
  if (dot <= 0 || dot === s.length - 1) throw new CommandError('InvalidNamespace', `Invalid namespace specified '${s}'`);
  return [s.slice(0, dot), s.slice(dot + 1)];
}

const renameCollection: Handler = (ctx) => {
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const [fromDb, fromName] = splitNs(ctx.body.renameCollection);
  const [toDb, toName] = splitNs(ctx.body.to);
  const { storage } = ctx.server;
  const source = storage.collection(fromDb, fromName);
  if (!source) {
    if (storage.view(fromDb, fromName)) throw new CommandError('CommandNotSupportedOnView', `cannot rename view: ${fromDb}.${fromName}`);
    throw new CommandError('NamespaceNotFound', `Source collection ${fromDb}.${fromName} does not exist`);
  }
  if (fromDb === toDb && fromName === toName) throw new CommandError('IllegalOperation', "Can't rename a collection to itself");
  // jstests/core/views/rename_collection_view.js: a view in the way is never dropped, even with dropTarget.
  if (storage.view(toDb, toName)) throw new CommandError('NamespaceExists', `a view already exists with that name: ${toDb}.${toName}`);
  if (storage.collection(toDb, toName)) {
    if (!ctx.body.dropTarget) throw new CommandError('NamespaceExists', 'target namespace exists');
    storage.drop(toDb, toName);
  }
  storage.rename(source, toDb, toName);
  return {};
};

const listIndexes: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const ts = findTimeseries(ctx.server.storage, ctx.db, name);
  if (ts) return ctx.server.cursors.first({ ns: ns(ctx.db, name), docs: ts.indexes.map((spec) => Buffer.from(BSON.serialize(spec))), data: false }, {});
  const coll = existingCollection(ctx, name, `ns does not exist: ${ns(ctx.db, name)}`);
  const docs = coll.indexes.map((spec) => Buffer.from(BSON.serialize(spec)));
  return ctx.server.cursors.first({ ns: coll.ns, docs, data: false }, { batchSize: num(docArg(ctx, 'cursor')?.batchSize) });
};

function optionsKey(spec: Document): string {
  const { v: _v, key: _k, name: _n, ...rest } = spec;
  return valueKey(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))));
}

const createIndexes: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const { storage } = ctx.server;
  const ts = findTimeseries(storage, ctx.db, name);
  if (ts) {
    // Listed on the time-series name in the form they were created (the server keeps a bucket form too).
    const before = ts.indexes.length;
    for (const raw of (ctx.body.indexes as Document[] | undefined) ?? []) {
      const spec = normalizeIndexSpec(raw);
      if (!ts.indexes.some((i) => i.name === spec.name)) ts.indexes.push(spec);
    }
    return { numIndexesBefore: before, numIndexesAfter: ts.indexes.length, createdCollectionAutomatically: false };
  }
  const existed = storage.collection(ctx.db, name) !== undefined;
  const coll = storage.writable(ctx.db, name);
  const before = coll.indexes.length;
  const requested = ctx.body.indexes as unknown;
  if (!Array.isArray(requested) || requested.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  const added: string[] = [];
  try {
    for (const raw of requested as unknown[]) {
      if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) throw new CommandError('FailedToParse', "The 'key' field must be a non-empty object");
      if (typeof raw.name !== 'string' || !raw.name) throw new CommandError('FailedToParse', "The 'name' field is a required property of an index specification");
      const spec = normalizeIndexSpec(raw);
      const { key, name: indexName } = spec;
      const sameName = coll.indexes.find((i) => i.name === indexName);
      const sameKey = coll.indexes.find((i) => valueKey(i.key) === valueKey(key));
      if (sameName) {
        if (valueKey(sameName.key) !== valueKey(key)) throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`);
        if (optionsKey(sameName) !== optionsKey(spec)) throw new CommandError('IndexOptionsConflict', `An equivalent index already exists with the same name but different options. Requested index: ${JSON.stringify(spec)}`);
        continue;
      }
      if (sameKey && optionsKey(sameKey) === optionsKey(spec)) throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
      coll.addIndex(spec);
      added.push(indexName);
    }
  } catch (err) {
    for (const n of added) coll.dropIndex(n); // all or nothing, like mongod
    if (!existed) storage.drop(ctx.db, name);
    throw err;
  }
  const reply: Document = { numIndexesBefore: before, numIndexesAfter: coll.indexes.length, createdCollectionAutomatically: !existed };
  if (added.length === 0) reply.note = 'all indexes already exist';
  return reply;
};

const dropIndexes: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const coll = existingCollection(ctx, name, 'ns not found');
  const was = coll.indexes.length;
  const which = ctx.body.index as unknown;
  let names: string[];
  if (which === '*') names = coll.indexes.filter((i) => i.name !== '_id_').map((i) => i.name);
  else if (typeof which === 'string') names = [which];
  else if (Array.isArray(which)) names = which.map(String);
  else if (isPlainObject(which)) {
    const found = coll.indexes.find((i) => valueKey(i.key) === valueKey(which));
    if (!found) throw new CommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(which)}`);
    names = [found.name];
  } else throw new CommandError('TypeMismatch', "BSON field 'dropIndexes.index' is the wrong type");
  for (const n of names) {
    if (n === '_id_') throw new CommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexes.some((i) => i.name === n)) throw new CommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas: was };
};

export const catalogCommands: Record<string, Handler> = {
  listdatabases: listDatabases, dbstats: dbStats, collstats: collStatsCommand, listcollections: listCollections,
  create, drop, dropdatabase: dropDatabase, renamecollection: renameCollection,
  listindexes: listIndexes, createindexes: createIndexes, dropindexes: dropIndexes, deleteindexes: dropIndexes,
};
