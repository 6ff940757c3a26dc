// Checklist item 1: a verified backup younger than 24 hours exists. Otherwise "Back up and verify now"
// (prepare-backup.ts) makes one, tagged pre-update. The restore point found is the one "Roll back"
// selects after a bad update.
import type { ChecklistCheck } from '../../../shared/api/checklist';
import type { RestorePointList } from '../../../shared/api/backup';
import { UserError } from '../../../shared/errors';
import type { Services } from '../services';
import { withProfileLocation } from '../backup/profile-jobs';
import { listRestorePoints } from '../backup/snapshots';
import { formatAge, ageHours } from '../health/past-runs';
import { VerifyStateStore } from '../verify/state';
import { LABELS, fail, failFrom, pass } from './check';

export const BACKUP_MAX_AGE_HOURS = 24;

export async function backupCheck(engine: Services, profile: string, passphrase: string | undefined, now = Date.now()): Promise<{ check: ChecklistCheck; snapshotId: string | null }> {
  let list: RestorePointList;
  try {
    list = await withProfileLocation(engine, profile, passphrase, listRestorePoints);
  } catch (err) {
    if (err instanceof UserError && err.code === 'REPO_NOT_FOUND') {
      return { snapshotId: null, check: fail('backup', LABELS.backup, 'There is no backup yet.', 'Press “Back up and verify now”: it backs up the database and the files and checks the backup.', 'backup') };
    }
    return { snapshotId: null, check: failFrom('backup', LABELS.backup, err, 'backup', 'The backups cannot be read: ') };
  }
  const verified = new VerifyStateStore(engine.historyDb).latestByProfile(profile);
  const recent = list.restorePoints.filter((p) => p.profile === profile && ageHours(p.finishedAt, now) <= BACKUP_MAX_AGE_HOURS);
  // Newest first; a backup made for this update wins over a scheduled one of the same day.
  const good = recent.filter((p) => verified[p.id]?.ok).sort((a, b) => Number(b.tags.includes('pre-update')) - Number(a.tags.includes('pre-update')));
  const best = good[0];
  if (best) {
    const v = verified[best.id];
    const when = formatAge(ageHours(best.finishedAt, now));
    return {
      snapshotId: best.id,
      check: pass('backup', LABELS.backup, `The backup made ${when} (restore point ${best.id.slice(0, 8)}) was verified ${formatAge(ageHours(v.verifiedAt, now))}: it can be restored if the update goes wrong.`),
    };
  }
  const action = 'backup' as const;
  const hint = 'Press “Back up and verify now”: it makes a new backup for this update and checks it.';
  if (recent.length > 0) {
    const newest = recent[0];
    const v = verified[newest.id];
    const state = v ? 'but its verification found problems' : 'but it has not been verified';
    return { snapshotId: null, check: fail('backup', LABELS.backup, `There is a backup from ${formatAge(ageHours(newest.finishedAt, now))}, ${state}.`, hint, action) };
  }
  const last = list.restorePoints.find((p) => p.profile === profile);
  const message = last ? `The last backup is from ${formatAge(ageHours(last.finishedAt, now))}: more than ${BACKUP_MAX_AGE_HOURS} hours ago.` : 'There is no backup yet.';
  return { snapshotId: null, check: fail('backup', LABELS.backup, message, hint, action) };
}
