// Prune (docs/backup-format.md §9): forget the snapshots retention does not keep, then delete every
// blob no remaining snapshot names (mark & sweep), under an exclusive lock. Marking happens before
// anything is deleted, so a damaged manifest stops prune while the location is still untouched.
// Retention applies to one group only — one connection on one computer, as restic's
// `forget --group-by host,paths` — because several connections (and computers) may share a backup
// location: pruning one must never forget another's restore points.
import os from 'node:os';
import type { OperationContext } from '../../../shared/jobs';
import { forEachLimit } from './blob-store';
import { UserError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { destFull } from './errors';
import { removeTempLeftovers } from './leftovers';
import { acquire, withoutFileNote, type AcquireOptions, type Lock } from './locks';
import { applyRetention, type RetentionDecision, type RetentionPolicyInput } from './retention';
import { removablePacks, sweepPacks } from './prune-packs';
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
  /** Temporary files interrupted writes had left, removed (not in a dry run). */
  leftoverFiles?: number;
  /** Plain sentences about how the prune ran (e.g. that it made room on a full drive first). */
  notes: string[];
}

const DELETE_PARALLELISM = 8;

export async function prune(repo: Repository, policy: RetentionPolicyInput, options: PruneOptions): Promise<PruneResult> {
  const { ctx } = options;
  if (options.lock) {
    if (options.lock.kind !== 'exclusive') throw new Error('prune needs an exclusive lock');
    return pruneLocked(repo, policy, { ...options, lock: options.lock }, emptyResult(options));
  }
  // A dry run only reads; a real prune on a full drive first makes room for its lock file.
  let lock = await acquire(repo.store, 'exclusive', { ...options.lockOptions, signal: ctx.signal, operation: 'prune', log: ctx.log, readOnlyJob: true });
  const result = emptyResult(options);
  try {
    if (lock.withoutFile && !options.dryRun) {
      if (lock.withoutFile === 'read-only') throw readOnlyLocation(repo);
      lock = await makeRoom(repo, policy, options, lock, result);
      result.notes.push(`The backup drive was full: ${result.forgetSnapshots.length} old restore point(s) and ${result.deleteBlobs} unused data file(s) were removed first, to make room to mark the drive as in use.`);
    } else if (lock.withoutFile) {
      result.notes.push(withoutFileNote(lock.withoutFile, 'clean-up preview'));
    }
    return await pruneLocked(repo, policy, { ...options, lock }, result);
  } finally {
    await lock.release();
  }
}

function emptyResult(options: PruneOptions): PruneResult {
  return { dryRun: options.dryRun ?? false, aborted: false, keepSnapshots: [], forgetSnapshots: [], otherSnapshots: 0, deleteBlobs: 0, keptBlobs: 0, freedBytes: 0, notes: [] };
}

function readOnlyLocation(repo: Repository): UserError {
  return new UserError({
    code: 'DEST_NOT_WRITABLE',
    title: 'Cannot clean up',
    message: 'The backup location is read-only, so old restore points cannot be removed from it.',
    hint: 'Make the backup drive writable, then run the clean-up again.',
    details: `prune: ${repo.store.describe()} is read-only`,
  });
}

interface Decided {
  decision: { keep: RetentionDecision[]; forget: RetentionDecision[] };
  others: number;
  /** Every blob a snapshot that is not forgotten names; null when canceled part-way. */
  marked: Set<string> | null;
}

/**
 * Retention for this group only (`inGroup`), then mark: every snapshot that is not forgotten keeps its
 * data, whichever connection made it. Nothing is deleted here.
 */
async function decide(repo: Repository, policy: RetentionPolicyInput, options: PruneOptions): Promise<Decided> {
  const { ctx } = options;
  ctx.onProgress({ phase: 'Reading restore points', done: 0, total: null, unit: 'restore points', message: '' });
  const snapshots = await repo.listSnapshots(); // strict: an unreadable snapshot stops prune
  const group = { profile: options.group.profile, hostname: options.group.hostname ?? os.hostname() };
  const mine = snapshots.filter((s) => inGroup(s, group));
  const decision = applyRetention(mine, policy, options.now ?? new Date());
  const others = snapshots.length - mine.length;
  ctx.log('info', `Keeping ${decision.keep.length} restore points of "${group.profile}" made on ${group.hostname}, forgetting ${decision.forget.length}; ${others} of other connections or computers are left as they are`);
  if (ctx.signal.aborted) return { decision, others, marked: null };

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
      if (++n % 10_000 === 0 && ctx.signal.aborted) return { decision, others, marked: null };
    }
    done += 1;
    if (ctx.signal.aborted) return { decision, others, marked: null };
  }
  return { decision, others, marked };
}

/**
 * A full drive cannot take prune's lock file. Holding the lock of this process (live lock files of
 * others were checked: there were none), remove one thing at a time in this order — restore points
 * this group's retention forgets, leftover temporary files older than the safe age, unused data —
 * and try to write the lock file after each. Nobody else can start writing meanwhile (their lock
 * file does not fit either), and each try lists the live locks again, so a job that did get in makes
 * prune stop as busy. Then the rest of the prune runs as usual, under the lock file.
 */
async function makeRoom(repo: Repository, policy: RetentionPolicyInput, options: PruneOptions, lock: Lock, result: PruneResult): Promise<Lock> {
  const { ctx } = options;
  ctx.log('warn', 'The backup drive is full: removing what is no longer needed first, to make room to mark it as in use.');
  repo.invalidateBlobCache();
  const { decision, marked } = await decide(repo, policy, options);
  if (!marked) throw ctx.signal.reason;
  const placed = async () => (await lock.tryPlaceFile!()) ?? null;
  for (const forget of decision.forget) {
    const size = (await repo.store.stat(snapshotPath(forget.id)))?.size ?? 0;
    await repo.deleteSnapshot(forget.id);
    result.forgetSnapshots.push(forget);
    result.freedBytes += size;
    const held = await placed();
    if (held) return held;
  }
  const temps = await removeTempLeftovers(repo.store, lock, { log: ctx.log, signal: ctx.signal });
  result.freedBytes += temps.bytes;
  if (temps.removed > 0) {
    const held = await placed();
    if (held) return held;
  }
  if (repo.packed) {
    // Only whole packs with nothing used: the index still names their blobs, but a reader skips the
    // blobs of packs that are gone, and the prune that follows under the lock file rewrites the index.
    for await (const pack of removablePacks(repo, marked)) {
      ctx.signal.throwIfAborted();
      await repo.store.delete(pack.path);
      result.deleteBlobs += pack.blobs;
      result.freedBytes += pack.size;
      const held = await placed();
      if (held) return held;
    }
    repo.invalidateBlobCache();
  } else {
    for await (const blob of repo.listBlobs()) {
      ctx.signal.throwIfAborted();
      if (marked.has(blob.id)) continue;
      await repo.deleteBlob(blob.id);
      result.deleteBlobs += 1;
      result.freedBytes += blob.size;
      const held = await placed();
      if (held) return held;
    }
  }
  throw destFull(
    `prune: nothing more to remove in ${repo.store.describe()}; ${result.forgetSnapshots.length} restore point(s) and ${result.deleteBlobs} data file(s) removed, still no room for a lock file`,
  );
}

async function pruneLocked(repo: Repository, policy: RetentionPolicyInput, options: PruneOptions & { lock: Lock }, result: PruneResult): Promise<PruneResult> {
  const { ctx } = options;
  const dryRun = options.dryRun ?? false;
  const stopped = () => {
    if (ctx.signal.aborted) result.aborted = true;
    return result.aborted;
  };
  try {
    repo.invalidateBlobCache(); // another process may have changed the location since it was opened
    const { decision, others, marked } = await decide(repo, policy, options);
    result.keepSnapshots = decision.keep;
    result.forgetSnapshots.push(...decision.forget);
    result.otherSnapshots = others;
    if (!marked || stopped()) {
      stopped();
      return result;
    }

    ctx.onProgress({ phase: 'Removing old restore points', done: 0, total: decision.forget.length, unit: 'restore points', message: '' });
    let done = 0;
    for (const forget of decision.forget) {
      const path = snapshotPath(forget.id);
      const size = (await repo.store.stat(path))?.size ?? 0;
      if (!dryRun) await repo.deleteSnapshot(forget.id);
      result.freedBytes += size;
      ctx.onProgress({ phase: 'Removing old restore points', done: ++done, total: decision.forget.length, unit: 'restore points', message: '' });
      if (stopped()) return result;
    }

    ctx.onProgress({ phase: 'Removing unused data', done: 0, total: null, unit: 'files', bytesDone: 0, message: '' });
    if (repo.packed) {
      const swept = await sweepPacks(repo, marked, { dryRun, ctx });
      result.deleteBlobs += swept.deleteBlobs;
      result.keptBlobs += swept.keptBlobs;
      result.freedBytes += swept.freedBytes;
      if (swept.stopped || stopped()) {
        result.aborted = true;
        return result;
      }
      if (swept.repackedPacks > 0) result.notes.push(`${dryRun ? 'Would rewrite' : 'Rewrote'} ${swept.repackedPacks} mostly unused pack file${swept.repackedPacks === 1 ? '' : 's'}, keeping only the data still needed.`);
    } else {
      const swept = await sweepLoose(repo, marked, { dryRun, result, stopped, ctx });
      if (swept === 'stopped') return result;
    }
    if (!dryRun) {
      // Under the exclusive lock nobody writes: every temporary file is a leftover of an interrupted write.
      const temps = await removeTempLeftovers(repo.store, options.lock, { log: ctx.log, signal: ctx.signal });
      result.leftoverFiles = temps.removed;
      result.freedBytes += temps.bytes;
      if (temps.removed > 0) result.notes.push(`Removed ${temps.removed} unfinished file${temps.removed === 1 ? '' : 's'} (${formatBytes(temps.bytes)}) that interrupted backups had left.`);
    }
    ctx.onProgress({ phase: 'Removing unused data', done: result.deleteBlobs, total: result.deleteBlobs, unit: 'files', bytesDone: result.freedBytes, message: '' });
    ctx.log('info', `${dryRun ? 'Would remove' : 'Removed'} ${result.deleteBlobs} unused data files (${result.freedBytes} bytes)`);
    return result;
  } finally {
    repo.invalidateBlobCache();
  }
}

/** Prune's sweep in a version 1 location: every blob file no remaining snapshot names is deleted. */
async function sweepLoose(
  repo: Repository,
  marked: Set<string>,
  options: { dryRun: boolean; result: PruneResult; stopped: () => boolean; ctx: OperationContext },
): Promise<'done' | 'stopped'> {
  const { result, ctx } = options;
  const STOP = Symbol('stop');
  try {
    await forEachLimit(repo.listBlobs(), DELETE_PARALLELISM, async (blob) => {
      if (options.stopped()) throw STOP; // stops the listing too
      if (marked.has(blob.id)) {
        result.keptBlobs += 1;
        return;
      }
      if (!options.dryRun) await repo.deleteBlob(blob.id);
      result.deleteBlobs += 1;
      result.freedBytes += blob.size;
      if (result.deleteBlobs % 100 === 0) {
        ctx.onProgress({ phase: 'Removing unused data', done: result.deleteBlobs, total: null, unit: 'files', bytesDone: result.freedBytes, message: '' });
      }
    });
  } catch (err) {
    if (err !== STOP) throw err;
    return 'stopped';
  }
  return 'done';
}
