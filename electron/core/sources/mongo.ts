// Backs up one MongoDB database the way mongodump lays it out: per collection the documents' raw BSON
// in `_id` order (`mongo/<db>/<coll>.bson`) and `<coll>.metadata.json`. Documents are never decoded:
// the driver's raw mode hands over the server's bytes, so every BSON type survives byte for byte.
// On a replica set the whole database is read at one cluster time (a snapshot session).
import type { ClientSession, Db, MongoClient } from 'mongodb';
import type { OperationContext } from '../../../shared/jobs';
import type { BsonChunkRef, MongoCollectionEntry } from '../repository';
import { BUCKETS_PREFIX, listCatalog, listIndexDocs, metadataJson, type CatalogEntry } from './mongo-catalog';
import { isResumable, isSnapshotLost, isSnapshotUnsupported, rawId, resumeFilter } from './mongo-resume';
import { mongoReadError, type ErrorMapper } from './errors';
import { DEFAULT_RETRY, backoff, errorText, type RetryPolicy } from './retry';
import { OrderedWindow, PhaseProgress, type BackupSink, type SourceReport } from './sink';

export interface MongoSourcePort {
  client: MongoClient;
  database: string;
  /** Turns driver errors into UserErrors (the connections module's wording); a default is used otherwise. */
  mapError?: ErrorMapper;
}

export interface MongoBackupOptions {
  retry?: RetryPolicy;
  /** Chunk writes (hash, compress, store) in flight while reading goes on. */
  writeAhead?: number;
  /** Aim for cursor batches of about this many bytes (at most 2000 documents). */
  batchBytes?: number;
  /** Test hook, called at named points (see backup/test-hooks.ts). */
  hook?: (point: string) => Promise<void>;
}

export interface MongoBackupResult {
  report: SourceReport;
  consistency: 'point-in-time' | 'best-effort';
  consistencyNote: string;
}

export const MONGO_PHASE = 'Backing up the database';

/** Shared by every collection of one dump: the snapshot session while it lasts, and why it ended. */
interface ReadState {
  session: ClientSession | undefined;
  pointInTime: boolean;
  note: string;
  batchSize: number;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'object' && v !== null && 'valueOf' in v ? Number(v.valueOf()) : null);

export async function backupMongo(port: MongoSourcePort, sink: BackupSink, ctx: OperationContext, options: MongoBackupOptions = {}): Promise<MongoBackupResult> {
  const db = port.client.db(port.database);
  const mapError = port.mapError ?? ((err: unknown) => mongoReadError(err, `database ${port.database}`));
  const progress = new PhaseProgress(ctx, MONGO_PHASE, 'documents', null, null);
  const report: SourceReport = { kind: 'mongo', name: port.database, entries: 0, bytes: 0, newBytes: 0, collections: [] };

  let catalog: CatalogEntry[];
  let replicated: boolean;
  let batchSize = 1000;
  try {
    // `hello` is MongoDB ≥ 4.4.2; older servers only know `isMaster`.
    const hello = await db.admin().command({ hello: 1 }).catch(() => db.admin().command({ isMaster: 1 }));
    replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
    const stats = await db.command({ dbStats: 1 }).catch(() => null); // only for totals and batch size
    progress.setTotals(num(stats?.objects), num(stats?.dataSize));
    // About 2 MiB per batch, and never more than 2000 documents: the driver's raw mode costs a few KiB
    // of memory per buffered document, so huge batches of small documents cost hundreds of MiB (and
    // are no faster: measured 2000 ≈ 1.5× faster than 50,000 documents per batch).
    const avg = num(stats?.avgObjSize);
    if (avg && avg > 0) batchSize = Math.max(100, Math.min(2000, Math.floor((options.batchBytes ?? 2 * 1024 * 1024) / avg)));
    catalog = await listCatalog(db);
  } catch (err) {
    throw mapError(err);
  }

  const state: ReadState = {
    session: replicated ? port.client.startSession({ snapshot: true }) : undefined,
    pointInTime: replicated,
    note: replicated
      ? 'The whole database was copied as it was at one moment (MongoDB runs as a replica set, which allows that).'
      : 'MongoDB runs as a single server, which cannot hold one moment still for a backup: a record changed while the backup ran may be copied partly before and partly after the change. For a copy that is exactly one moment, stop PCI File Manager during the backup.',
    batchSize,
  };
  ctx.log('info', `Backing up database ${port.database}: ${catalog.length} collections and views, ${replicated ? 'snapshot read' : 'best effort (standalone server)'}`);
  if (catalog.length === 0) ctx.log('warn', `The database ${port.database} has no collections. Check the database name in the profile if this is unexpected.`);
  try {
    for (const entry of catalog) {
      ctx.signal.throwIfAborted();
      const indexes = entry.type === 'view' ? [] : await listIndexDocs(db, entry.name).catch((err: unknown) => Promise.reject(mapError(err)));
      if (indexes === null) {
        ctx.log('warn', `Collection ${entry.name} was dropped while the backup ran; it is not in this backup.`);
        continue;
      }
      if (entry.type === 'collection' || entry.type === 'timeseries') {
        // A time-series collection's data are its buckets; mongodump writes them as
        // system.buckets.<name>.bson (mongo-tools mongodump/prepare.go), and so does the backup.
        const source = entry.type === 'timeseries' ? `${BUCKETS_PREFIX}${entry.name}` : entry.name;
        const collection = await dumpCollection(db, port.database, source, sink, ctx, progress, state, report, options).catch((err: unknown) => {
          throw ctx.signal.aborted ? ctx.signal.reason : mapError(err);
        });
        await sink.add(collection);
        report.entries += 1;
        report.bytes += collection.size;
        // Per-collection counts for the dashboard's comparison (a time-series collection: its buckets).
        report.collections!.push({ name: entry.name, documents: collection.docs });
      }
      const meta = metadataJson(entry, indexes);
      const stored = await sink.putBlob(meta);
      if (stored.stored) report.newBytes += stored.size;
      await sink.add({
        kind: 'mongo-metadata',
        path: `mongo/${port.database}/${entry.name}.metadata.json`,
        db: port.database,
        collection: entry.name,
        size: meta.length,
        chunks: [{ id: stored.id, size: meta.length }],
      });
      report.entries += 1;
      report.bytes += meta.length;
    }
  } finally {
    await state.session?.endSession().catch(() => undefined);
  }
  progress.emit('');
  return { report, consistency: state.pointInTime ? 'point-in-time' : 'best-effort', consistencyNote: state.note };
}

/** One collection's documents through the document chunker into blobs; returns its manifest entry. */
async function dumpCollection(
  db: Db,
  dbName: string,
  name: string,
  sink: BackupSink,
  ctx: OperationContext,
  progress: PhaseProgress,
  state: ReadState,
  report: SourceReport,
  options: MongoBackupOptions,
): Promise<MongoCollectionEntry> {
  const chunks: BsonChunkRef[] = [];
  const window = new OrderedWindow<BsonChunkRef>(options.writeAhead ?? 3, async (ref) => {
    chunks.push(ref);
    await options.hook?.('mongo-chunk-stored');
  });
  const chunker = sink.createBsonChunker();
  const store = async (data: Buffer, docs: number, last = false) => {
    progress.add(docs, data.length, name);
    await window.push(
      sink.putBlob(data).then(async (r) => {
        if (r.stored) report.newBytes += r.size;
        if (!last) await options.hook?.('mongo-mid-collection'); // stored, and more of the collection follows
        return { id: r.id, size: r.size, docs };
      }),
    );
  };
  await readCollection(db, name, ctx, state, options.retry ?? DEFAULT_RETRY, async (batch) => {
    for (const doc of batch) for (const chunk of chunker.add(doc)) await store(chunk.data, chunk.docs);
  });
  const last = chunker.finish();
  if (last) await store(last.data, last.docs, true);
  await window.drain();
  const size = chunks.reduce((n, c) => n + c.size, 0);
  const docs = chunks.reduce((n, c) => n + c.docs, 0);
  return { kind: 'mongo-collection', path: `mongo/${dbName}/${name}.bson`, db: dbName, collection: name, docs, size, chunks };
}

/**
 * Every document of the collection in `_id` order, batch by batch (raw BSON, never decoded). A read
 * cut off by a dropped connection or a killed cursor continues after the last document handed over;
 * retries are bounded, and counted afresh whenever a read makes progress.
 */
async function readCollection(db: Db, name: string, ctx: OperationContext, state: ReadState, retry: RetryPolicy, onBatch: (docs: Buffer[]) => Promise<void>): Promise<void> {
  let last: Buffer | null = null;
  let failures = 0;
  for (;;) {
    const filter = last ? resumeFilter(rawId(last)) : {};
    const cursor = db.collection(name).find(filter, { raw: true, sort: { _id: 1 }, batchSize: state.batchSize, session: state.session });
    try {
      while (await cursor.hasNext()) {
        ctx.signal.throwIfAborted();
        const batch = cursor.readBufferedDocuments() as unknown as Buffer[];
        if (batch.length === 0) continue;
        await onBatch(batch);
        last = batch[batch.length - 1];
        failures = 0;
      }
      return;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (state.session && (isSnapshotLost(err) || (last === null && isSnapshotUnsupported(err)))) {
        // Carry on without the snapshot rather than fail the backup; the restore point says so.
        ctx.log('warn', `MongoDB can no longer read at one point in time (${errorText(err)}); continuing with a best-effort read.`);
        await state.session.endSession().catch(() => undefined);
        state.session = undefined;
        state.pointInTime = false;
        state.note = 'MongoDB could not keep one point in time for the whole backup (it took too long or the server does not support it): documents that changed meanwhile may be a mix of old and new.';
        continue;
      }
      failures += 1;
      if (!isResumable(err) || failures > retry.retries) throw err;
      ctx.log('warn', `Reading ${name} was interrupted (${errorText(err)}); continuing after the last document received (attempt ${failures} of ${retry.retries}).`);
      await backoff(retry, failures, ctx.signal);
    } finally {
      await cursor.close().catch(() => undefined);
    }
  }
}
