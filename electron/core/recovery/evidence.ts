// The evidence behind the recovery figures, read from the history: which restore points were proven
// restorable (a verification with a test restore, or a restore drill, that went to its end), the
// drills' measured and projected times, the newest backup at all, and how often backups are scheduled.
// Only runs that finished count; a cancelled one proves nothing.
import { z } from 'zod';
import { type RecoveryHealth } from '../../../shared/api/health';
import { summaryOf } from '../../../shared/api/job-summaries';
import type { HistoryItem } from '../../../shared/api/core';
import type { ProfileSchedules } from '../../../shared/api/schedule';
import type { Services } from '../services';
import { ScheduleStore } from '../schedule/store';
import { ADVICE_WORDS, defaultTargets, recoveryStatus, type DrillFigure, type Proof, type RecoveryEvidence } from './objectives';

const DAY = 24 * 3600;
const EVERY: Record<ProfileSchedules['backup']['frequency'], number> = { daily: DAY, weekly: 7 * DAY, monthly: 31 * DAY };

const ofKind = (services: Services, kind: HistoryItem['kind'], profile: string, limit: number): HistoryItem[] =>
  services.history.list({ kind, profile, limit, status: ['succeeded', 'problems', 'failed'] }).items;

const BackupCreated = z.object({ createdAt: z.string() });

export function recoveryEvidence(services: Services, profile: string): RecoveryEvidence {
  const proofs: Proof[] = [];
  for (const item of ofKind(services, 'verify', profile, 50)) {
    const result = summaryOf(item, 'verify');
    if (!result?.testRestore) continue; // reading bytes is not restoring them
    // A test restore proves the restore point it restored (the newest it checked), and only when it went well.
    const target = result.snapshots[result.snapshots.length - 1];
    if (target) proofs.push({ snapshotId: target.id, snapshotCreatedAt: target.createdAt, provenAt: item.finishedAt ?? item.startedAt, by: 'test-restore', ok: item.status === 'succeeded' && target.ok });
  }
  const drills: DrillFigure[] = [];
  for (const item of ofKind(services, 'drill', profile, 50)) {
    const result = summaryOf(item, 'drill');
    const finishedAt = item.finishedAt ?? item.startedAt;
    const ok = item.status === 'succeeded' && Boolean(result?.ok);
    drills.push({ finishedAt, ok, measuredSeconds: result?.measuredSeconds ?? 0, projectedSeconds: result?.projectedSeconds ?? 0, sampled: result?.sampled ?? false });
    if (result) proofs.push({ snapshotId: result.snapshotId, snapshotCreatedAt: result.snapshotCreatedAt, provenAt: finishedAt, by: 'drill', ok });
  }
  const lastBackup = ofKind(services, 'backup', profile, 20).find((i) => i.status === 'succeeded');
  const created = lastBackup ? BackupCreated.safeParse(lastBackup.summary) : null;
  const schedule = new ScheduleStore(services.paths.home).get(profile).backup;
  return {
    proofs,
    drills,
    newestBackupAt: lastBackup ? (created?.success ? created.data.createdAt : lastBackup.startedAt) : null,
    backupIntervalSeconds: schedule.enabled ? EVERY[schedule.frequency] : null,
  };
}

/** The dashboard's and `health --json`'s recovery figures for one connection. */
export function recoveryHealth(services: Services, profile: string, now: Date): RecoveryHealth {
  const evidence = recoveryEvidence(services, profile);
  const targets = defaultTargets(evidence.backupIntervalSeconds);
  const status = recoveryStatus(evidence, targets, now);
  return {
    rtoSeconds: targets.rtoSeconds,
    rpoSeconds: targets.rpoSeconds,
    provenRestorableAt: status.proven?.snapshotCreatedAt ?? null,
    provenBy: status.proven?.by ?? null,
    provenCheckedAt: status.proven?.provenAt ?? null,
    lossSeconds: status.lossSeconds,
    rpo: status.rpo,
    recoverySeconds: status.recoverySeconds,
    recoverySampled: status.recoverySampled,
    lastDrillAt: status.lastDrillAt,
    rto: status.rto,
    overall: status.overall,
    advice: status.advice.map((id) => ({ id, text: ADVICE_WORDS[id] })),
  };
}
