// One backup ("restore point"): every source of the connection through its kind's module
// (sources/kind.ts) — MongoDB first, then the bucket (so every file record in the dump has its
// object), then folders and the rest; the snapshot file is written last, after every blob it names. An interrupted or failed backup leaves no snapshot, only unreferenced blobs that
// the next backup reuses and prune removes. Sources come in as ports (clients already connected),
// so this file never knows about profiles, secrets or which host started it.
import { setMaxListeners } from 'node:events';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import { acquire, removeTempLeftovers, type AcquireOptions, type Lock, type Repository, type SnapshotHeader, type SnapshotStats } from '../repository';
import { SnapshotTag } from '../repository/schemas';
import { backupOrder, SOURCE_KINDS, type BackupPart, type BackupPorts, type BackupRun, type PortKind, type SourceKindModule } from '../sources/kind';
import type { MongoSourcePort } from '../sources/mongo';
import type { R2SourcePort } from '../sources/r2';
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

/** Start a kind's `begin` now; the returned function backs the source up when its turn comes. */
function startPart<K extends PortKind>(kind: K, ports: Partial<BackupPorts>, run: BackupRun): () => Promise<BackupPart> {
  const module = SOURCE_KINDS[kind] as SourceKindModule<K, unknown>; // the registry's own type checks each entry
  const port = ports[kind] as BackupPorts[K];
  const begun = module.begin?.(port, run);
  return () => {
    run.ctx.log('info', `Backing up ${module.label(port)}.`);
    return module.backup(port, run, begun);
  };
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

    // Each source through its kind's module, in the registry's order (the database first, then the
    // bucket, then the rest); whatever a kind starts beforehand (the bucket count) runs beside them.
    const ports: Partial<BackupPorts> = { mongodb: sources.mongo ?? undefined, s3: sources.r2 ?? undefined, folder: sources.folders?.length ? sources.folders : undefined };
    const run: BackupRun = {
      sink,
      ctx: inner,
      fail: (err) => {
        if (!stop.signal.aborted) stop.abort(err);
      },
      repo,
      parent,
      retry,
      hook,
      tuning: { mongoBatchBytes: options.mongoBatchBytes, r2Concurrency: options.r2Concurrency, listPageSize: options.listPageSize, r2MetadataRecheckMarginMs: options.r2MetadataRecheckMarginMs },
    };
    const parts = backupOrder(ports).map((kind) => startPart(kind, ports, run));
    let consistency: SnapshotHeader['consistency'] = 'best-effort';
    let consistencyNote = 'This backup has no database.';
    let said = false;
    for (const part of parts) {
      const done = await part();
      reports.push(...done.reports);
      if (done.consistency && !said) {
        ({ consistency, note: consistencyNote } = done.consistency);
        said = true;
      }
    }

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
