// "Back up and verify now" (checklist item 1's fix): a backup tagged pre-update, then a full
// verification of that restore point, as one job for the wizard. Each runs as its own job too, so the
// history and the dashboard show a backup and a verification like any other.
import type { BackupSummary } from '../../../shared/api/backup';
import type { ChecklistJobSummary } from '../../../shared/api/checklist';
import { VerifyRequest, type VerifyResult } from '../../../shared/api/verify';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import { startBackupJob } from '../backup/profile-jobs';
import { startVerifyJob } from '../verify/profile-jobs';
import { LABELS, pass } from './check';
import { followNested, summaryOf } from './nested';
import type { UpdateRecordStore } from './records';

export const PRE_UPDATE_TAG = 'pre-update';

export async function backUpAndVerify(engine: Services, store: UpdateRecordStore, recordId: string, passphrase: string | undefined, ctx: OperationContext): Promise<ChecklistJobSummary> {
  const record = store.get(recordId);
  const backup = await followNested(engine, startBackupJob(engine, record.profile, { tags: [PRE_UPDATE_TAG], passphrase }), ctx, 'Backing up');
  const summary = summaryOf<BackupSummary>(backup, 'backup');
  ctx.log('info', `Backed up: restore point ${summary.snapshotId}.`);
  // A full verification reads back every byte of the new restore point: the one to trust on the day
  // of a rollback. (Sampled checks are for the daily routine.)
  const request = VerifyRequest.parse({ profile: record.profile, snapshot: summary.snapshotId, depth: 'full', ...(passphrase ? { passphrase } : {}) });
  const verify = await followNested(engine, startVerifyJob(engine, request), ctx, 'Verifying the backup');
  const result = verify.summary as VerifyResult | null;
  if (!result) summaryOf(verify, 'verification'); // could not run: throws its error
  if (!result?.ok) {
    throw userError('BACKUP_DAMAGED', 'Backup not good', 'The new backup did not pass its verification, so it cannot be trusted for a rollback.', 'Look at the verification in History, fix the backup location, then press “Back up and verify now” again.', verify.error?.message);
  }
  store.patch(recordId, { snapshotId: summary.snapshotId });
  const check = pass('backup', LABELS.backup, `The backup just made (restore point ${summary.snapshotId.slice(0, 8)}) was verified: it can be restored if the update goes wrong.`);
  return { recordId, phase: 'backup', ok: true, checks: [check] };
}
