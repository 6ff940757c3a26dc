// The after-checks, in one job: PCI File Manager answers, the new version is recorded, the database
// and the bucket compared with the baseline, and the storage check compared with the one before the
// update. A loss is a failure with "Roll back" (to the restore point taken before the update).
import { mongoSource, requireS3Source, s3Source } from '../../../shared/profile';
import type { ChecklistCheck, ChecklistJobSummary } from '../../../shared/api/checklist';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import { openProfile } from '../profiles/open';
import { appCheck, versionCheck } from './app-checks';
import { compareBucket, readBucketFacts, type BucketFacts } from './bucket';
import { AFTER_LABELS, failFrom, isOk, skipped, sortChecks } from './check';
import { consistencyStep } from './consistency-step';
import { compareDatabase, readDatabaseFacts } from './database';
import { requireOpen, rolledBack, type UpdateRecordStore } from './records';

export async function runAfter(engine: Services, store: UpdateRecordStore, recordId: string, input: { toVersion?: string }, ctx: OperationContext): Promise<ChecklistJobSummary> {
  const record = requireOpen(store.get(recordId));
  const baseline = record.baseline;
  if (!baseline) {
    throw userError('INVALID_INPUT', 'Nothing to compare with', 'The checks before the update were never run, so there is nothing to compare with.', 'Run the pre-update checklist before updating next time. For now, look at PCI File Manager yourself.');
  }
  const profile = engine.profiles.get(record.profile);
  const checks: ChecklistCheck[] = [];
  let done = 0;
  const next = (phase: string) => ctx.onProgress({ phase, done: done++, total: 4, unit: 'checks', bytesDone: 0, bytesTotal: null, message: '' });

  next('Asking PCI File Manager');
  checks.push(await appCheck(profile, { phase: 'after', stopped: false, signal: ctx.signal }));
  // After a rollback the version installed now is read again (the old one, most likely), not the update's target.
  const back = rolledBack(record);
  const version = await versionCheck(profile, { phase: 'after', typed: input.toVersion ?? (back ? null : record.toVersion), previous: back ? null : record.fromVersion });
  checks.push(version.check);

  next('Comparing the database with before the update');
  if (!mongoSource(profile)) checks.push(skipped('mongo', AFTER_LABELS.mongo, 'This connection has no MongoDB database.'));
  else if (!baseline.mongo) checks.push(skipped('mongo', AFTER_LABELS.mongo, 'The database was not recorded before the update, so it cannot be compared.'));
  else {
    try {
      const opened = await openProfile(engine, profile, { mongo: true });
      try {
        checks.push(compareDatabase(baseline.mongo, await readDatabaseFacts(opened.mongo.client, opened.mongo.database)));
      } finally {
        await opened.close();
      }
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      checks.push(failFrom('mongo', AFTER_LABELS.mongo, err));
    }
  }

  next('Comparing file records with the files in R2');
  const consistency = await consistencyStep(engine, profile, ctx, baseline.consistency ?? 'previous', 'after');
  checks.push(consistency.check);

  next('Comparing the bucket with before the update');
  if (!s3Source(profile)) checks.push(skipped('r2', AFTER_LABELS.r2, 'This connection has no bucket.'));
  else if (!baseline.r2) checks.push(skipped('r2', AFTER_LABELS.r2, 'The bucket was not recorded before the update, so it cannot be compared.'));
  else {
    try {
      const now: BucketFacts = consistency.bucket ? { bucket: requireS3Source(profile).bucket, ...consistency.bucket } : await readBucketFacts(engine, profile, ctx);
      checks.push(compareBucket(baseline.r2, now));
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      checks.push(failFrom('r2', AFTER_LABELS.r2, err));
    }
  }
  ctx.onProgress({ done: 4 });

  const sorted = sortChecks(checks);
  const ok = isOk(sorted);
  const ranAt = new Date().toISOString();
  const failed = sorted.filter((c) => c.status === 'fail').map((c) => c.label);
  const event = { at: ranAt, kind: 'after-checks' as const, ok, message: ok ? 'Everything was as before the update.' : `Problems found: ${failed.join(', ')}.`, opId: null, version: version.version };
  store.patch(record.id, {
    after: { ranAt, checks: sorted },
    outcome: ok ? (back ? 'rolled-back' : 'ok') : 'problems',
    // After a rollback the version file shows the old version again: the update's target stays recorded.
    toVersion: back ? record.toVersion : (version.version ?? record.toVersion),
    events: [...store.get(record.id).events, event],
  });
  ctx.log(ok ? 'info' : 'warn', ok ? 'After the update: everything is as before.' : 'After the update: problems found.');
  return { recordId: record.id, phase: 'after', ok, checks: sorted };
}
