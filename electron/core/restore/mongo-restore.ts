// The database part of a restore. Each collection is first built in full in a temporary collection
// (same options, every document, every index), checked, and only then swapped in with
// `renameCollection … dropTarget` — one atomic step per collection, so an interrupted restore never
// leaves a half-empty collection: each one is either the old or the restored one. Every document is
// proven to go back as the bytes it was backed up as (exact-bson.ts); one that cannot stops the
// restore while only the temporary collection exists.
import { EJSON, type Document } from 'bson';
import { MongoBulkWriteError, MongoServerError, type Db } from 'mongodb';
import { RESTORE_PHASES } from '../../../shared/api/restore';
import { UserError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { MongoCollectionEntry, Repository } from '../repository';
import { mapMongoError } from '../connections/errors';
import { bypassHint, type MongoPrivileges } from '../connections/mongo-privileges';
import { splitDocuments } from '../verify/bson-check';
import { BUCKETS_PREFIX } from '../sources/mongo-catalog';
import { tempName } from './cleanup';
import { leftOutSentence, optionsSentence, restorableIndexes, restorableOptions } from './index-specs';
import { decodeExact, inexactError, InexactTally, insertExactly } from './exact-bson';
import type { CollectionMetadata } from './snapshot-index';

export const DATABASE_PHASE = RESTORE_PHASES.database;
export const SWITCH_PHASE = RESTORE_PHASES.switch;

export interface WriteLimits {
  /** Bytes of documents per insert (MongoDB: 16 MiB per document, 48 MB per message). */
  maxBatchBytes: number;
  /** Documents per insert (the server's maxWriteBatchSize). */
  maxBatchDocs: number;
}

export interface StagedCollection {
  name: string;
  temp: string;
  docs: number;
  /** Plain sentences for the summary (e.g. index options left out). */
  notes?: string[];
}

type Hook = ((point: string) => Promise<void>) | undefined;

/** How documents are written: past the validation rules only when the user may (bypassDocumentValidation). */
export interface InsertMode {
  bypassValidation: boolean;
  /** For the words of a refusal. */
  privileges: MongoPrivileges | null;
}

/** Documents a collection's validation rules refused (code 121): how many, and the first `_id`s. */
export class RejectedDocuments {
  count = 0;
  readonly firstIds: string[] = [];

  add(id: unknown): void {
    this.count += 1;
    if (this.firstIds.length < 5) this.firstIds.push(EJSON.stringify(id as never, { relaxed: true }));
  }
}

/**
 * `insertMany` in order; documents refused by validation rules (only possible without bypass) are
 * tallied and skipped so that every one of them can be named, and the others still go in.
 */
export async function insertCounting(db: Db, collection: string, docs: Document[], mode: InsertMode, rejected: RejectedDocuments): Promise<number[]> {
  const refused: number[] = []; // positions in `docs`
  let offset = 0;
  while (offset < docs.length) {
    const rest = docs.slice(offset);
    try {
      await insertExactly(db.collection(collection), rest, mode.bypassValidation);
      break;
    } catch (err) {
      // insertExactly sends a batch of one with insertOne: its refusal is a plain server error.
      const single = rest.length === 1 && err instanceof MongoServerError ? { code: err.code, index: 0 } : undefined;
      const first = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors[0] : err.writeErrors) : single;
      if (mode.bypassValidation || !first || first.code !== 121) throw err;
      const at = offset + first.index;
      rejected.add((docs[at] as Document)._id);
      refused.push(at);
      offset = at + 1;
    }
  }
  return refused;
}

/** The refusal when validation rules rejected documents of the restore point; nothing was changed. */
export function rejectedError(collection: string, rejected: RejectedDocuments, mode: InsertMode): UserError {
  const docs = rejected.count === 1 ? '1 document' : `${rejected.count.toLocaleString('en-US')} documents`;
  const more = rejected.count > rejected.firstIds.length ? ', …' : '';
  return new UserError({
    code: 'MONGO_ERROR',
    title: 'Documents refused by validation rules',
    message: `${docs} of the collection "${collection}" in this restore point break the collection's validation rules, and this MongoDB user may not skip them (first _id: ${rejected.firstIds.join(', ')}${more}). Nothing was changed.`,
    hint: mode.privileges ? `${bypassHint(mode.privileges)}, then restore again. Or leave "${collection}" out ("Choose what to restore").` : `Use a MongoDB user with the "dbAdmin" role on the database, or leave "${collection}" out ("Choose what to restore").`,
    details: `${collection}: ${rejected.count} document(s) refused with code 121 (DocumentValidationFailure); first _id: ${rejected.firstIds.join(', ')}`,
  });
}

/** The server's limits for one insert, from `hello`. */
export async function writeLimits(db: Db): Promise<WriteLimits> {
  const hello = await db.admin().command({ hello: 1 });
  const num = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 ? v : fallback);
  return { maxBatchBytes: num(hello.maxBsonObjectSize, 16 * 1024 * 1024), maxBatchDocs: num(hello.maxWriteBatchSize, 100_000) };
}


function stagingError(name: string, err: unknown): Error {
  if (err instanceof UserError) return err;
  if (err instanceof MongoServerError && (err.code === 11000 || err.code === 11001)) {
    const index = /index: (\S+)/.exec(err.message)?.[1];
    return new UserError(
      {
        code: 'MONGO_ERROR',
        title: 'Duplicate values in the restore point',
        message: `The collection "${name}" in this restore point has two documents with the same value where ${index ? `the unique index "${index}"` : 'a unique index'} allows only one, so it cannot be restored as it was. Nothing was changed.`,
        hint: 'Choose another restore point, or restore the other collections only ("Choose what to restore") and ask whoever helps you to fix this collection.',
        details: `${name}: ${err.message}`,
      },
      { cause: err },
    );
  }
  const mapped = mapMongoError(err);
  return new UserError({ ...mapped.toJSON(), message: `${mapped.message} The collection "${name}" could not be restored; nothing was changed.` }, { cause: err });
}

/**
 * Build `entry`'s collection in a temporary collection of run `runId`. Throws (the caller drops the
 * temporaries) on any failure, including a document count that differs from the restore point's.
 */
export async function stageCollection(
  repo: Repository,
  db: Db,
  runId: string,
  entry: MongoCollectionEntry,
  meta: CollectionMetadata,
  limits: WriteLimits,
  ctx: OperationContext,
  progress: (docs: number, bytes: number, name: string) => void,
  hook: Hook,
  onCreated: (temp: string) => void,
  mode: InsertMode = { bypassValidation: true, privileges: null },
): Promise<StagedCollection> {
  const temp = tempName(db.databaseName, runId, entry.collection);
  try {
    const created = restorableOptions(meta.options);
    const optionNotes = optionsSentence(entry.collection, created.leftOut);
    for (const line of optionNotes) ctx.log('warn', line);
    await db.command({ create: temp, ...created.options });
    onCreated(temp);
    const coll = db.collection(temp);
    let batch: Document[] = [];
    let bytes = 0;
    const rejected = new RejectedDocuments();
    const flush = async () => {
      if (batch.length === 0) return;
      // Validation rules describe what the application may write, not what a backup holds: skipped
      // when this user may, else documents they refuse are counted and named.
      await insertCounting(db, temp, batch, mode, rejected);
      progress(batch.length, bytes, entry.collection);
      batch = [];
      bytes = 0;
      await hook?.('restore-mongo-batch');
    };
    // The restore's first check (check.ts) finds these before the safety backup; this one holds
    // whatever reaches here, before the collection could be switched in.
    const inexact = new InexactTally();
    for (const chunk of entry.chunks) {
      ctx.signal.throwIfAborted();
      for (const raw of splitDocuments(await repo.getBlob(chunk.id))) {
        const decoded = decodeExact(raw);
        if (!decoded.ok) {
          inexact.add(entry.collection, decoded.kinds);
          continue;
        }
        if (batch.length > 0 && (bytes + raw.length > limits.maxBatchBytes || batch.length >= limits.maxBatchDocs)) await flush();
        batch.push(decoded.doc);
        bytes += raw.length;
      }
      await flush(); // one chunk (≤ 4 MiB) at a time keeps memory bounded
    }
    if (inexact.collections.length > 0) throw inexactError(inexact.collections);
    if (rejected.count > 0) throw rejectedError(entry.collection, rejected, mode);
    ctx.signal.throwIfAborted();
    // Counted before the indexes exist: once a TTL index does, MongoDB deletes expired documents by itself.
    const count = await coll.countDocuments({});
    if (count !== entry.docs) {
      throw new UserError({
        code: 'MONGO_ERROR',
        title: 'Restored collection incomplete',
        message: `The collection "${entry.collection}" has ${count} documents after restoring, but the restore point holds ${entry.docs}. Nothing was changed.`,
        hint: 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.',
        details: `${temp}: ${count} of ${entry.docs}`,
      });
    }
    const { specs, leftOut } = restorableIndexes(meta.indexes);
    const indexNotes = leftOutSentence(entry.collection, leftOut);
    for (const line of indexNotes) ctx.log('warn', line);
    const notes = [...optionNotes, ...indexNotes];
    if (specs.length > 0) await db.command({ createIndexes: temp, indexes: specs });
    await hook?.('restore-mongo-staged');
    return { name: entry.collection, temp, docs: count, ...(notes.length > 0 ? { notes } : {}) };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw stagingError(entry.collection, err);
  }
}

/**
 * Live views (or time-series collections) that have the name of a collection about to be switched in.
 * A rename cannot replace them — MongoDB answers NamespaceExists even with dropTarget
 * (jstests/core/views/rename_collection_view.js) — so they are removed first, before any collection
 * is switched: a failure here leaves the database exactly as it was. The safety backup holds their definitions.
 */
export async function clearNamesInTheWay(db: Db, staged: StagedCollection[]): Promise<{ name: string; type: string }[]> {
  const wanted = new Set(staged.map((s) => s.name));
  const live = await db.listCollections({}, { nameOnly: true }).toArray();
  const inTheWay = live.filter((c) => wanted.has(String(c.name)) && (c.type === 'view' || c.type === 'timeseries')).map((c) => ({ name: String(c.name), type: String(c.type) }));
  for (const c of inTheWay) await db.collection(c.name).drop();
  return inTheWay;
}

/** Swap a staged collection in: the old one (if any) is replaced in one atomic rename. */
export async function swapIn(db: Db, staged: StagedCollection): Promise<void> {
  await db.renameCollection(staged.temp, staged.name, { dropTarget: true });
}

/** Views in an order where a view on another view comes after it. */
export function viewOrder(views: { name: string; options: Document }[]): { name: string; options: Document }[] {
  const out: { name: string; options: Document }[] = [];
  const pending = [...views];
  while (pending.length > 0) {
    const names = new Set(pending.map((v) => v.name));
    const ready = pending.filter((v) => !names.has(String(v.options.viewOn)) || v.options.viewOn === v.name);
    const next = ready.length > 0 ? ready : pending.slice(0, 1); // a cycle cannot be created anyway; let MongoDB say so
    for (const v of next) {
      out.push(v);
      pending.splice(pending.indexOf(v), 1);
    }
  }
  return out;
}

/** Recreate a view exactly as it was defined (dropping whatever has its name now). */
export async function recreateView(db: Db, name: string, options: Document): Promise<void> {
  const existing = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (existing.length > 0) await db.collection(name).drop();
  await db.command({ create: name, ...options });
}

/**
 * A time-series collection, restored as mongorestore does it: made anew with its options, its buckets
 * inserted into `system.buckets.<name>` as they were backed up, then its indexes. A time-series
 * collection cannot be renamed, so this is not one atomic step: the one there now is removed first.
 */
export async function restoreTimeseries(
  repo: Repository,
  db: Db,
  entry: MongoCollectionEntry,
  name: string,
  meta: CollectionMetadata,
  limits: WriteLimits,
  ctx: OperationContext,
): Promise<StagedCollection> {
  try {
    if ((await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0) await db.collection(name).drop();
    await db.command({ create: name, ...restorableOptions(meta.options).options });
    const buckets = db.collection(`${BUCKETS_PREFIX}${name}`);
    let batch: Document[] = [];
    let bytes = 0;
    const inexact = new InexactTally();
    for (const chunk of entry.chunks) {
      for (const raw of splitDocuments(await repo.getBlob(chunk.id))) {
        const decoded = decodeExact(raw);
        if (!decoded.ok) {
          inexact.add(name, decoded.kinds);
          continue;
        }
        if (batch.length > 0 && (bytes + raw.length > limits.maxBatchBytes || batch.length >= limits.maxBatchDocs)) {
          await insertExactly(buckets, batch, false); // buckets the server made pass its own rules: no bypass needed (nor privilege)
          batch = [];
          bytes = 0;
        }
        batch.push(decoded.doc);
        bytes += raw.length;
      }
    }
    await insertExactly(buckets, batch, false); // buckets the server made pass its own rules: no bypass needed (nor privilege)
    if (inexact.collections.length > 0) throw inexactError(inexact.collections);
    const count = await buckets.countDocuments({});
    if (count !== entry.docs) {
      throw new UserError({
        code: 'MONGO_ERROR',
        title: 'Restored collection incomplete',
        message: `The time-series collection "${name}" has ${count} buckets after restoring, but the restore point holds ${entry.docs}.`,
        hint: 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.',
        details: `${BUCKETS_PREFIX}${name}: ${count} of ${entry.docs}`,
      });
    }
    const { specs, leftOut } = restorableIndexes(meta.indexes);
    const notes = leftOutSentence(name, leftOut);
    for (const line of notes) ctx.log('warn', line);
    if (specs.length > 0) await db.command({ createIndexes: name, indexes: specs });
    return { name, temp: name, docs: count, ...(notes.length > 0 ? { notes } : {}) };
  } catch (err) {
    throw stagingError(name, err);
  }
}
