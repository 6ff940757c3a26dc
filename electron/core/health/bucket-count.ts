// Counting the files of an R2 bucket: a listing that may take minutes on a big bucket, so it runs as
// a job with progress, and its result is kept (with when it was taken) in the data folder for the
// dashboard: `cache/bucket-count-<profile>.json`.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { Job } from '../../../shared/jobs';
import { requireS3Source, s3Source } from '../../../shared/profile';
import type { Services } from '../services';
import { mapS3Error } from '../connections/errors';
import { endpointLabel, requireR2Endpoint } from '../connections/r2';
import { openProfile } from '../profiles/open';
import { writeFileAtomic } from '../profiles/atomic';

export const BucketCount = z.object({ bucket: z.string(), endpoint: z.string(), objects: z.number().int(), totalBytes: z.number(), countedAt: z.string() });
export type BucketCount = z.infer<typeof BucketCount>;

function cacheFile(engine: Services, profile: string): string {
  // Profile names may contain spaces and dots: a hash keeps the file name plain.
  const id = createHash('sha256').update(profile).digest('hex').slice(0, 16);
  return path.join(engine.paths.home, 'cache', `bucket-count-${id}.json`);
}

/** The last count of this profile's bucket, or null (none yet, or the bucket changed since). */
export function readBucketCount(engine: Services, profile: string): BucketCount | null {
  const p = engine.profiles.find(profile);
  const b = p ? s3Source(p) : undefined;
  if (!b) return null;
  try {
    const parsed = BucketCount.safeParse(JSON.parse(fs.readFileSync(cacheFile(engine, profile), 'utf8')));
    if (!parsed.success) return null;
    const endpoint = b.endpoint ?? b.accountId ?? '';
    return parsed.data.bucket === b.bucket && parsed.data.endpoint === endpoint ? parsed.data : null;
  } catch {
    return null;
  }
}

export function forgetBucketCount(engine: Services, profile: string): void {
  fs.rmSync(cacheFile(engine, profile), { force: true });
}

const running = new Map<string, string>();

/** The id of the count running now for this profile, if any. */
export function runningCount(engine: Services, profile: string): string | null {
  const id = running.get(`${engine.paths.home}\0${profile}`);
  if (!id) return null;
  try {
    const job = engine.jobs.get(id);
    return job.status === 'running' || job.status === 'canceling' ? id : null;
  } catch {
    return null;
  }
}

/** Start counting (or return the count already running). */
export function startBucketCount(engine: Services, profileName: string): Job {
  const existing = runningCount(engine, profileName);
  if (existing) return engine.jobs.get(existing);
  const profile = engine.profiles.get(profileName);
  const bucket = requireS3Source(profile);
  const job = engine.jobs.start({
    kind: 'health',
    title: `Count the files in the R2 bucket "${bucket.bucket}"`,
    profile: profile.name,
    run: async (ctx) => {
      const endpoint = requireR2Endpoint(bucket);
      const opened = await openProfile(engine, profile, { r2: true });
      const { client } = opened.r2;
      let objects = 0;
      let totalBytes = 0;
      ctx.onProgress({ phase: 'Counting files', unit: 'files', done: 0, total: null, bytesDone: 0, bytesTotal: null, message: `Listing ${bucket.bucket}…` });
      try {
        const pages = paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket.bucket });
        for await (const page of pages) {
          ctx.signal.throwIfAborted();
          for (const o of page.Contents ?? []) {
            objects++;
            totalBytes += o.Size ?? 0;
          }
          ctx.onProgress({ done: objects, bytesDone: totalBytes, message: `${objects.toLocaleString('en-US')} files so far` });
        }
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw mapS3Error(err, { bucket: bucket.bucket, endpoint: endpointLabel(endpoint) });
      } finally {
        await opened.close();
      }
      const count: BucketCount = { bucket: bucket.bucket, endpoint: bucket.endpoint ?? bucket.accountId ?? '', objects, totalBytes, countedAt: new Date().toISOString() };
      await writeFileAtomic(cacheFile(engine, profile.name), JSON.stringify(count) + '\n', 0o600);
      ctx.log('info', `Counted ${objects} files, ${totalBytes} bytes.`);
      return { objects, totalBytes };
    },
  });
  running.set(`${engine.paths.home}\0${profileName}`, job.id);
  return job;
}
