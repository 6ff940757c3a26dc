// Recovery objectives, judged from evidence: "could I recover right now, and how fast?". Two targets
// per connection — how long a full recovery may take (recovery-time objective, RTO) and how much
// change may be lost (recovery-point objective, RPO) — compared with what was *proven*, never with
// what was attempted: a backup nobody checked proves nothing, and a check of an old restore point
// proves only that old point (its date counts, not the date of the check). Pure: the clock and the
// history come in as values, so every state is tested on injected clocks.

/** The targets of one connection, in seconds. */
export interface RecoveryTargets {
  rtoSeconds: number;
  rpoSeconds: number;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The plans' numbers: a full recovery within 4 hours; at most a day of changes lost with a daily
 * backup, an hour when backups run hourly (or more often).
 */
export function defaultTargets(backupIntervalSeconds: number | null): RecoveryTargets {
  return { rtoSeconds: 4 * HOUR, rpoSeconds: backupIntervalSeconds !== null && backupIntervalSeconds <= HOUR ? HOUR : DAY };
}

/** A restore point shown to be restorable: by a restore drill, or by a verification with a test restore. */
export interface Proof {
  /** The restore point that was proven, and the moment it describes (its createdAt). */
  snapshotId: string;
  snapshotCreatedAt: string;
  /** When the proof finished. */
  provenAt: string;
  by: 'drill' | 'test-restore';
  /** A check that failed or found problems proves nothing (it is passed in so that it can be left out here). */
  ok: boolean;
}

/** A finished restore drill: how long it took, and the full recovery time it projects. */
export interface DrillFigure {
  finishedAt: string;
  ok: boolean;
  /** The drill's own duration. */
  measuredSeconds: number;
  /** The projected time of a full recovery (equal to measured when nothing was sampled). */
  projectedSeconds: number;
  sampled: boolean;
}

export interface RecoveryEvidence {
  proofs: Proof[];
  drills: DrillFigure[];
  /** The newest restore point made at all (verified or not), for the advice. */
  newestBackupAt: string | null;
  /** How often backups are scheduled (null: not scheduled). */
  backupIntervalSeconds: number | null;
}

export type RecoveryLight = 'green' | 'amber' | 'red';

export type RecoveryAdvice = 'make-a-backup' | 'verify-newest' | 'back-up-more-often' | 'run-a-drill' | 'drill-failed' | 'recovery-too-slow';

export interface RecoveryStatus {
  /** The newest restore point proven restorable, or null when none ever was. */
  proven: Proof | null;
  /** What would be lost if everything were gone now: from that point's moment to now. */
  lossSeconds: number | null;
  rpo: RecoveryLight;
  /** The projected full recovery time from the newest successful drill. */
  recoverySeconds: number | null;
  recoverySampled: boolean;
  lastDrillAt: string | null;
  rto: RecoveryLight;
  /** The worse of the two. */
  overall: RecoveryLight;
  /** What to do, most useful first (empty when both are green). */
  advice: RecoveryAdvice[];
}

/** A drill older than this no longer vouches for today's recovery time (the plans ask for monthly drills). */
export const DRILL_FRESH_SECONDS = 45 * DAY;

const ms = (iso: string) => Date.parse(iso);
const newestBy = <T>(items: T[], at: (t: T) => string): T | null => items.reduce<T | null>((best, t) => (!best || ms(at(t)) > ms(at(best)) ? t : best), null);
const worse = (a: RecoveryLight, b: RecoveryLight): RecoveryLight => (a === 'red' || b === 'red' ? 'red' : a === 'amber' || b === 'amber' ? 'amber' : 'green');

export function recoveryStatus(evidence: RecoveryEvidence, targets: RecoveryTargets, now: Date): RecoveryStatus {
  const advice: RecoveryAdvice[] = [];
  // The newest *moment* proven, whichever check proved it: a fresh check of an old point is old.
  const proven = newestBy(
    evidence.proofs.filter((p) => p.ok),
    (p) => p.snapshotCreatedAt,
  );
  const lossSeconds = proven ? Math.max(0, (now.getTime() - ms(proven.snapshotCreatedAt)) / 1000) : null;

  let rpo: RecoveryLight;
  if (lossSeconds === null || lossSeconds > targets.rpoSeconds) {
    rpo = 'red';
    const newerUnproven = evidence.newestBackupAt !== null && (!proven || ms(evidence.newestBackupAt) > ms(proven.snapshotCreatedAt));
    if (evidence.newestBackupAt === null) advice.push('make-a-backup');
    else if (newerUnproven && (now.getTime() - ms(evidence.newestBackupAt)) / 1000 <= targets.rpoSeconds) advice.push('verify-newest');
    else advice.push('make-a-backup');
  } else if (lossSeconds > targets.rpoSeconds * 0.75) {
    rpo = 'amber'; // within the target, but the next missed backup crosses it
  } else {
    rpo = 'green';
  }
  // Backups scheduled further apart than the target can never meet it, whatever is proven today.
  if (evidence.backupIntervalSeconds === null || evidence.backupIntervalSeconds > targets.rpoSeconds) {
    if (rpo === 'green') rpo = 'amber';
    advice.push('back-up-more-often');
  }

  const lastDrill = newestBy(evidence.drills, (d) => d.finishedAt);
  const goodDrill = newestBy(
    evidence.drills.filter((d) => d.ok),
    (d) => d.finishedAt,
  );
  let rto: RecoveryLight;
  if (lastDrill && !lastDrill.ok) {
    rto = 'red';
    advice.push('drill-failed');
  } else if (!goodDrill) {
    rto = 'amber';
    advice.push('run-a-drill');
  } else if (goodDrill.projectedSeconds > targets.rtoSeconds) {
    rto = 'red';
    advice.push('recovery-too-slow');
  } else if ((now.getTime() - ms(goodDrill.finishedAt)) / 1000 > DRILL_FRESH_SECONDS) {
    rto = 'amber';
    advice.push('run-a-drill');
  } else {
    rto = 'green';
  }

  return {
    proven,
    lossSeconds,
    rpo,
    recoverySeconds: goodDrill?.projectedSeconds ?? null,
    recoverySampled: goodDrill?.sampled ?? false,
    lastDrillAt: lastDrill?.finishedAt ?? null,
    rto,
    overall: worse(rpo, rto),
    advice: [...new Set(advice)],
  };
}

/** Plain words for the advice, with the action that fixes it. */
export const ADVICE_WORDS: Record<RecoveryAdvice, string> = {
  'make-a-backup': 'Make a backup and verify it with a test restore: no recent restore point is proven restorable.',
  'verify-newest': 'Verify the newest backup with a test restore: it is recent enough, but nothing has proven it can be restored.',
  'back-up-more-often': 'Schedule backups at least as often as the data-loss target, or the target cannot be met.',
  'run-a-drill': 'Run a restore drill: it measures how long a full recovery takes.',
  'drill-failed': 'The last restore drill failed: open it in History, fix what it found, and run it again.',
  'recovery-too-slow': 'A full recovery would take longer than the target: a faster or closer backup location helps, or a longer target.',
};
