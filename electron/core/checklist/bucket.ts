// The bucket part of the baseline (checklist item 4): object count and total size, and the comparison
// after the update. Fewer objects than before means files were lost: a failure with "Roll back".
import type { ChecklistCheck } from '../../../shared/api/checklist';
import type { OperationContext } from '../../../shared/jobs';
import { requireS3Source, type Profile } from '../../../shared/profile';
import { formatBytes } from '../../../shared/format';
import type { Services } from '../services';
import { mapS3Error } from '../connections/errors';
import { endpointLabel, requireR2Endpoint } from '../connections/r2';
import { openProfile } from '../profiles/open';
import { countBucket } from '../sources/r2-list';
import { DEFAULT_RETRY } from '../sources/retry';
import { AFTER_LABELS, count, fail, pass } from './check';

export interface BucketFacts {
  bucket: string;
  objects: number;
  bytes: number;
}

/** List the whole bucket (a listing only: nothing is downloaded). */
export async function readBucketFacts(engine: Services, profile: Profile, ctx: OperationContext): Promise<BucketFacts> {
  const source = requireS3Source(profile);
  const endpoint = requireR2Endpoint(source);
  const opened = await openProfile(engine, profile, { r2: true, maxAttempts: 2 });
  try {
    const { objects, bytes } = await countBucket(opened.r2.client, source.bucket, ctx, DEFAULT_RETRY);
    return { bucket: source.bucket, objects, bytes };
  } catch (err) {
    throw ctx.signal.aborted ? ctx.signal.reason : mapS3Error(err, { bucket: source.bucket, endpoint: endpointLabel(endpoint) });
  } finally {
    await opened.close();
  }
}

export function bucketSummary(f: BucketFacts): string {
  return `${count(f.objects, 'file')}, ${formatBytes(f.bytes)} in the bucket “${f.bucket}”`;
}

export function compareBucket(before: BucketFacts, now: BucketFacts): ChecklistCheck {
  if (now.objects < before.objects) {
    const lost = before.objects - now.objects;
    return {
      ...fail('r2', AFTER_LABELS.r2, `${count(lost, 'file is', 'files are')} gone from the bucket since before the update (${before.objects.toLocaleString('en-US')} → ${now.objects.toLocaleString('en-US')}).`, 'Roll back to the backup made before the update: it puts the missing files back.', 'rollback'),
      details: `before: ${bucketSummary(before)}\nnow: ${bucketSummary(now)}`,
    };
  }
  const added = now.objects - before.objects;
  return pass('r2', AFTER_LABELS.r2, `All files are still there: ${bucketSummary(now)}${added ? ` (${added.toLocaleString('en-US')} added since)` : ''}.`);
}
