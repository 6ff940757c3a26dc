// One backup ("restore point"): MongoDB first, then the R2 bucket (so every file record in the dump
// has its object), then the configuration folders; the snapshot file is written last, after every
// blob it names. An interrupted or failed backup leaves no snapshot, only unreferenced blobs that
// the next backup reuses and prune removes. Sources come in as ports (clients already connected),
// so this file never knows about profiles, secrets or which host started it.
import { setMaxListeners } from 'node:events';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import { acquire, removeTempLeftovers, type AcquireOptions, type Lock, type Repository, type SnapshotHeader, type SnapshotStats } from '../repository';
import { SnapshotTag } from '../repository/schemas';
import { r2ReadError } from '../sources/errors';
import { backupFolders } from '../sources/folders';
import { backupMongo, type MongoSourcePort } from '../sources/mongo';
import { backupR2, type R2SourcePort } from '../sources/r2';
import { countBucket, previousObjectsOf, probeBucket } from '../sources/r2-list';
import { DEFAULT_RETRY, errorText, type RetryPolicy } from '../sources/retry';
import { sinkFor, type SourceReport } from '../sources/sink';
import type { BackupHook } from './test-hooks';

export const SAVE_PHASE = 'Saving the restore point';

export interface BackupSources {
  mongo?: MongoSourcePort | null;
  r2?: R2SourcePort | null;
  /** Configuration folders (absolute paths). */
  folders?: string[];
}

export interface BackupOptions {
  /** The profile this backup belongs to; the previous restore point of the same profile is its parent. */
  profile: string;
  tags?: string[];
  appVersion: string;
  retry?: RetryPolicy;
  /** Aim for MongoDB cursor batches of about this many bytes (default 2 MiB; tests use small ones). */
  mongoBatchBytes?: number;
  /** R2 objects downloaded at the same time (default 8). */
  r2Concurrency?: number;
  /** R2 listing page size (tests use small pages). */
  listPageSize?: number;
  /** See R2BackupOptions.metadataRecheckMarginMs (tests use 0: their servers share our clock). */
  r2MetadataRecheckMarginMs?: number;
  /** Test hook (see test-hooks.ts); the engine's comes from PCI_MAINT_TEST_PAUSE_AT outside a packaged app. */
  hook?: BackupHook;
  /** Lock tuning for tests (host name, pid liveness). */
  lockOptions?: Omit<AcquireOptions, 'signal' | 'operation' | 'conflictsWith' | 'log'>;
}

export interface BackupResult {
  snapshotId: string;
  createdAt: string;
  finishedAt: string;
  durationMs: number;
  parent: string | null;
  tags: string[];
  consistency: SnapshotHeader['consistency'];
  consistencyNote: string;
  stats: SnapshotStats;
  /** Per source: entries, bytes, new bytes, and for R2 downloaded vs reused objects. */
  sources: SourceReport[];
}

/** The newest restore point of this profile in the location, to back up incrementally against. */
export function newestOfProfile(snapshots: SnapshotHeader[], profile: string): SnapshotHeader | null {
  let best: SnapshotHeader | null = null;
  for (const s of snapshots) if (s.profile === profile && (!best || s.createdAt > best.createdAt)) best = s;
  return best;
}

export function checkTags(tags: string[]): string[] {
  for (const tag of tags) {
    if (!SnapshotTag.safeParse(tag).success) {
      throw userError('INVALID_INPUT', 'Invalid tag', `"${tag}" cannot be used as a tag.`, 'Use up to 40 lower-case letters, digits and dashes, e.g. "before-upgrade".');
    }
  }
  return [...new Set(tags)];
}

export async function runBackup(repo: Repository, sources: BackupSources, ctx: OperationContext, options: BackupOptions): Promise<BackupResult> {
  const tags = checkTags(options.tags ?? []);
  const startedAt = new Date();
  const hook = options.hook;
  const retry = options.retry ?? DEFAULT_RETRY;

  // Our own signal: it follows the caller's cancel, and also stops every source at once when one part
  // fails (downloads still in flight, the bucket count running beside the database dump).
  const stop = new AbortController();
  setMaxListeners(1000, stop.signal); // every request in flight listens for a cancel
  const onCancel = () => stop.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onCancel();
  else ctx.signal.addEventListener('abort', onCancel, { once: true });
  const inner: OperationContext = { ...ctx, signal: stop.signal };

  const writer = repo.createManifestWriter();
  let lock: Lock | null = null;
  try {
    lock = await acquire(repo.store, 'shared', { ...options.lockOptions, signal: stop.signal, operation: 'backup', conflictsWith: ['backup'], log: ctx.log });
    repo.invalidateBlobCache(); // other backups or a prune may have changed the location since it was opened
    await removeTempLeftovers(repo.store, lock, { log: ctx.log, signal: stop.signal }).catch((err: unknown) => {
      if (!stop.signal.aborted) ctx.log('warn', `Could not remove leftover temporary files: ${err instanceof Error ? err.message : String(err)}`);
    });
    await repo.assertConfigUnchanged(); // found out now, not after the whole dump
    const snapshots = await repo.listSnapshots({ onDamaged: (id, err) => ctx.log('warn', `Restore point ${id} cannot be read (${err.details ?? err.message}); it is ignored.`) });
    const parent = newestOfProfile(snapshots, options.profile);
    ctx.log('info', parent ? `Backing up incrementally against the restore point of ${parent.createdAt}.` : 'First backup of this profile here: everything is copied.');
    const sink = sinkFor(repo, writer);
    const reports: SourceReport[] = [];

    // Progress totals for R2: the previous restore point's numbers are a good estimate; without one
    // the bucket is counted (a listing) beside the database dump. Either way R2 is asked something
    // right away, so a wrong key or a missing bucket stops the backup now instead of after the dump.
    const r2 = sources.r2 ?? null;
    const before = r2 ? parent?.stats.sources.find((s) => s.kind === 'r2' && s.name === r2.bucket) : undefined;
    const totals = r2
      ? (before ? probeBucket(r2.client, r2.bucket, inner, retry).then(() => ({ objects: before.entries, bytes: before.bytes })) : countBucket(r2.client, r2.bucket, inner, retry)).catch(
          (err: unknown) => {
            if (!stop.signal.aborted) stop.abort(r2.mapError ? r2.mapError(err) : r2ReadError(err, r2.bucket, 'listing'));
            return null;
          },
        )
      : null;

    let consistency: SnapshotHeader['consistency'] = 'best-effort';
    let consistencyNote = 'This backup has no database.';
    if (sources.mongo) {
      const m = await backupMongo(sources.mongo, sink, inner, { retry, hook, batchBytes: options.mongoBatchBytes });
      reports.push(m.report);
      consistency = m.consistency;
      consistencyNote = m.consistencyNote;
    }
    if (r2) {
      const previous = parent ? previousObjectsOf(repo.readManifest(parent), r2.bucket)[Symbol.asyncIterator]() : null;
      reports.push(await backupR2(r2, sink, inner, { retry, concurrency: options.r2Concurrency, pageSize: options.listPageSize, previous, previousCreatedAt: parent?.createdAt, metadataRecheckMarginMs: options.r2MetadataRecheckMarginMs, totals: totals ?? undefined, hook }));
    }
    if (sources.folders && sources.folders.length > 0) reports.push(...(await backupFolders(sources.folders, sink, inner, { hook })));

    stop.signal.throwIfAborted();
    if (lock.lost) throw lock.lost; // someone judged our lock stale: a prune may be deleting blobs we named
    inner.onProgress({ phase: SAVE_PHASE, unit: 'steps', done: 0, total: 1, bytesDone: 0, bytesTotal: null, message: '' });
    // 'before-snapshot': every blob and the file list are durable (format 2: packs and index), only the snapshot file is missing.
    const header = await writer.finish({ createdAt: startedAt, tags, profile: options.profile, appVersion: options.appVersion, parent: parent?.id ?? null, consistency, consistencyNote }, { beforeStore: () => hook?.('before-snapshot') });
    // Nothing is reported as saved that the location cannot open: its config must still be the one
    // whose keys wrote this restore point. If not, the file is unreadable there, so it goes again.
    await repo.assertConfigUnchanged().catch(async (err: unknown) => {
      await repo.deleteSnapshot(header.id).catch(() => undefined);
      throw err;
    });
    inner.onProgress({ phase: SAVE_PHASE, done: 1, total: 1, message: '' });
    ctx.log('info', `Saved restore point ${header.id}: ${header.stats.entries} items, ${header.stats.newBytes} new bytes of ${header.stats.bytes}.`);
    return {
      snapshotId: header.id,
      createdAt: header.createdAt,
      finishedAt: header.finishedAt,
      durationMs: Date.parse(header.finishedAt) - Date.parse(header.createdAt),
      parent: header.parent,
      tags: header.tags,
      consistency: header.consistency,
      consistencyNote: header.consistencyNote ?? '',
      stats: header.stats,
      sources: reports,
    };
  } catch (err) {
    writer.abort();
    if (!stop.signal.aborted) stop.abort(err);
    throw ctx.signal.aborted ? ctx.signal.reason : err;
  } finally {
    ctx.signal.removeEventListener('abort', onCancel);
    await lock?.release().catch((err: unknown) => ctx.log('warn', `Could not remove the lock file (${errorText(err)}); it expires by itself.`));
  }
}
