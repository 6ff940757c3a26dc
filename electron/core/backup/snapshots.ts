// Restore points as people see them: listing a backup location's snapshots (damaged ones reported,
// not hidden), one restore point's details, and prune with the retention rules.
import type { OperationContext } from '../../../shared/jobs';
import type { BackupTrigger, PruneSummary, RestorePoint, RestorePointDetail, RestorePointList } from '../../../shared/api/backup';
import { DEFAULT_RETENTION_SETTINGS, retentionWhy, type RetentionSettings } from '../../../shared/api/retention';
import { prune, type Repository, type RetentionDecision, type SnapshotHeader } from '../repository';

/** The tag that says why a restore point was made; the most specific one wins. */
export function triggerOf(tags: readonly string[]): BackupTrigger {
  for (const t of ['pre-update', 'pre-restore', 'event', 'scheduled', 'manual'] as const) if (tags.includes(t)) return t;
  return 'other';
}

export function toRestorePoint(h: SnapshotHeader): RestorePoint {
  return {
    id: h.id,
    createdAt: h.createdAt,
    finishedAt: h.finishedAt,
    durationMs: Math.max(0, Date.parse(h.finishedAt) - Date.parse(h.createdAt)),
    tags: h.tags,
    trigger: triggerOf(h.tags),
    profile: h.profile,
    hostname: h.hostname,
    appVersion: h.appVersion,
    parent: h.parent,
    consistency: h.consistency,
    consistencyNote: h.consistencyNote ?? null,
    size: h.stats.bytes,
    newData: h.stats.newBytes,
    storedBytes: h.stats.storedBytes,
    entries: h.stats.entries,
    sources: h.stats.sources,
  };
}

export async function listRestorePoints(repo: Repository): Promise<RestorePointList> {
  const unreadable: RestorePointList['unreadable'] = [];
  const snapshots = await repo.listSnapshots({ onDamaged: (id, err) => unreadable.push({ id, message: err.message }) });
  return {
    location: repo.store.describe(),
    encrypted: repo.encrypted,
    restorePoints: snapshots.map(toRestorePoint).reverse(), // newest first
    unreadable,
  };
}

export async function getRestorePoint(repo: Repository, id: string): Promise<RestorePointDetail> {
  const header = await repo.readSnapshot(id);
  return { ...toRestorePoint(header), location: repo.store.describe(), manifestParts: header.manifest.length };
}

/**
 * Prune under an exclusive lock (prune.ts takes it): a dry run lists what would be forgotten and how
 * much space that frees, and changes nothing. Each decision says why, in words ("kept: event, 90 days").
 */
export async function runPrune(repo: Repository, options: { profile: string; dryRun: boolean; retention?: RetentionSettings }, ctx: OperationContext): Promise<PruneSummary> {
  const rules = options.retention ?? DEFAULT_RETENTION_SETTINGS;
  const result = await prune(repo, rules, { ctx, dryRun: options.dryRun, group: { profile: options.profile } });
  const worded = (d: RetentionDecision) => ({ ...d, why: retentionWhy(d.reasons, rules) });
  ctx.signal.throwIfAborted(); // canceled part-way: the job ends as "canceled" (what was done is consistent)
  return {
    dryRun: result.dryRun,
    aborted: result.aborted,
    location: repo.store.describe(),
    keep: result.keepSnapshots.map(worded),
    forget: result.forgetSnapshots.map(worded),
    others: result.otherSnapshots,
    deleteBlobs: result.deleteBlobs,
    keptBlobs: result.keptBlobs,
    freedBytes: result.freedBytes,
    ...(result.notes.length > 0 ? { notes: result.notes } : {}),
  };
}
