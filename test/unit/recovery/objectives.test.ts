// Recovery objectives on injected clocks and histories: what counts as proven, what would be lost,
// how long a recovery would take, and the advice for each state.
import { describe, expect, it } from 'vitest';
import { defaultTargets, recoveryStatus, type DrillFigure, type Proof, type RecoveryEvidence } from '../../../electron/core/recovery/objectives';

const NOW = new Date('2026-12-04T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3600_000).toISOString();
const DAILY = 24 * 3600;
const targets = defaultTargets(DAILY);

const proof = (pointHoursAgo: number, checkedHoursAgo: number, ok = true, by: Proof['by'] = 'test-restore'): Proof => ({
  snapshotId: `s${pointHoursAgo}`,
  snapshotCreatedAt: hoursAgo(pointHoursAgo),
  provenAt: hoursAgo(checkedHoursAgo),
  by,
  ok,
});
const drill = (hours: number, projectedSeconds: number, ok = true, sampled = false): DrillFigure => ({ finishedAt: hoursAgo(hours), ok, measuredSeconds: projectedSeconds / (sampled ? 10 : 1), projectedSeconds, sampled });
const evidence = (e: Partial<RecoveryEvidence>): RecoveryEvidence => ({ proofs: [], drills: [drill(48, 2520)], newestBackupAt: null, backupIntervalSeconds: DAILY, ...e });

describe('recovery targets', () => {
  it('default to 4 hours and a day, or an hour with hourly backups', () => {
    expect(defaultTargets(DAILY)).toEqual({ rtoSeconds: 4 * 3600, rpoSeconds: DAILY });
    expect(defaultTargets(3600)).toEqual({ rtoSeconds: 4 * 3600, rpoSeconds: 3600 });
    expect(defaultTargets(null).rpoSeconds).toBe(DAILY);
  });
});

describe('what could be lost (RPO)', () => {
  it('is green when the newest proven point is recent, and says how much would be lost', () => {
    const s = recoveryStatus(evidence({ proofs: [proof(10, 9)], newestBackupAt: hoursAgo(10) }), targets, NOW);
    expect(s.rpo).toBe('green');
    expect(s.lossSeconds).toBe(10 * 3600);
    expect(s.proven?.snapshotId).toBe('s10');
  });

  it('counts the moment a point describes, not when it was checked: a fresh check of an old point is old', () => {
    const s = recoveryStatus(evidence({ proofs: [proof(30, 1)], newestBackupAt: hoursAgo(30) }), targets, NOW);
    expect(s.lossSeconds).toBe(30 * 3600);
    expect(s.rpo).toBe('red');
  });

  it('leaves out failed verifications and drills', () => {
    const s = recoveryStatus(evidence({ proofs: [proof(2, 1, false), proof(40, 39)], newestBackupAt: hoursAgo(2) }), targets, NOW);
    expect(s.proven?.snapshotId).toBe('s40');
    expect(s.rpo).toBe('red');
    expect(s.advice[0]).toBe('verify-newest');
  });

  it('a newer unverified backup does not count, but the advice is to verify it', () => {
    const s = recoveryStatus(evidence({ proofs: [proof(50, 49)], newestBackupAt: hoursAgo(3) }), targets, NOW);
    expect(s.lossSeconds).toBe(50 * 3600);
    expect(s.rpo).toBe('red');
    expect(s.advice).toContain('verify-newest');
  });

  it('missed backups: the newest backup itself is too old, so the advice is to make one', () => {
    const s = recoveryStatus(evidence({ proofs: [proof(72, 71)], newestBackupAt: hoursAgo(72) }), targets, NOW);
    expect(s.rpo).toBe('red');
    expect(s.advice[0]).toBe('make-a-backup');
  });

  it('nothing ever proven, nothing ever backed up', () => {
    const s = recoveryStatus(evidence({ drills: [] }), targets, NOW);
    expect(s.proven).toBeNull();
    expect(s.lossSeconds).toBeNull();
    expect(s.rpo).toBe('red');
    expect(s.advice).toEqual(['make-a-backup', 'run-a-drill']);
  });

  it('is amber close to the target, and when the schedule cannot meet it', () => {
    expect(recoveryStatus(evidence({ proofs: [proof(20, 19)], newestBackupAt: hoursAgo(20) }), targets, NOW).rpo).toBe('amber');
    const weekly = recoveryStatus(evidence({ proofs: [proof(2, 1)], newestBackupAt: hoursAgo(2), backupIntervalSeconds: 7 * DAILY }), targets, NOW);
    expect(weekly.rpo).toBe('amber');
    expect(weekly.advice).toContain('back-up-more-often');
    const none = recoveryStatus(evidence({ proofs: [proof(2, 1)], newestBackupAt: hoursAgo(2), backupIntervalSeconds: null }), targets, NOW);
    expect(none.advice).toContain('back-up-more-often');
  });
});

describe('how long a recovery would take (RTO)', () => {
  const fresh = { proofs: [proof(5, 4)], newestBackupAt: hoursAgo(5) };

  it('is green from a recent successful drill within the target', () => {
    const s = recoveryStatus(evidence({ ...fresh, drills: [drill(24, 2520, true, true)] }), targets, NOW);
    expect(s.rto).toBe('green');
    expect(s.recoverySeconds).toBe(2520);
    expect(s.recoverySampled).toBe(true);
    expect(s.overall).toBe('green');
    expect(s.advice).toEqual([]);
  });

  it('is red when the newest drill failed, even after an older good one', () => {
    const s = recoveryStatus(evidence({ ...fresh, drills: [drill(100, 2000), drill(2, 0, false)] }), targets, NOW);
    expect(s.rto).toBe('red');
    expect(s.recoverySeconds).toBe(2000);
    expect(s.lastDrillAt).toBe(hoursAgo(2));
    expect(s.advice).toEqual(['drill-failed']);
  });

  it('is red when the projected recovery is longer than the target', () => {
    const s = recoveryStatus(evidence({ ...fresh, drills: [drill(2, 5 * 3600)] }), targets, NOW);
    expect(s.rto).toBe('red');
    expect(s.advice).toEqual(['recovery-too-slow']);
  });

  it('is amber without a drill, or when the last one is older than 45 days', () => {
    expect(recoveryStatus(evidence({ ...fresh, drills: [] }), targets, NOW).rto).toBe('amber');
    const old = recoveryStatus(evidence({ ...fresh, drills: [drill(50 * 24, 600)] }), targets, NOW);
    expect(old.rto).toBe('amber');
    expect(old.advice).toEqual(['run-a-drill']);
    expect(old.overall).toBe('amber');
  });
});
