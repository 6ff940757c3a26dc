// Write commands of the TEST DOUBLE: insert, update, delete and findAndModify, with per-statement
// write errors and ordered/unordered semantics as mongod reports them.
import type { Document } from 'bson';
import type { CommandContext, Handler } from '../context';
import { CommandError, DropConnection, toWriteError, type WriteError } from '../errors';
import { encode, matcher, project, sortDocs } from '../query';
import { arrayDocuments, withIdFirst } from '../rawbson';
import { StoredDoc } from '../storage';
import { applyReplacement, applyUpdates, isOperatorUpdate, upsertSeed } from '../update';
import { findTimeseries, insertMeasurements } from '../timeseries';
import { isPlainObject } from '../values';
import { collectionArg, docArg, statements } from './common';
import { noteIndexUse } from '../maintenance';

const MAX_BSON = 16 * 1024 * 1024;

function newStoredDoc(bytes: Buffer): StoredDoc {
  if (bytes.length > MAX_BSON) throw new CommandError('BSONObjectTooLarge', `object to insert too large. size in bytes: ${bytes.length}, max size: ${MAX_BSON}`);
  return new StoredDoc(Buffer.from(withIdFirst(bytes))); // copy: detach from the request frame
}

/** Runs statements one by one; an ordered batch stops at the first failing statement. */
function eachStatement<T>(ctx: CommandContext, items: T[], run: (item: T, index: number) => void): WriteError[] {
  const ordered = ctx.body.ordered !== false;
  const errors: WriteError[] = [];
  for (let i = 0; i < items.length; i++) {
    try {
      run(items[i], i);
    } catch (err) {
      if (err instanceof DropConnection) throw err;
      errors.push(toWriteError(i, err));
      if (ordered) break;
    }
  }
  ctx.server.clusterTime(true);
  return errors;
}

function withErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length ? { ...reply, writeErrors: errors } : reply;
}

const insert: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const raw = ctx.sequences.get('documents') ?? arrayDocuments(ctx.bodyBytes, 'documents');
  if (!raw) throw new CommandError('FailedToParse', "BSON field 'insert.documents' is missing but a required field");
  const ts = findTimeseries(ctx.server.storage, ctx.db, name);
  if (ts) {
    insertMeasurements(ctx.server.storage, ctx.db, ts, raw);
    ctx.server.clusterTime(true);
    return { n: raw.length };
  }
  const coll = ctx.server.storage.writable(ctx.db, name);
  const bypass = ctx.body.bypassDocumentValidation === true;
  let n = 0;
  const errors = eachStatement(ctx, raw, (bytes) => {
    ctx.server.opcounters.insert += 1;
    const doc = newStoredDoc(bytes);
    coll.validate(doc, bypass);
    coll.insert(doc);
    n += 1;
  });
  return withErrors({ n }, errors);
};

interface UpdateSpec {
  u: Document | Document[];
  arrayFilters?: Document[];
}

/** The new stored forms of `olds` after `u` (operators, pipeline or replacement). */
function updated(olds: StoredDoc[], spec: UpdateSpec): StoredDoc[] {
  const next = isOperatorUpdate(spec.u) || Array.isArray(spec.u)
    ? applyUpdates(olds, spec.u, { inserting: false, arrayFilters: spec.arrayFilters })
    : olds.map((old) => applyReplacement(old.fid, spec.u as Document));
  return next.map((doc) => newStoredDoc(encode(doc)));
}

/** The document an upsert inserts when nothing matched. */
function upserted(query: Document, spec: UpdateSpec): StoredDoc {
  const seed = upsertSeed(query);
  if (isOperatorUpdate(spec.u) || Array.isArray(spec.u)) {
    const [doc] = applyUpdates([{ fid: seed }], spec.u, { inserting: true, arrayFilters: spec.arrayFilters });
    return newStoredDoc(encode('_id' in seed ? { _id: seed._id, ...doc } : doc));
  }
  const replacement = spec.u;
  return newStoredDoc(encode('_id' in replacement || !('_id' in seed) ? replacement : { _id: seed._id, ...replacement }));
}

function updateSpec(stmt: Document): UpdateSpec {
  const u = stmt.u as unknown;
  if (!isPlainObject(u) && !Array.isArray(u)) throw new CommandError('FailedToParse', "BSON field 'update.updates.u' is missing but a required field");
  return { u: u as Document | Document[], arrayFilters: stmt.arrayFilters as Document[] | undefined };
}

const update: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const { storage } = ctx.server;
  const bypass = ctx.body.bypassDocumentValidation === true;
  let n = 0;
  let nModified = 0;
  const upserts: Document[] = [];
  const errors = eachStatement(ctx, statements(ctx, 'updates'), (stmt, index) => {
    ctx.server.opcounters.update += 1;
    const spec = updateSpec(stmt);
    const query = (stmt.q as Document | undefined) ?? {};
    if (stmt.multi && !isOperatorUpdate(spec.u) && !Array.isArray(spec.u)) throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    const existing = storage.collection(ctx.db, name);
    if (!existing && storage.view(ctx.db, name)) storage.writable(ctx.db, name); // throws CommandNotSupportedOnView
    noteIndexUse(existing, query);
    const matched = existing ? [...existing.docs.values()].filter(matcher(query)) : [];
    if (matched.length === 0) {
      if (!stmt.upsert) return;
      const coll = storage.writable(ctx.db, name);
      const doc = upserted(query, spec);
      coll.validate(doc, bypass);
      coll.insert(doc);
      n += 1;
      upserts.push({ index, _id: doc.fid._id });
      return;
    }
    const olds = stmt.multi ? matched : matched.slice(0, 1);
    const nexts = updated(olds, spec);
    for (const [i, old] of olds.entries()) {
      const next = nexts[i];
      n += 1;
      if (next.bytes.equals(old.bytes)) continue;
      existing?.validate(next, bypass);
      existing?.replace(old, next);
      nModified += 1;
    }
  });
  return withErrors({ n, nModified, ...(upserts.length ? { upserted: upserts } : {}) }, errors);
};

const del: Handler = (ctx) => {
  const name = collectionArg(ctx);
  let n = 0;
  const errors = eachStatement(ctx, statements(ctx, 'deletes'), (stmt) => {
    ctx.server.opcounters.delete += 1;
    const coll = ctx.server.storage.collection(ctx.db, name);
    if (!coll) {
      if (ctx.server.storage.view(ctx.db, name)) ctx.server.storage.writable(ctx.db, name); // throws CommandNotSupportedOnView
      return;
    }
    noteIndexUse(coll, stmt.q as Document | undefined);
    const matched = [...coll.docs.values()].filter(matcher((stmt.q as Document | undefined) ?? {}));
    for (const doc of Number(stmt.limit ?? 0) === 1 ? matched.slice(0, 1) : matched) {
      coll.delete(doc);
      n += 1;
    }
  });
  return withErrors({ n }, errors);
};

const findAndModify: Handler = (ctx) => {
  const name = collectionArg(ctx);
  const { storage } = ctx.server;
  const body = ctx.body;
  const query = docArg(ctx, 'query') ?? {};
  const fields = docArg(ctx, 'fields');
  const shape = (doc: StoredDoc | undefined): Document | null => (doc ? (fields ? project(doc.fid, fields) : doc.fid) : null);
  const bypass = body.bypassDocumentValidation === true;
  const existing = storage.collection(ctx.db, name);
  const target = existing ? sortDocs([...existing.docs.values()].filter(matcher(query)), docArg(ctx, 'sort'))[0] : undefined;
  ctx.server.clusterTime(true);
  if (body.remove) {
    if (target) existing?.delete(target);
    return { lastErrorObject: { n: target ? 1 : 0 }, value: shape(target) };
  }
  const u = body.update as unknown;
  if (!isPlainObject(u) && !Array.isArray(u)) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const spec: UpdateSpec = { u: u as Document | Document[], arrayFilters: body.arrayFilters as Document[] | undefined };
  if (target && existing) {
    const [next] = updated([target], spec);
    if (!next.bytes.equals(target.bytes)) {
      existing.validate(next, bypass);
      existing.replace(target, next);
    }
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shape(body.new ? next : target) };
  }
  if (!body.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
  const coll = storage.writable(ctx.db, name);
  const doc = upserted(query, spec);
  coll.validate(doc, bypass);
  coll.insert(doc);
  return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc.fid._id }, value: body.new ? shape(doc) : null };
};

export const writeCommands: Record<string, Handler> = {
  insert, update, delete: del, findandmodify: findAndModify,
};
