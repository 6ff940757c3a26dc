// What the history says about a profile: its last backup, verification and consistency check, and
// the points of the "backups over time" chart. Summaries are written by other parts of the app, so
// they are read defensively: a field that is missing just leaves a number out.
import type { BackupPoint, LastRun } from '../../../shared/api/health';
import type { HistoryItem } from '../../../shared/contract';
import { isFinal, type JobKind } from '../../../shared/jobs';
import type { Services } from '../services';

export function ageHours(iso: string, now = Date.now()): number {
  return Math.max(0, (now - Date.parse(iso)) / 3_600_000);
}

export function formatAge(hours: number): string {
  if (hours < 1 / 60) return 'just now';
  if (hours < 1) return `${Math.round(hours * 60)} minute${Math.round(hours * 60) === 1 ? '' : 's'} ago`;
  if (hours < 48) return `${Math.round(hours)} hour${Math.round(hours) === 1 ? '' : 's'} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function field(summary: unknown, ...paths: string[]): number | null {
  for (const p of paths) {
    const v = p.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), summary);
    if (num(v) !== null) return v as number;
  }
  return null;
}

/** Size of the data a backup covered, and the new bytes it stored (SnapshotStats shapes first). */
export function backupBytes(summary: unknown): { bytes: number | null; newBytes: number | null } {
  return {
    bytes: field(summary, 'stats.bytes', 'snapshot.stats.bytes', 'bytes', 'totalBytes', 'sizeBytes'),
    newBytes: field(summary, 'stats.newBytes', 'snapshot.stats.newBytes', 'newBytes', 'bytesAdded'),
  };
}

/** Problems a consistency check found (0 = none), or null when the summary does not say. */
export function consistencyProblems(summary: unknown): number | null {
  const direct = field(summary, 'problems', 'issues', 'problemCount');
  if (direct !== null) return direct;
  // The storage check's summary (electron/core/consistency) lists findings as { count, … } per kind.
  const parts = ['missing', 'orphans', 'sizeMismatches', 'deletedWithObject', 'missingObjects', 'orphanObjects'].map((k) => field(summary, `${k}.count`, k));
  return parts.some((p) => p !== null) ? parts.reduce<number>((a, b) => a + (b ?? 0), 0) : null;
}

function finished(engine: Services, kind: JobKind, profile: string, limit = 1): HistoryItem[] {
  return engine.history.list({ kind, profile, limit }).items.filter((i) => isFinal(i.status));
}

export function lastBackup(engine: Services, profile: string, maxAgeHours: number, now = Date.now()): LastRun {
  const items = finished(engine, 'backup', profile, 20);
  const last = items.find((i) => i.status !== 'canceled');
  if (!last) return { state: 'none', message: 'No backup has been made yet.', at: null, status: null, ageHours: null, error: null };
  const good = items.find((i) => i.status === 'succeeded');
  const at = last.finishedAt ?? last.startedAt;
  const age = ageHours(at, now);
  if (last.status === 'failed') {
    const since = good ? ` The last good one was ${formatAge(ageHours(good.finishedAt ?? good.startedAt, now))}.` : ' There is no good backup yet.';
    return { state: 'error', message: `The last backup failed ${formatAge(age)}.${since}`, at, status: last.status, ageHours: age, error: last.error };
  }
  if (age > maxAgeHours) {
    return { state: 'warn', message: `The last backup is ${formatAge(age).replace(' ago', '')} old (more than ${maxAgeHours} hours).`, at, status: last.status, ageHours: age, error: null };
  }
  return { state: 'ok', message: `Made ${formatAge(age)}, and it succeeded.`, at, status: last.status, ageHours: age, error: null };
}

export function lastVerify(engine: Services, profile: string, backupAt: string | null, now = Date.now()): LastRun {
  const last = finished(engine, 'verify', profile, 10).find((i) => i.status !== 'canceled');
  if (!last) return { state: 'none', message: 'No backup has been verified yet.', at: null, status: null, ageHours: null, error: null };
  const at = last.finishedAt ?? last.startedAt;
  const age = ageHours(at, now);
  if (last.status === 'failed') return { state: 'error', message: `The last verification failed ${formatAge(age)}.`, at, status: last.status, ageHours: age, error: last.error };
  // A verification that looked at no restore point proved nothing about this connection's backups.
  if (field(last.summary, 'checked.snapshots') === 0) return { state: 'warn', message: `The last verification (${formatAge(age)}) found no restore point of this connection to check.`, at, status: last.status, ageHours: age, error: null };
  const stale = backupAt !== null && Date.parse(backupAt) > Date.parse(at);
  return {
    state: stale ? 'warn' : 'ok',
    message: stale ? `Verified ${formatAge(age)}; a newer backup has not been verified yet.` : `Verified ${formatAge(age)}: the backup is complete and readable.`,
    at,
    status: last.status,
    ageHours: age,
    error: null,
  };
}

export function lastConsistency(engine: Services, profile: string, now = Date.now()): LastRun {
  const last = finished(engine, 'consistency', profile, 10).find((i) => i.status !== 'canceled');
  if (!last) return { state: 'none', message: 'Not run yet.', at: null, status: null, ageHours: null, error: null };
  const at = last.finishedAt ?? last.startedAt;
  const age = ageHours(at, now);
  if (last.status === 'failed') return { state: 'error', message: `The last check could not finish (${formatAge(age)}).`, at, status: last.status, ageHours: age, error: last.error };
  const problems = consistencyProblems(last.summary);
  if (problems) return { state: 'warn', message: `${problems} problem${problems === 1 ? '' : 's'} found ${formatAge(age)}.`, at, status: last.status, ageHours: age, error: null };
  return { state: 'ok', message: `No problems found ${formatAge(age)}.`, at, status: last.status, ageHours: age, error: null };
}

/** Backups of this profile, oldest first, for the chart (up to 60). */
export function backupPoints(engine: Services, profile: string): BackupPoint[] {
  return finished(engine, 'backup', profile, 60)
    .filter((i) => i.status === 'succeeded' || i.status === 'failed')
    .reverse()
    .map((i) => ({ at: i.finishedAt ?? i.startedAt, status: i.status, ...backupBytes(i.summary), durationSeconds: i.durationMs === null ? null : i.durationMs / 1000 }));
}
