// Test restore: the database part of a restore point is restored into scratch collections of the
// connection's own database (`pcimaint_verify_<run>_<name>`), the way a restore writes it (exact-bson.ts,
// and the same temporary collections a restore builds before switching them in), then read back raw
// and compared with the backup: the documents' bytes (an order-independent hash of them), the counts
// and the index definitions. Documents a restore would refuse are reported as such.
//
// Why collections in the database rather than a scratch database: a restore needs exactly these
// rights ("readWrite" on the one database), so a user who may restore may also test-restore, and a
// test restore never needs more than a restore would (a separate database needs rights on another
// database, which PCI File Manager's user usually does not have). The run is registered like a
// restore's (cleanup.ts), so its scratch collections are dropped afterwards — also on failure or
// cancel — and, after a crash or kill -9, by the next test restore or restore. Backups, exports and
// health checks leave collections with these reserved names out (isTempCollection).
//
// A privilege problem is never a finding about the backup: the test restore refuses to start
// (UserError) when the user may not do what it needs, and stops the same way when MongoDB answers
// "not authorized" midway.
import { createHash } from 'node:crypto';
import { EJSON, type Document } from 'bson';
import { MongoServerError, type Db, type MongoClient } from 'mongodb';
import type { OperationContext } from '../../../shared/jobs';
import type { MongoCollectionEntry, MongoMetadataEntry, Repository } from '../repository';
import { mapMongoError } from '../connections/errors';
import { requireTask } from '../connections/mongo-privileges';
import { cleanupLeftovers, dropTemps, RestoreRun, tempName, VERIFY_PREFIX } from '../restore/cleanup';
import { decodeExact, inexactSentence, InexactTally, KEEP_TYPES } from '../restore/exact-bson';
import { restorableIndexes, restorableOptions } from '../restore/index-specs';
import { insertCounting, RejectedDocuments, type InsertMode } from '../restore/mongo-restore';
import { BUCKETS_PREFIX } from '../sources/mongo-catalog';
import { splitDocuments } from './bson-check';
import type { ProblemLog } from './problems';

export interface MongoParts {
  collections: MongoCollectionEntry[];
  metadata: MongoMetadataEntry[];
}

export interface TestRestoreResult {
  database: string;
  collections: number;
  documents: number;
}

const BATCH_BYTES = 4 * 1024 * 1024;
const PHASE = 'Test restore into scratch collections';

/** MongoDB's "not authorized" (13) or "requires authentication": about the user, not the backup. */
function isPrivilegeError(err: unknown): boolean {
  return err instanceof MongoServerError && (err.code === 13 || err.codeName === 'Unauthorized');
}

async function contentOf(repo: Repository, entry: { chunks: { id: string }[] }): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const c of entry.chunks) parts.push(await repo.getBlob(c.id));
  return Buffer.concat(parts);
}

const MOD_256 = 1n << 256n;

/**
 * The documents of a collection as a multiset: the sum of their SHA-256s (mod 2^256) and their count.
 * Equal for the same bytes in any order (a restore may write them in another order than the backup).
 */
export class DocumentsHash {
  sum = 0n;
  count = 0;

  add(doc: Uint8Array): void {
    this.sum = (this.sum + BigInt(`0x${createHash('sha256').update(doc).digest('hex')}`)) % MOD_256;
    this.count += 1;
  }

  /** Takes one document (added before) out again. */
  remove(doc: Uint8Array): void {
    this.sum = (this.sum - BigInt(`0x${createHash('sha256').update(doc).digest('hex')}`) + MOD_256) % MOD_256;
    this.count -= 1;
  }

  equals(other: DocumentsHash): boolean {
    return this.sum === other.sum && this.count === other.count;
  }
}

/** Index specs compared without server-added fields; `key` keeps its order, other options are sorted. */
function indexShape(spec: Document): string {
  const { v: _v, ns: _ns, key, ...options } = spec;
  const sorted = Object.fromEntries(Object.keys(options).sort().map((k) => [k, options[k]]));
  return EJSON.stringify({ key, options: sorted }, { relaxed: true });
}

/**
 * `database`: the connection's database (where a restore would write); default the one the restore
 * point was taken of.
 */
export async function testRestore(
  repo: Repository,
  client: MongoClient,
  snapshotId: string,
  parts: MongoParts,
  problems: ProblemLog,
  ctx: OperationContext,
  database?: string,
  hook?: (point: string) => Promise<void>,
): Promise<TestRestoreResult> {
  const name = database ?? parts.collections[0]?.db ?? parts.metadata[0]?.db;
  if (!name) return { database: '', collections: 0, documents: 0 };
  const db: Db = client.db(name);
  const result: TestRestoreResult = { database: name, collections: 0, documents: 0 };
  const total = parts.collections.reduce((n, c) => n + c.docs, 0);
  type Code = 'restore-failed' | 'restore-count-mismatch' | 'restore-index-mismatch' | 'restore-not-exact' | 'restore-content-mismatch';
  const report = (entry: { path: string }, code: Code, message: string) =>
    problems.add({ snapshotId, path: entry.path, blob: null, file: null, code, message });
  ctx.onProgress({ phase: PHASE, unit: 'documents', done: 0, total, bytesDone: 0, bytesTotal: null, message: name });
  const privileges = await requireTask(db, 'testRestore');
  const mode: InsertMode = { bypassValidation: !privileges || !privileges.enforced || privileges.bypassValidation, privileges };
  const stopped = (err: unknown): never => {
    throw mapMongoError(err, { database: name });
  };
  // Scratch collections of an earlier run that was killed (and a restore's) go first.
  const leftovers = await cleanupLeftovers(db, { log: ctx.log }).catch(stopped);
  if (leftovers.length > 0) ctx.log('info', `Removed ${leftovers.length} scratch collection(s) left by an interrupted test restore or restore.`);
  const run = await RestoreRun.begin(db, `test restore of ${snapshotId}`).catch(stopped);
  const temps = new Set<string>();
  try {
    for (const entry of parts.collections) {
      ctx.signal.throwIfAborted();
      // A time-series collection's buckets (system.buckets.<name>): made as mongorestore does, a scratch
      // time-series collection with its options first, the buckets inserted into its buckets
      // collection, the indexes on the collection itself.
      const series = entry.collection.startsWith(BUCKETS_PREFIX) ? parts.metadata.find((m) => m.db === entry.db && m.collection === entry.collection.slice(BUCKETS_PREFIX.length)) : undefined;
      const scratch = tempName(name, run.id, series ? series.collection : entry.collection, VERIFY_PREFIX);
      const data = series ? `${BUCKETS_PREFIX}${scratch}` : scratch;
      const metaEntry = series ?? parts.metadata.find((m) => m.db === entry.db && m.collection === entry.collection);
      let meta: Document = { indexes: [], options: {} };
      const inexact = new InexactTally();
      const rejected = new RejectedDocuments();
      /** The backed-up documents that went in (all but any the validation rules refused). */
      const expected = new DocumentsHash();
      const restored = new DocumentsHash();
      let count = 0;
      try {
        if (metaEntry) meta = EJSON.parse((await contentOf(repo, metaEntry)).toString('utf8'), { relaxed: false }) as Document;
        await db.command({ create: scratch, ...restorableOptions((meta.options as Document | undefined) ?? {}).options });
        temps.add(scratch);
        let batch: Document[] = [];
        let raws: Buffer[] = [];
        let bytes = 0;
        const flush = async () => {
          // A document the validation rules refused (only without bypass) is left out of the comparison.
          if (batch.length > 0) for (const at of await insertCounting(db, data, batch, mode, rejected)) expected.remove(raws[at]);
          if (batch.length > 0) await hook?.('test-restore-batch');
          result.documents += batch.length;
          ctx.onProgress({ done: result.documents, message: `${entry.db}.${entry.collection}` });
          batch = [];
          raws = [];
          bytes = 0;
        };
        for (const chunk of entry.chunks) {
          ctx.signal.throwIfAborted();
          for (const raw of splitDocuments(await repo.getBlob(chunk.id))) {
            // Exactly what a restore writes: a document it would refuse is not written here either.
            const decoded = decodeExact(raw);
            if (!decoded.ok) {
              inexact.add(entry.collection, decoded.kinds);
              continue;
            }
            if (batch.length > 0 && bytes + raw.length > BATCH_BYTES) await flush(); // a 16 MiB document goes alone
            batch.push(decoded.doc);
            raws.push(raw);
            expected.add(raw);
            bytes += raw.length;
            if (bytes >= BATCH_BYTES) await flush();
          }
        }
        await flush();
        if (inexact.collections.length === 0) {
          // Counted before the indexes exist: with a TTL index the server deletes expired documents by itself.
          count = (await db.collection(data).countDocuments({})) + rejected.count;
          for await (const raw of db.collection(data).find({}, { raw: true, batchSize: 1000 })) restored.add(raw as unknown as Uint8Array);
        }
        const { specs } = restorableIndexes((meta.indexes as Document[] | undefined) ?? []);
        if (specs.length > 0) await db.command({ createIndexes: scratch, indexes: specs });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        if (isPrivilegeError(err)) stopped(err);
        report(entry, 'restore-failed', `The collection ${entry.collection} could not be restored: ${err instanceof Error ? err.message : String(err)}.`);
        continue;
      }
      result.collections += 1;
      const [refused] = inexact.collections;
      if (rejected.count > 0) {
        // The backup holds them as they were; this user's restore would be refused (see mongo-restore.ts).
        ctx.log('warn', `${rejected.count} document(s) of ${entry.collection} break its validation rules, which this MongoDB user may not skip (first _id: ${rejected.firstIds.join(', ')}); a restore by this user would stop before switching it in.`);
      }
      if (refused) {
        // The byte comparison below would only repeat this, less clearly.
        report(entry, 'restore-not-exact', `${inexactSentence(refused)} A restore of this collection would stop before changing anything.`);
      } else {
        if (count !== entry.docs) report(entry, 'restore-count-mismatch', `The collection ${entry.collection} has ${count} documents after restoring, the backup holds ${entry.docs}.`);
        else if (!restored.equals(expected)) report(entry, 'restore-content-mismatch', `The documents of ${entry.collection} differ after restoring from the backup's bytes: a restore would change data.`);
      }
      const actual = new Map(((await db.collection(scratch).listIndexes(KEEP_TYPES).toArray()) as Document[]).map((ix) => [String(ix.name), indexShape(ix)]));
      // Compared with what a restore creates: options current servers refuse are left out there too.
      const wanted = [...restorableIndexes((meta.indexes as Document[] | undefined) ?? []).specs, ...((meta.indexes as Document[] | undefined) ?? []).filter((ix) => ix.name === '_id_')];
      for (const ix of wanted) {
        const got = actual.get(String(ix.name));
        if (got === undefined) report(entry, 'restore-index-mismatch', `The index ${String(ix.name)} of ${entry.collection} is missing after restoring.`);
        else if (got !== indexShape(ix)) report(entry, 'restore-index-mismatch', `The index ${String(ix.name)} of ${entry.collection} differs after restoring: ${got} instead of ${indexShape(ix)}.`);
      }
    }
    return result;
  } catch (err) {
    if (isPrivilegeError(err)) stopped(err);
    throw err;
  } finally {
    await dropTemps(db, temps, ctx.log);
    await run.end().catch((err: unknown) => ctx.log('warn', `Could not remove the test restore's registration (${err instanceof Error ? err.message : String(err)}); it is removed at the next test restore or restore.`));
  }
}
