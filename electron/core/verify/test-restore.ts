// Test restore: the database part of a restore point is restored into a scratch database on the same
// server (`pcimaint_verify_<snapshot id>`), then document counts and index definitions are compared
// with the backup. The scratch database is always dropped afterwards — also on failure or cancel.
import { BSON, EJSON, type Document } from 'bson';
import type { MongoClient } from 'mongodb';
import type { OperationContext } from '../../../shared/jobs';
import type { MongoCollectionEntry, MongoMetadataEntry, Repository } from '../repository';
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

const KEEP_TYPES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;
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
  const report = (entry: { path: string }, code: 'restore-failed' | 'restore-count-mismatch' | 'restore-index-mismatch', message: string) =>
    problems.add({ snapshotId, path: entry.path, blob: null, file: null, code, message });
  ctx.onProgress({ phase: PHASE, unit: 'documents', done: 0, total, bytesDone: 0, bytesTotal: null, message: name });
  await db.dropDatabase().catch(() => undefined); // a scratch database left by a crashed run
  try {
    for (const entry of parts.collections) {
      ctx.signal.throwIfAborted();
      const metaEntry = parts.metadata.find((m) => m.db === entry.db && m.collection === entry.collection);
      let meta: Document = { indexes: [], options: {} };
      try {
        if (metaEntry) meta = EJSON.parse((await contentOf(repo, metaEntry)).toString('utf8'), { relaxed: false }) as Document;
        await db.command({ create: entry.collection, ...((meta.options as Document | undefined) ?? {}) });
        let batch: Document[] = [];
        let bytes = 0;
        const flush = async () => {
          if (batch.length > 0) await db.collection(entry.collection).insertMany(batch, { ordered: true, bypassDocumentValidation: true });
          result.documents += batch.length;
          ctx.onProgress({ done: result.documents, message: `${entry.db}.${entry.collection}` });
          batch = [];
          bytes = 0;
        };
        for (const chunk of entry.chunks) {
          ctx.signal.throwIfAborted();
          for (const doc of splitDocuments(await repo.getBlob(chunk.id))) {
            batch.push(BSON.deserialize(doc, KEEP_TYPES));
            bytes += doc.length;
            if (bytes >= BATCH_BYTES) await flush();
          }
        }
        await flush();
        const specs = ((meta.indexes as Document[] | undefined) ?? []).filter((ix) => ix.name !== '_id_').map(({ v: _v, ns: _ns, ...spec }) => spec);
        if (specs.length > 0) await db.command({ createIndexes: entry.collection, indexes: specs });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        report(entry, 'restore-failed', `The collection ${entry.collection} could not be restored: ${err instanceof Error ? err.message : String(err)}.`);
        continue;
      }
      result.collections += 1;
      const count = await db.collection(entry.collection).countDocuments({});
      if (count !== entry.docs) report(entry, 'restore-count-mismatch', `The collection ${entry.collection} has ${count} documents after restoring, the backup holds ${entry.docs}.`);
      const actual = new Map(((await db.collection(entry.collection).listIndexes(KEEP_TYPES).toArray()) as Document[]).map((ix) => [String(ix.name), indexShape(ix)]));
      for (const ix of (meta.indexes as Document[] | undefined) ?? []) {
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
