// The automated before-checks, in one job: backup, MongoDB (baseline), storage check, R2 (baseline),
// room for a backup, free disk space, PCI File Manager and its version, and — when asked — a quiet
// database. Every check runs even when an earlier one failed, so one run shows everything to fix.
import { mongoSource, requireS3Source, s3Source } from '../../../shared/profile';
import type { Baseline, ChecklistCheck, ChecklistJobSummary, UpdateRecord } from '../../../shared/api/checklist';
import type { OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import { openProfile, type MongoHandle } from '../profiles/open';
import { appCheck, versionCheck } from './app-checks';
import { backupCheck } from './backup-check';
import { bucketSummary, readBucketFacts, type BucketFacts } from './bucket';
import { LABELS, failFrom, isOk, pass, skipped, sortChecks } from './check';
import { consistencyStep } from './consistency-step';
import { mongoSummary, readDatabaseFacts, type DatabaseFacts } from './database';
import { quietCheck, watchWrites } from './quiet';
import { requireOpen, type UpdateRecordStore } from './records';
import { disksCheck, estimateNextBackup, spaceCheck } from './space';

export interface BeforeInput {
  fromVersion?: string;
  quietSeconds: number;
  passphrase?: string;
}

/** Progress in whole checks: "3 of 8 checks" with the phase saying which one runs. */
function stepper(ctx: OperationContext, total: number): (phase: string) => void {
  let done = 0;
  return (phase) => ctx.onProgress({ phase, done: done++, total, unit: 'checks', bytesDone: 0, bytesTotal: null, message: '' });
}

/** Warnings accepted earlier stay accepted only while they say the same thing. */
function keepAcknowledged(record: UpdateRecord, checks: ChecklistCheck[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of checks) if (c.status === 'warn' && record.acknowledged[c.id] === c.message) out[c.id] = c.message;
  return out;
}

export async function runQuietCheck(mongo: MongoHandle, seconds: number, ctx: OperationContext): Promise<ChecklistCheck> {
  ctx.onProgress({ message: `Watching for ${seconds} seconds…` });
  try {
    return quietCheck(await watchWrites(mongo.client, seconds * 1000, ctx.signal), seconds);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failFrom('quiet', LABELS.quiet, err);
  }
}

export async function runBefore(engine: Services, store: UpdateRecordStore, recordId: string, input: BeforeInput, ctx: OperationContext): Promise<ChecklistJobSummary> {
  const record = requireOpen(store.get(recordId));
  const profile = engine.profiles.get(record.profile);
  const next = stepper(ctx, input.quietSeconds > 0 ? 8 : 7);
  const checks: ChecklistCheck[] = [];
  const guard = async <T>(id: keyof typeof LABELS, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      checks.push(failFrom(id, LABELS[id], err));
      return null;
    }
  };

  next('Looking for a recent verified backup');
  const backup = await backupCheck(engine, profile.name, input.passphrase);
  checks.push(backup.check);

  next('Reading MongoDB');
  let mongo: DatabaseFacts | null = null;
  // What the connection does not have is skipped, said so, never failed.
  const hasMongo = Boolean(mongoSource(profile));
  const hasBucket = Boolean(s3Source(profile));
  if (!hasMongo) checks.push(skipped('mongo', LABELS.mongo, 'This connection has no MongoDB database.'));
  const opened = hasMongo ? await guard('mongo', () => openProfile(engine, profile, { mongo: true })) : null;
  const conn = opened?.mongo ?? null;
  try {
    if (conn) mongo = await guard('mongo', () => readDatabaseFacts(conn.client, conn.database));
    if (mongo) checks.push(pass('mongo', LABELS.mongo, `${mongoSummary(mongo)}. Recorded as the baseline.`));

    next('Comparing file records with the files in R2');
    const consistency = await consistencyStep(engine, profile, ctx, 'previous');
    checks.push(consistency.check);

    next('Counting the files in R2');
    let r2: BucketFacts | null = consistency.bucket ? { bucket: requireS3Source(profile).bucket, ...consistency.bucket } : null;
    if (!hasBucket) checks.push(skipped('r2', LABELS.r2, 'This connection has no bucket.'));
    else r2 ??= await guard('r2', () => readBucketFacts(engine, profile, ctx));
    if (r2) checks.push(pass('r2', LABELS.r2, `${bucketSummary(r2)}. Recorded as the baseline.`));

    next('Checking the room in the backup location');
    checks.push(await spaceCheck(profile, estimateNextBackup(engine, profile.name, mongo && r2 ? mongo.bytes + r2.bytes : null)));

    next('Checking free space on this computer');
    checks.push(await disksCheck(engine, profile));

    next('Asking PCI File Manager');
    checks.push(await appCheck(profile, { phase: 'before', stopped: Boolean(record.confirmations.stopped), signal: ctx.signal }));
    const version = await versionCheck(profile, { phase: 'before', typed: input.fromVersion ?? record.fromVersion });
    checks.push(version.check);

    const earlierQuiet = record.before?.checks.find((c) => c.id === 'quiet');
    if (input.quietSeconds > 0 && conn) {
      next('Watching the database for writes');
      checks.push(await runQuietCheck(conn, input.quietSeconds, ctx));
    } else if (earlierQuiet) checks.push(earlierQuiet);

    ctx.onProgress({ done: input.quietSeconds > 0 ? 8 : 7 });
    const sorted = sortChecks(checks);
    const baseline: Baseline = { takenAt: new Date().toISOString(), mongo, r2, consistency: consistency.facts };
    store.patch(record.id, {
      before: { ranAt: new Date().toISOString(), checks: sorted },
      baseline,
      snapshotId: backup.snapshotId,
      fromVersion: version.version ?? record.fromVersion,
      acknowledged: keepAcknowledged(record, sorted),
    });
    const failed = sorted.filter((c) => c.status === 'fail').length;
    ctx.log(failed ? 'warn' : 'info', failed ? `${failed} check(s) did not pass.` : 'Every check passed (or only warned).');
    return { recordId: record.id, phase: 'before', ok: isOk(sorted), checks: sorted };
  } finally {
    await opened?.close();
  }
}
