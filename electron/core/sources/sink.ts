// What a backup source writes into: blobs (deduplicated) and manifest entries, plus the chunkers of
// the backup location. A narrow port over Repository + ManifestWriter, so sources never see how or
// where the data is stored, and tests can count what a source wrote.
import { createReadStream } from 'node:fs';
import type { OperationContext, ProgressUpdate } from '../../../shared/jobs';
import { BsonDocumentChunker, type ChunkRef, type GearChunker, type ManifestEntry, type ManifestWriter, type PutBlobResult, type Repository } from '../repository';

export interface BackupSink {
  /** Store one chunk; resolves once it is durably stored (or was already there). */
  putBlob(data: Buffer): Promise<PutBlobResult>;
  /** Whether the location holds this blob (used before reusing a previous snapshot's chunks). */
  hasBlob(id: string): Promise<boolean>;
  /** Append a manifest entry; every blob it names must be stored already. */
  add(entry: ManifestEntry): Promise<void>;
  /** Content-defined chunker for byte streams (objects, files). */
  createChunker(): GearChunker;
  /** The same, cutting only between whole BSON documents (collections). */
  createBsonChunker(): BsonDocumentChunker;
}

export function sinkFor(repo: Repository, writer: ManifestWriter): BackupSink {
  return {
    putBlob: (data) => writer.putBlob(data),
    hasBlob: (id) => repo.hasBlob(id),
    add: (entry) => writer.add(entry),
    createChunker: () => repo.createChunker(),
    createBsonChunker: () => new BsonDocumentChunker(repo.config.chunker, repo.gear),
  };
}

/** What one source did, for the job summary (the snapshot header keeps entries and bytes per source). */
export interface SourceReport {
  kind: 'mongo' | 'r2' | 'files' | 'sqlite' | 'postgres';
  name: string;
  entries: number;
  bytes: number;
  /** Plaintext bytes this source stored for the first time. */
  newBytes: number;
  /** r2: objects downloaded vs taken over from the previous restore point without downloading. */
  downloaded?: number;
  reused?: number;
  /** Items that vanished between listing and reading (deleted meanwhile), skipped. */
  vanished?: number;
  /** mongo: the documents of each collection as backed up (the dashboard compares today's with them). */
  collections?: Array<{ name: string; documents: number }>;
  /** sqlite, postgres: the rows of each table as backed up (postgres: "schema.table"). */
  tables?: Array<{ name: string; rows: number }>;
}

/** Progress of one phase: counts and bytes with totals where known; the job manager adds the ETA. */
export class PhaseProgress {
  done = 0;
  bytesDone = 0;

  constructor(
    private readonly ctx: OperationContext,
    readonly phase: string,
    readonly unit: string,
    private total: number | null,
    private bytesTotal: number | null,
  ) {
    this.emit('');
  }

  setTotals(total: number | null, bytesTotal: number | null): void {
    this.total = total;
    this.bytesTotal = bytesTotal;
    this.emit();
  }

  add(items: number, bytes: number, message?: string): void {
    this.done += items;
    this.bytesDone += bytes;
    // Sources report every network read; passing each on would cost more than it tells. A few
    // updates a second are plenty (the job manager throttles further), and the last one is forced.
    const now = performance.now();
    if (now - this.lastEmit < 50) return;
    this.emit(message);
  }

  private lastEmit = -Infinity;

  emit(message?: string): void {
    this.lastEmit = performance.now();
    // Totals are estimates (collection statistics, an earlier listing): never show more done than total.
    const update: ProgressUpdate = {
      phase: this.phase,
      unit: this.unit,
      done: this.done,
      total: this.total === null ? null : Math.max(this.total, this.done),
      bytesDone: this.bytesDone,
      bytesTotal: this.bytesTotal === null ? null : Math.max(this.bytesTotal, this.bytesDone),
    };
    if (message !== undefined) update.message = message.length > 120 ? `${message.slice(0, 117)}…` : message;
    this.ctx.onProgress(update);
  }
}

/**
 * Work started in order, finished in order: up to `limit` promises in flight, results handed to
 * `onResult` in the order they were pushed. Used to overlap chunk writes with reading, and object
 * downloads with each other, while manifest entries keep their order.
 */
export class OrderedWindow<T> {
  private readonly queue: Promise<T>[] = [];

  constructor(
    private readonly limit: number,
    private readonly onResult: (result: T) => Promise<void> | void,
  ) {}

  async push(work: Promise<T>): Promise<void> {
    work.catch(() => undefined); // surfaced when its turn comes; never "unhandled" meanwhile
    this.queue.push(work);
    while (this.queue.length >= this.limit) await this.shiftOne();
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.shiftOne();
  }

  private async shiftOne(): Promise<void> {
    const result = await this.queue[0];
    this.queue.shift();
    await this.onResult(result);
  }
}

/**
 * A file's bytes through the content-defined chunker into the sink, two chunk writes overlapping the
 * reading; `onChunk` runs after each chunk is stored, in order. The size is what was read (a file
 * growing meanwhile is cut there). Read errors come out as they are: each source words its own.
 */
export async function storeFileChunks(file: string, sink: BackupSink, ctx: OperationContext, progress: PhaseProgress, report: SourceReport, onChunk?: () => Promise<void>): Promise<{ chunks: ChunkRef[]; size: number }> {
  return storeStreamChunks(createReadStream(file, { highWaterMark: 1024 * 1024, signal: ctx.signal }) as AsyncIterable<Buffer>, sink, ctx, progress, report, onChunk);
}

/** The same for bytes as they come (a dump tool's output): nothing is written to disk on the way. */
export async function storeStreamChunks(input: AsyncIterable<Buffer>, sink: BackupSink, ctx: OperationContext, progress: PhaseProgress, report: SourceReport, onChunk?: () => Promise<void>): Promise<{ chunks: ChunkRef[]; size: number }> {
  ctx.signal.throwIfAborted();
  const chunks: ChunkRef[] = [];
  const window = new OrderedWindow<ChunkRef>(2, async (ref) => {
    chunks.push(ref);
    await onChunk?.();
  });
  const store = (data: Buffer) =>
    window.push(
      sink.putBlob(data).then((r) => {
        if (r.stored) report.newBytes += r.size;
        return { id: r.id, size: r.size };
      }),
    );
  const chunker = sink.createChunker();
  let size = 0;
  for await (const data of input) {
    size += data.length;
    progress.add(0, data.length);
    for (const chunk of chunker.push(data)) await store(chunk);
  }
  const last = chunker.finish();
  if (last) await store(last);
  await window.drain();
  return { chunks, size };
}
