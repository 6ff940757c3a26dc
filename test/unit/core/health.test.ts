// What the dashboard reads from the history: real jobs run on a real engine, then read back.
import { afterAll, describe, expect, it } from 'vitest';
import { testEngine } from '../../support/engine';
import { backupPoints, lastBackup, lastConsistency, lastVerify } from '../../../electron/core/health/past-runs';
import { recommendedActions } from '../../../electron/core/health/health';
import type { HealthReport } from '../../../shared/contract';
import { userError } from '../../../shared/errors';
import type { JobKind } from '../../../shared/jobs';

const engine = testEngine();
afterAll(() => engine.dispose());

async function run(kind: JobKind, outcome: unknown, profile = 'Office') {
  const job = engine.jobs.start({
    kind,
    title: kind,
    profile,
    run: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  });
  return engine.jobs.wait(job.id);
}

describe('health from the history', () => {
  it('says plainly when nothing has run yet', () => {
    expect(lastBackup(engine, 'Office', 26)).toMatchObject({ state: 'none', message: 'No backup has been made yet.' });
    expect(lastVerify(engine, 'Office', null)).toMatchObject({ state: 'none' });
    expect(lastConsistency(engine, 'Office')).toMatchObject({ state: 'none', message: 'Not run yet.' });
    expect(backupPoints(engine, 'Office')).toEqual([]);
  });

  it('reads backups, their age against the threshold, failures and the chart points', async () => {
    await run('backup', { stats: { bytes: 5_000_000, newBytes: 5_000_000 } });
    await run('verify', { ok: true });
    await run('backup', { stats: { bytes: 5_200_000, newBytes: 200_000 } });
    await run('backup', { stats: { bytes: 1 } }, 'Other');
    const ok = lastBackup(engine, 'Office', 26);
    expect(ok).toMatchObject({ state: 'ok', status: 'succeeded', message: 'Made just now, and it succeeded.' });
    const later = Date.now() + 30 * 3_600_000;
    expect(lastBackup(engine, 'Office', 26, later)).toMatchObject({ state: 'warn', message: 'The last backup is 30 hours old (more than 26 hours).' });
    // The verification ran before the newest backup.
    expect(lastVerify(engine, 'Office', ok.at)).toMatchObject({ state: 'warn' });
    expect(backupPoints(engine, 'Office').map((p) => [p.bytes, p.newBytes])).toEqual([[5_000_000, 5_000_000], [5_200_000, 200_000]]);

    await run('backup', userError('DEST_FULL', 'Not enough space', 'The backup drive is full', 'Free some space.'));
    const failed = lastBackup(engine, 'Office', 26);
    expect(failed).toMatchObject({ state: 'error', error: { code: 'DEST_FULL' } });
    expect(failed.message).toMatch(/^The last backup failed just now\. The last good one was just now\.$/);
  });

  it('counts consistency problems and turns everything into actions', async () => {
    await run('consistency', { ok: false, missing: { count: 2 }, orphans: { count: 1 }, sizeMismatches: { count: 0 } });
    expect(lastConsistency(engine, 'Office')).toMatchObject({ state: 'warn', message: '3 problems found just now.' });
    const report = {
      backupMaxAgeHours: 26,
      lastBackup: lastBackup(engine, 'Office', 26),
      lastVerify: lastVerify(engine, 'Office', null),
      consistency: lastConsistency(engine, 'Office'),
      mongo: { error: null, comparisons: [] },
      r2: { error: null, countedAt: null, comparisons: [] },
      destination: { state: 'warn', message: '' },
      passphrase: { state: 'not-protected', message: '', blockedSchedules: [], blockedMessage: '' },
    } as unknown as HealthReport;
    expect(recommendedActions(report).map((a) => [a.id, a.severity])).toEqual([
      ['backup-failed', 'error'],
      ['space-low', 'warn'],
      ['consistency-problems', 'warn'],
    ]);
    // A schedule that cannot open the backups comes first, with its reason, before the night.
    const blocked = { ...report, passphrase: { state: 'missing', message: '', blockedSchedules: ['backup'], blockedMessage: 'The scheduled backup (every day at 02:00) cannot run.' } } as HealthReport;
    expect(recommendedActions(blocked)[0]).toMatchObject({ id: 'remember-passphrase', severity: 'error', text: 'The scheduled backup (every day at 02:00) cannot run.' });
  });
});
