// Prune (docs/backup-format.md §9): forget the snapshots retention does not keep, then delete every
// blob no remaining snapshot names (mark & sweep), under an exclusive lock. Marking happens before
// anything is deleted, so a damaged manifest stops prune while the location is still untouched.
// Retention applies to one group only — one connection on one computer, as restic's
// `forget --group-by host,paths` — because several connections (and computers) may share a backup
// location: pruning one must never forget another's restore points.
import os from 'node:os';
import type { OperationContext } from '../../../shared/jobs';
import { forEachLimit } from './blob-store';
import { acquire, type AcquireOptions, type Lock } from './locks';
import { applyRetention, type RetentionDecision, type RetentionPolicyInput } from './retention';
import { snapshotPath, type Repository } from './repository';
import type { SnapshotHeader } from './schemas';

/** The restore points retention applies to: those of one connection, made on one computer. */
export interface PruneGroup {
  profile: string;
  /** Default: this computer. */
  hostname?: string;
}

export function inGroup(snapshot: Pick<SnapshotHeader, 'profile' | 'hostname'>, group: Required<PruneGroup>): boolean {
  return snapshot.profile === group.profile && snapshot.hostname === group.hostname;
}

export interface PruneOptions {
  ctx: OperationContext;
  group: PruneGroup;
  /** Report what would be removed, change nothing. */
  dryRun?: boolean;
  now?: Date;
  /** An exclusive lock the caller already holds; otherwise prune takes (and releases) one. */
  lock?: Lock;
  lockOptions?: Omit<AcquireOptions, 'signal' | 'operation'>;
}

export interface PruneResult {
  dryRun: boolean;
  /** Canceled part-way: what was done so far is consistent (see the order of steps). */
  aborted: boolean;
  keepSnapshots: RetentionDecision[];
  forgetSnapshots: RetentionDecision[];
  /** Restore points of other connections or computers in the same location: kept, not judged. */
  otherSnapshots: number;
  deleteBlobs: number;
  keptBlobs: number;
  /** Bytes of the deleted snapshot files and blob files (or that would be deleted, in a dry run). */
  freedBytes: number;
}

const DELETE_PARALLELISM = 8;

export async function prune(repo: Repository, policy: RetentionPolicyInput, options: PruneOptions): Promise<PruneResult> {
  const { ctx } = options;
  const dryRun = options.dryRun ?? false;
  const lock = options.lock ?? (await acquire(repo.store, 'exclusive', { ...options.lockOptions, signal: ctx.signal, operation: 'prune', log: ctx.log }));
  if (lock.kind !== 'exclusive') throw new Error('prune needs an exclusive lock');
  const result: PruneResult = { dryRun, aborted: false, keepSnapshots: [], forgetSnapshots: [], otherSnapshots: 0, deleteBlobs: 0, keptBlobs: 0, freedBytes: 0 };
  const stopped = () => {
    if (ctx.signal.aborted) result.aborted = true;
    return result.aborted;
  };
  try {
    repo.invalidateBlobCache(); // another process may have changed the location since it was opened

    ctx.onProgress({ phase: 'Reading restore points', done: 0, total: null, unit: 'restore points', message: '' });
    const snapshots = await repo.listSnapshots(); // strict: an unreadable snapshot stops prune
    const group = { profile: options.group.profile, hostname: options.group.hostname ?? os.hostname() };
    const mine = snapshots.filter((s) => inGroup(s, group));
    const decision = applyRetention(mine, policy, options.now ?? new Date());
    result.keepSnapshots = decision.keep;
    result.forgetSnapshots = decision.forget;
    result.otherSnapshots = snapshots.length - mine.length;
    ctx.log('info', `Keeping ${decision.keep.length} restore points of "${group.profile}" made on ${group.hostname}, forgetting ${decision.forget.length}; ${result.otherSnapshots} of other connections or computers are left as they are`);
    if (stopped()) return result;

    // Every snapshot that is not forgotten keeps its data, whichever connection made it.
    const forgotten = new Set(decision.forget.map((d) => d.id));
    const kept = snapshots.filter((s) => !forgotten.has(s.id));
    const marked = new Set<string>();
    let done = 0;
    for (const snapshot of kept) {
      ctx.onProgress({ phase: 'Checking which data is still needed', done, total: kept.length, unit: 'restore points', message: '' });
      for (const id of snapshot.manifest) marked.add(id);
      let n = 0;
      for await (const entry of repo.readManifest(snapshot)) {
        if ('chunks' in entry) for (const c of entry.chunks) marked.add(c.id);
        if (++n % 10_000 === 0 && stopped()) return result;
      }
      done += 1;
      if (stopped()) return result;
    }

    ctx.onProgress({ phase: 'Removing old restore points', done: 0, total: decision.forget.length, unit: 'restore points', message: '' });
    done = 0;
    for (const forget of decision.forget) {
      const path = snapshotPath(forget.id);
      const size = (await repo.store.stat(path))?.size ?? 0;
      if (!dryRun) await repo.deleteSnapshot(forget.id);
      result.freedBytes += size;
      ctx.onProgress({ phase: 'Removing old restore points', done: ++done, total: decision.forget.length, unit: 'restore points', message: '' });
      if (stopped()) return result;
    }

    ctx.onProgress({ phase: 'Removing unused data', done: 0, total: null, unit: 'files', bytesDone: 0, message: '' });
    const STOP = Symbol('stop');
    try {
      await forEachLimit(repo.listBlobs(), DELETE_PARALLELISM, async (blob) => {
        if (stopped()) throw STOP; // stops the listing too
        if (marked.has(blob.id)) {
          result.keptBlobs += 1;
          return;
        }
        if (!dryRun) await repo.deleteBlob(blob.id);
        result.deleteBlobs += 1;
        result.freedBytes += blob.size;
        if (result.deleteBlobs % 100 === 0) {
          ctx.onProgress({ phase: 'Removing unused data', done: result.deleteBlobs, total: null, unit: 'files', bytesDone: result.freedBytes, message: '' });
        }
      });
    } catch (err) {
      if (err !== STOP) throw err;
      return result;
    }
    ctx.onProgress({ phase: 'Removing unused data', done: result.deleteBlobs, total: result.deleteBlobs, unit: 'files', bytesDone: result.freedBytes, message: '' });
    ctx.log('info', `${dryRun ? 'Would remove' : 'Removed'} ${result.deleteBlobs} unused data files (${result.freedBytes} bytes)`);
    return result;
  } finally {
    repo.invalidateBlobCache();
    if (!options.lock) await lock.release();
  }
}
