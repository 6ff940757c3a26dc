// Checklist item 5: the storage check (file records against bucket objects) shows no *new* missing
// files. Files that were already missing before are not the update's doing; files missing since the
// last check (before the update: since the previous check; after: since the baseline) are.
import type { Baseline, ChecklistCheck } from '../../../shared/api/checklist';
import { ConsistencyResult } from '../../../shared/api/check';
import type { OperationContext } from '../../../shared/jobs';
import { hasMongoAndBucket, type Profile } from '../../../shared/profile';
import type { Services } from '../services';
import { startCheckJob } from '../check/profile-jobs';
import { AFTER_LABELS, LABELS, count, failFrom, fail, pass, skipped, warn } from './check';
import { followNested, summaryOf } from './nested';

export type ConsistencyFacts = NonNullable<Baseline['consistency']>;

export interface ConsistencyOutcome {
  check: ChecklistCheck;
  facts: ConsistencyFacts | null;
  /** The bucket as the check listed it (saves listing it twice). */
  bucket: { objects: number; bytes: number } | null;
}

function factsOf(r: ConsistencyResult, opId: string | null): ConsistencyFacts {
  return { opId, missing: r.missing.count, missingKeys: r.missing.items.map((i) => i.key), complete: r.missing.items.length >= r.missing.count };
}

/** The last storage check of this profile that ran to its end, before the one about to start. */
export function lastCheck(engine: Services, profile: string): ConsistencyFacts | null {
  for (const item of engine.history.list({ kind: 'consistency', profile, status: ['succeeded', 'problems'], limit: 5 }).items) {
    const parsed = ConsistencyResult.safeParse(item.summary);
    if (parsed.success) return factsOf(parsed.data, item.id);
  }
  return null;
}

/** Missing now but not then: by key when both lists are complete, else by number. */
export function newMissing(then: ConsistencyFacts, now: ConsistencyFacts): { count: number; keys: string[] } {
  if (then.complete && now.complete) {
    const before = new Set(then.missingKeys);
    const keys = now.missingKeys.filter((k) => !before.has(k));
    return { count: keys.length, keys };
  }
  return { count: Math.max(0, now.missing - then.missing), keys: [] };
}

export async function consistencyStep(engine: Services, profile: Profile, ctx: OperationContext, compareWith: 'previous' | ConsistencyFacts, phase: 'before' | 'after' = 'before'): Promise<ConsistencyOutcome> {
  // The storage check is PCI File Manager's: file records in MongoDB against objects in the bucket.
  if (!hasMongoAndBucket(profile)) {
    return { check: skipped('consistency', phase === 'after' ? AFTER_LABELS.consistency : LABELS.consistency, 'This connection has no file records in a database pointing at a bucket, so there is nothing to compare.'), facts: null, bucket: null };
  }
  if (!profile.fileRecords) {
    return {
      check: warn('consistency', LABELS.consistency, 'The storage check cannot run: the connection does not say which collection holds the file records.', 'Set up the file records (Settings → Connections → Change → File records), or accept this warning.', 'settings'),
      facts: null,
      bucket: null,
    };
  }
  const previous = compareWith === 'previous' ? lastCheck(engine, profile.name) : compareWith;
  const label = phase === 'after' ? AFTER_LABELS.consistency : LABELS.consistency;
  let result: ConsistencyResult;
  let opId: string;
  try {
    const job = await followNested(engine, startCheckJob(engine, profile.name), ctx, 'Storage check');
    opId = job.id;
    result = summaryOf<ConsistencyResult>(job, 'storage check');
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { check: failFrom('consistency', label, err, null, 'The storage check could not run: '), facts: null, bucket: null };
  }
  const facts = factsOf(result, opId);
  const bucket = { objects: result.objects, bytes: result.objectBytes };
  const already = facts.missing ? ` (${count(facts.missing, 'file was', 'files were')} already missing before and ${facts.missing === 1 ? 'is' : 'are'} kept in the record.)` : '';
  if (!previous) {
    const text = facts.missing
      ? `This is the first storage check, so there is nothing to compare with: ${count(facts.missing, 'file record has', 'file records have')} no file now. The check after the update compares with this.`
      : 'No file is missing. The check after the update compares with this.';
    return { check: pass('consistency', label, text), facts, bucket };
  }
  const fresh = newMissing(previous, facts);
  if (fresh.count > 0) {
    const since = compareWith === 'previous' ? 'since the last storage check' : 'since before the update';
    const examples = fresh.keys.length ? ` For example: ${fresh.keys.slice(0, 3).join(', ')}.` : '';
    const hint = compareWith === 'previous' ? 'Find out why before updating: restore the missing files from a backup (Restore), or ask whoever runs PCI File Manager.' : 'Roll back to the backup made before the update: it puts the missing files back.';
    return { check: fail('consistency', label, `${count(fresh.count, 'more file is', 'more files are')} missing ${since}.${examples}`, hint, compareWith === 'previous' ? null : 'rollback'), facts, bucket };
  }
  return { check: pass('consistency', label, `No file went missing since ${compareWith === 'previous' ? 'the last storage check' : 'before the update'}.${already}`), facts, bucket };
}
