// Temporary files that interrupted writes left in a backup location (a killed backup leaves one per
// blob it was writing, up to a blob's size each). Nothing reads them; this removes them safely: a
// temporary file of a write that is still going on must never go.
import type { LogLevel } from '../../../shared/jobs';
import type { BlobStore } from './blob-store';
import { listLiveLocks, type Lock } from './locks';

/** A write takes seconds; a temporary file untouched for an hour belongs to no write in progress. */
export const TEMP_SAFE_AGE_MS = 60 * 60 * 1000;

export interface TempCleanup {
  removed: number;
  bytes: number;
}

export interface TempCleanupOptions {
  now?: number;
  minAgeMs?: number;
  log?: (level: LogLevel, message: string) => void;
  signal?: AbortSignal;
}

/**
 * Remove leftover temporary files. Under an exclusive lock with a lock file (prune) nobody else
 * writes, so all of them go. Otherwise (a backup, maintenance) only those older than the safe age and
 * made before every other live lock holder started, so none can be the write of a job running now.
 */
export async function removeTempLeftovers(store: BlobStore, lock: Lock, options: TempCleanupOptions = {}): Promise<TempCleanup> {
  const out: TempCleanup = { removed: 0, bytes: 0 };
  if (!store.listTemps) return out;
  const now = options.now ?? Date.now();
  let cutoff = Infinity;
  if (lock.kind !== 'exclusive' || lock.withoutFile) {
    const minAge = options.minAgeMs ?? TEMP_SAFE_AGE_MS;
    const others = (await listLiveLocks(store, { log: options.log })).filter((l) => l.id !== lock.id);
    const firstStart = Math.min(...others.map((l) => Date.parse(l.createdAt)));
    // Another holder's clock may differ a little from the drive's: the same margin applies before it.
    cutoff = Math.min(now - minAge, firstStart - minAge);
  }
  for await (const temp of store.listTemps()) {
    options.signal?.throwIfAborted();
    if (temp.modifiedAt >= cutoff) continue;
    await store.delete(temp.path);
    out.removed += 1;
    out.bytes += temp.size;
  }
  if (out.removed > 0) options.log?.('info', `Removed ${out.removed} unfinished file(s) (${out.bytes} bytes) that interrupted backups had left in the backup location.`);
  return out;
}
