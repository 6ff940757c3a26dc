// A rollback to the restore point taken before an update is part of that update's story: when a
// restore of that restore point ends, the open update record keeps it (done, failed or cancelled), so
// the checklist, the past updates and the exported report say "rolled back", whoever started it.
import type { Job } from '../../../shared/jobs';
import type { Services } from '../services';
import { UpdateRecordStore } from './records';

export function noteRollback(engine: Services, profile: string, snapshot: { id: string; createdAt: string }, job: Job): void {
  const store = new UpdateRecordStore(engine.historyDb);
  const record = store.current(profile);
  if (!record || record.status !== 'updating' || record.snapshotId !== snapshot.id) return;
  const when = `${snapshot.createdAt.slice(0, 16).replace('T', ' ')} UTC`;
  const message =
    job.status === 'succeeded'
      ? `Rolled back to the restore point of ${when} (taken before the update).`
      : job.status === 'canceled'
        ? `The rollback to the restore point of ${when} was cancelled.`
        : `The rollback to the restore point of ${when} did not finish: ${job.error?.message ?? 'see History'}`;
  store.patch(record.id, { events: [...record.events, { at: job.finishedAt ?? new Date().toISOString(), kind: 'rollback', ok: job.status === 'succeeded', message, opId: job.id }] });
  engine.log.scope('checklist').info(`update of "${profile}": ${message}`);
}
