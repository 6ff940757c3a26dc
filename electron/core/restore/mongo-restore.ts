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
import { tempName } from './cleanup';
import { decodeExact, EXACT_INSERT, inexactError, InexactTally } from './exact-bson';
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
    try {
      await db.collection(collection).insertMany(docs.slice(offset), { ...EXACT_INSERT, bypassDocumentValidation: mode.bypassValidation });
      break;
    } catch (err) {
      const first = err instanceof MongoBulkWriteError ? (Array.isArray(err.writeErrors) ? err.writeErrors[0] : err.writeErrors) : undefined;
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

/** Index definitions as `createIndexes` takes them: without the server-set `v` and `ns`, without `_id_` (always there). */
export function indexSpecs(meta: CollectionMetadata): Document[] {
  return meta.indexes.filter((ix) => ix.name !== '_id_').map(({ v: _v, ns: _ns, ...spec }) => spec);
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
    await db.command({ create: temp, ...meta.options });
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
    const specs = indexSpecs(meta);
    if (specs.length > 0) await db.command({ createIndexes: temp, indexes: specs });
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
    await hook?.('restore-mongo-staged');
    return { name: entry.collection, temp, docs: count };
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw stagingError(entry.collection, err);
  }
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
