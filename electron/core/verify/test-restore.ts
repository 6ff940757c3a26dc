// Test restore: the database part of a restore point is restored into a scratch database on the same
// server (`pcimaint_verify_<snapshot id>`) the way a restore writes it (exact-bson.ts), then read back
// raw and compared with the backup: the documents' bytes (an order-independent hash of them), the
// counts and the index definitions. Documents a restore would refuse are reported as such. The
// scratch database is always dropped afterwards — also on failure or cancel.
import { createHash } from 'node:crypto';
import { EJSON, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import type { OperationContext } from '../../../shared/jobs';
import type { MongoCollectionEntry, MongoMetadataEntry, Repository } from '../repository';
import { restorableIndexes, restorableOptions } from '../restore/index-specs';
import { BUCKETS_PREFIX } from '../sources/mongo-catalog';
import { decodeExact, inexactSentence, InexactTally, insertExactly, KEEP_TYPES } from '../restore/exact-bson';
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
const PHASE = 'Test restore into a scratch database';

export function scratchDatabaseName(snapshotId: string): string {
  return `pcimaint_verify_${snapshotId}`;
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

export async function testRestore(repo: Repository, client: MongoClient, snapshotId: string, parts: MongoParts, problems: ProblemLog, ctx: OperationContext): Promise<TestRestoreResult> {
  const name = scratchDatabaseName(snapshotId);
  const db = client.db(name);
  const result: TestRestoreResult = { database: name, collections: 0, documents: 0 };
  const total = parts.collections.reduce((n, c) => n + c.docs, 0);
  type Code = 'restore-failed' | 'restore-count-mismatch' | 'restore-index-mismatch' | 'restore-not-exact' | 'restore-content-mismatch';
  const report = (entry: { path: string }, code: Code, message: string) =>
    problems.add({ snapshotId, path: entry.path, blob: null, file: null, code, message });
  ctx.onProgress({ phase: PHASE, unit: 'documents', done: 0, total, bytesDone: 0, bytesTotal: null, message: name });
  await db.dropDatabase().catch(() => undefined); // a scratch database left by a crashed run
  try {
    for (const entry of parts.collections) {
      ctx.signal.throwIfAborted();
      // A time-series collection's buckets (system.buckets.<name>): made as mongorestore does, the
      // collection with its options first, the buckets inserted into it, the indexes on the collection.
      const series = entry.collection.startsWith(BUCKETS_PREFIX) ? parts.metadata.find((m) => m.db === entry.db && m.collection === entry.collection.slice(BUCKETS_PREFIX.length)) : undefined;
      const owner = series ? series.collection : entry.collection;
      const metaEntry = series ?? parts.metadata.find((m) => m.db === entry.db && m.collection === entry.collection);
      let meta: Document = { indexes: [], options: {} };
      const backedUp = new DocumentsHash();
      const inexact = new InexactTally();
      const restored = new DocumentsHash();
      let count = 0;
      try {
        if (metaEntry) meta = EJSON.parse((await contentOf(repo, metaEntry)).toString('utf8'), { relaxed: false }) as Document;
        await db.command({ create: owner, ...restorableOptions((meta.options as Document | undefined) ?? {}).options });
        let batch: Document[] = [];
        let bytes = 0;
        const flush = async () => {
          await insertExactly(db.collection(entry.collection), batch);
          result.documents += batch.length;
          ctx.onProgress({ done: result.documents, message: `${entry.db}.${entry.collection}` });
          batch = [];
          bytes = 0;
        };
        for (const chunk of entry.chunks) {
          ctx.signal.throwIfAborted();
          for (const raw of splitDocuments(await repo.getBlob(chunk.id))) {
            backedUp.add(raw);
            // Exactly what a restore writes: a document it would refuse is not written here either.
            const decoded = decodeExact(raw);
            if (!decoded.ok) {
              inexact.add(entry.collection, decoded.kinds);
              continue;
            }
            if (batch.length > 0 && bytes + raw.length > BATCH_BYTES) await flush(); // a 16 MiB document goes alone
            batch.push(decoded.doc);
            bytes += raw.length;
            if (bytes >= BATCH_BYTES) await flush();
          }
        }
        await flush();
        if (inexact.collections.length === 0) {
          // Counted before the indexes exist: with a TTL index the server deletes expired documents by itself.
          count = await db.collection(entry.collection).countDocuments({});
          for await (const raw of db.collection(entry.collection).find({}, { raw: true, batchSize: 1000 })) restored.add(raw as unknown as Uint8Array);
        }
        const { specs } = restorableIndexes((meta.indexes as Document[] | undefined) ?? []);
        if (specs.length > 0) await db.command({ createIndexes: owner, indexes: specs });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        report(entry, 'restore-failed', `The collection ${entry.collection} could not be restored: ${err instanceof Error ? err.message : String(err)}.`);
        continue;
      }
      result.collections += 1;
      const [refused] = inexact.collections;
      if (refused) {
        // The byte comparison below would only repeat this, less clearly.
        report(entry, 'restore-not-exact', `${inexactSentence(refused)} A restore of this collection would stop before changing anything.`);
      } else {
        if (count !== entry.docs) report(entry, 'restore-count-mismatch', `The collection ${entry.collection} has ${count} documents after restoring, the backup holds ${entry.docs}.`);
        else if (!restored.equals(backedUp)) report(entry, 'restore-content-mismatch', `The documents of ${entry.collection} differ after restoring from the backup's bytes: a restore would change data.`);
      }
      const actual = new Map(((await db.collection(owner).listIndexes(KEEP_TYPES).toArray()) as Document[]).map((ix) => [String(ix.name), indexShape(ix)]));
      // Compared with what a restore creates: options current servers refuse are left out there too.
      const wanted = [...restorableIndexes((meta.indexes as Document[] | undefined) ?? []).specs, ...((meta.indexes as Document[] | undefined) ?? []).filter((ix) => ix.name === '_id_')];
      for (const ix of wanted) {
        const got = actual.get(String(ix.name));
        if (got === undefined) report(entry, 'restore-index-mismatch', `The index ${String(ix.name)} of ${entry.collection} is missing after restoring.`);
        else if (got !== indexShape(ix)) report(entry, 'restore-index-mismatch', `The index ${String(ix.name)} of ${entry.collection} differs after restoring: ${got} instead of ${indexShape(ix)}.`);
      }
    }
    return result;
  } finally {
    await db.dropDatabase().catch((err: unknown) => ctx.log('warn', `Could not remove the scratch database ${name}: ${err instanceof Error ? err.message : String(err)}`));
  }
}
