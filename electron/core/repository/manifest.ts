// The manifest of a snapshot (docs/backup-format.md §6): NDJSON entries cut into parts of about
// 4 MiB, each stored as a blob. Writing and reading both stream, so memory stays bounded by one part
// however many millions of objects a bucket holds. The snapshot file is written last.
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { blobPath } from './blob-codec';
import { backupDamaged } from './errors';
import { ManifestEntry, SNAPSHOT_VERSION, SnapshotHeader, zodReason, type SourceStats } from './schemas';


export interface PutBlobResult {
  id: string;
  /** Plaintext bytes. */
  size: number;
  /** false when the blob was already there (deduplicated) and nothing was written. */
  stored: boolean;
  /** Bytes written to the store (compressed, encrypted); 0 when not stored. */
  storedBytes: number;
}

/** What manifests need of a repository (repository.ts implements it): blobs in, blobs out, the snapshot. */
export interface ManifestBlobs {
  putBlob(data: Buffer): Promise<PutBlobResult>;
  getBlob(id: string): Promise<Buffer>;
  hasBlob(id: string): Promise<boolean>;
  /** Make every blob put so far durable (pack files and their index); called before the snapshot is stored. */
  flush?(): Promise<void>;
  /** The file a blob is in, for messages (a pack file in a packed location). */
  blobFile?(id: string): string | null;
  storeSnapshot(header: SnapshotHeader): Promise<void>;
}

export const DEFAULT_PART_BYTES = 4 * 1024 * 1024;

export interface ManifestWriterOptions {
  /** Target plaintext size of one manifest part (tests use a small one). */
  partBytes?: number;
}

/** What the caller knows about the snapshot; the writer fills in id, times, stats and manifest. */
export interface SnapshotInput {
  /** When the backup started (the moment the snapshot describes). Defaults to now. */
  createdAt?: Date;
  tags: string[];
  profile: string;
  hostname?: string;
  appVersion: string;
  parent?: string | null;
  consistency: 'point-in-time' | 'best-effort';
  consistencyNote?: string;
}

function sourceOf(entry: ManifestEntry): { kind: SourceStats['kind']; name: string } {
  switch (entry.kind) {
    case 'mongo-collection':
    case 'mongo-metadata':
      return { kind: 'mongo', name: entry.db };
    case 'r2-object':
      return { kind: 'r2', name: entry.bucket };
    case 'sqlite-database':
      return { kind: 'sqlite', name: entry.name };
    case 'postgres-database':
      return { kind: 'postgres', name: entry.database };
    default:
      return { kind: 'files', name: entry.path.split('/')[1] };
  }
}

export class ManifestWriter {
  private readonly partBytes: number;
  private readonly startedAt = new Date();
  private lines: string[] = [];
  private lineBytes = 0;
  private readonly parts: string[] = [];
  /** add() calls run one after another so entries keep their order even if the caller does not await. */
  private queue: Promise<void> = Promise.resolve();
  private readonly pendingPuts = new Set<Promise<unknown>>();
  private state: 'open' | 'finishing' | 'finished' | 'aborted' = 'open';
  private readonly sources = new Map<string, SourceStats>();
  private readonly counts = { entries: 0, bytes: 0, newBytes: 0, storedBytes: 0, newBlobs: 0 };

  constructor(
    private readonly repo: ManifestBlobs,
    options: ManifestWriterOptions = {},
  ) {
    this.partBytes = options.partBytes ?? DEFAULT_PART_BYTES;
  }

  /** Store a data blob and count it in this snapshot's stats (new vs reused bytes). */
  putBlob(data: Buffer): Promise<PutBlobResult> {
    this.assertOpen();
    const p = this.repo.putBlob(data).then((r) => {
      if (r.stored) {
        this.counts.newBytes += r.size;
        this.counts.storedBytes += r.storedBytes;
        this.counts.newBlobs += 1;
      }
      return r;
    });
    const tracked = p.finally(() => this.pendingPuts.delete(tracked));
    tracked.catch(() => undefined); // the caller sees the rejection through `p`
    this.pendingPuts.add(tracked);
    return p;
  }

  /** Append one entry. Every blob it names must already be stored (checked: a snapshot never names a missing blob). */
  add(entry: ManifestEntry): Promise<void> {
    this.assertOpen();
    const run = this.queue.then(() => this.addNow(entry));
    this.queue = run.catch(() => undefined);
    return run;
  }

  get stats(): { entries: number; bytes: number; newBytes: number; storedBytes: number } {
    return { ...this.counts };
  }

  private async addNow(entry: ManifestEntry): Promise<void> {
    const parsed = ManifestEntry.safeParse(entry);
    if (!parsed.success) throw new Error(`Invalid manifest entry ${JSON.stringify(entry.path)}: ${zodReason(parsed.error)}`);
    const e = parsed.data;
    if ('chunks' in e) {
      for (const c of e.chunks) {
        if (!(await this.repo.hasBlob(c.id))) throw new Error(`Manifest entry ${JSON.stringify(e.path)} names blob ${c.id}, which is not stored`);
      }
    }
    const line = `${JSON.stringify(e)}\n`;
    const size = Buffer.byteLength(line, 'utf8');
    if (this.lineBytes > 0 && this.lineBytes + size > this.partBytes) await this.flushPart();
    this.lines.push(line);
    this.lineBytes += size;

    const bytes = 'size' in e ? e.size : 0;
    this.counts.entries += 1;
    this.counts.bytes += bytes;
    const src = sourceOf(e);
    const key = `${src.kind}\0${src.name}`;
    const s = this.sources.get(key) ?? { ...src, entries: 0, bytes: 0 };
    s.entries += 1;
    s.bytes += bytes;
    this.sources.set(key, s);
  }

  private async flushPart(): Promise<void> {
    const text = this.lines.join('');
    this.lines = [];
    this.lineBytes = 0;
    const r = await this.repo.putBlob(Buffer.from(text, 'utf8'));
    if (r.stored) {
      this.counts.storedBytes += r.storedBytes;
      this.counts.newBlobs += 1;
    }
    this.parts.push(r.id);
  }

  /**
   * Write the last manifest part, make every blob durable, then — last of all, durably — the snapshot
   * file. `beforeStore` runs just before the snapshot file is written (everything else is durable then).
   */
  async finish(input: SnapshotInput, options: { beforeStore?: () => Promise<void> | undefined } = {}): Promise<SnapshotHeader> {
    this.assertOpen();
    this.state = 'finishing';
    try {
      await this.queue;
      await Promise.all(this.pendingPuts);
      if (this.lines.length > 0) await this.flushPart();
      await this.repo.flush?.();
      const header: SnapshotHeader = {
        version: SNAPSHOT_VERSION,
        id: randomBytes(16).toString('hex'),
        createdAt: (input.createdAt ?? this.startedAt).toISOString(),
        finishedAt: new Date().toISOString(),
        tags: [...new Set(input.tags)],
        profile: input.profile,
        hostname: input.hostname ?? os.hostname(),
        appVersion: input.appVersion,
        parent: input.parent ?? null,
        consistency: input.consistency,
        ...(input.consistencyNote !== undefined ? { consistencyNote: input.consistencyNote } : {}),
        stats: {
          entries: this.counts.entries,
          bytes: this.counts.bytes,
          newBytes: this.counts.newBytes,
          reusedBytes: Math.max(0, this.counts.bytes - this.counts.newBytes),
          storedBytes: this.counts.storedBytes,
          newBlobs: this.counts.newBlobs,
          sources: [...this.sources.values()],
        },
        manifest: [...this.parts],
      };
      await options.beforeStore?.();
      await this.repo.storeSnapshot(header);
      this.state = 'finished';
      return header;
    } catch (err) {
      this.state = 'aborted';
      throw err;
    }
  }

  /** Give up (canceled or failed backup): no snapshot is written; the blobs stay until prune. */
  abort(): void {
    if (this.state === 'open') this.state = 'aborted';
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`This manifest writer is ${this.state}`);
  }
}

/**
 * Stream a snapshot's entries, one part in memory at a time (plus the next one, fetched ahead).
 * Any unreadable line is BACKUP_DAMAGED naming the part's blob file.
 */
export async function* readManifest(repo: Pick<ManifestBlobs, 'getBlob' | 'blobFile'>, snapshot: SnapshotHeader): AsyncGenerator<ManifestEntry> {
  const parts = snapshot.manifest;
  const fetch = (i: number): Promise<Buffer> | null => {
    if (i >= parts.length) return null;
    const p = repo.getBlob(parts[i]);
    p.catch(() => undefined); // if the consumer stops early, a failed prefetch is not "unhandled"
    return p;
  };
  let next = fetch(0);
  let count = 0;
  for (let i = 0; i < parts.length; i++) {
    const text = (await next!).toString('utf8');
    next = fetch(i + 1);
    const file = repo.blobFile?.(parts[i]) ?? blobPath(parts[i]);
    let start = 0;
    let lineNo = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) throw backupDamaged(file, 'the last manifest line is cut off');
      const line = text.slice(start, nl);
      start = nl + 1;
      lineNo += 1;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        throw backupDamaged(file, `manifest line ${lineNo} is not valid JSON`, err);
      }
      const parsed = ManifestEntry.safeParse(json);
      if (!parsed.success) throw backupDamaged(file, `manifest line ${lineNo}: ${zodReason(parsed.error)}`);
      count += 1;
      yield parsed.data;
    }
  }
  if (count !== snapshot.stats.entries) {
    throw backupDamaged(`snapshots/${snapshot.id}`, `the manifest has ${count} entries but the snapshot says ${snapshot.stats.entries}`);
  }
}
