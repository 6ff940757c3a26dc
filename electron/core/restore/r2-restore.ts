// The R2 part of a restore: objects put back with their original content type, user metadata and
// other headers, a few at a time, each retried with backoff. Large objects go up as multipart
// uploads with parts of one size (R2 requires equal parts); a failed or cancelled upload is always
// aborted, so no half-uploaded parts stay behind (they would cost storage and never show up).
// Removing objects that are not in the restore point happens only when the person chose it.
import { Readable } from 'node:stream';
import { AbortMultipartUploadCommand, DeleteObjectsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { UserError } from '../../../shared/errors';
import { RESTORE_PHASES, type RestoreSummary } from '../../../shared/api/restore';
import type { OperationContext } from '../../../shared/jobs';
import type { R2ObjectEntry, Repository } from '../repository';
import { forEachLimit } from '../repository/blob-store';
import { mapS3Error } from '../connections/errors';
import { isRetryableS3 } from '../sources/errors';
import { DEFAULT_RETRY, errorText, withRetries, type RetryPolicy } from '../sources/retry';
import { send, type LiveBucket } from './r2-live';
import { contentOf } from './snapshot-index';

export const BUCKET_PHASE = RESTORE_PHASES.bucket;
export const REMOVE_PHASE = RESTORE_PHASES.remove;

const MiB = 1024 * 1024;

export interface R2RestoreOptions {
  /** Objects uploaded at the same time (default 4). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** Objects from this size go up in parts (default 16 MiB). */
  multipartFrom?: number;
  /** Part size (default: 8 MiB, more for huge objects so there are at most 9 000 parts; R2 needs ≥ 5 MiB). */
  partSize?: number;
  hook?: (point: string) => Promise<void>;
}

/** Errors that would fail every object the same way: stop at once instead of trying the rest. */
const FATAL = new Set(['R2_AUTH_FAILED', 'R2_ACCESS_DENIED', 'R2_BUCKET_NOT_FOUND', 'R2_CLOCK_SKEW', 'BACKUP_DAMAGED', 'WRONG_PASSPHRASE']);

export function partSizeFor(size: number, preferred = 8 * MiB): number {
  return Math.max(preferred, Math.ceil(size / 9000 / MiB) * MiB);
}

async function* blobStream(repo: Repository, chunks: { id: string }[], signal: AbortSignal): AsyncGenerator<Buffer> {
  for (const c of chunks) {
    signal.throwIfAborted(); // makes the upload fail, which aborts the multipart upload
    yield await repo.getBlob(c.id);
  }
}

function headersOf(entry: R2ObjectEntry) {
  return {
    ContentType: entry.contentType ?? undefined,
    CacheControl: entry.cacheControl ?? undefined,
    ContentDisposition: entry.contentDisposition ?? undefined,
    ContentEncoding: entry.contentEncoding ?? undefined,
    ContentLanguage: entry.contentLanguage ?? undefined,
    Metadata: entry.userMetadata,
  };
}

async function putOne(repo: Repository, live: LiveBucket, entry: R2ObjectEntry, options: R2RestoreOptions, signal: AbortSignal): Promise<void> {
  const params = { Bucket: live.bucket, Key: entry.key, ...headersOf(entry) };
  if (entry.size < (options.multipartFrom ?? 16 * MiB)) {
    const body = await contentOf(repo, entry.chunks);
    await live.client.send(new PutObjectCommand({ ...params, Body: body, ContentLength: body.length }), { abortSignal: signal });
    return;
  }
  const body = Readable.from(blobStream(repo, entry.chunks, signal));
  // Loaded for the first large object, not at every start (CLI start-up time, issue 13).
  const { Upload } = await import('@aws-sdk/lib-storage');
  const upload = new Upload({ client: live.client, params: { ...params, Body: body }, partSize: partSizeFor(entry.size, options.partSize), queueSize: 2, leavePartsOnError: false });
  try {
    await upload.done();
  } catch (err) {
    // lib-storage aborts on most failures; make sure, whatever happened (AbortMultipartUpload is idempotent enough).
    if (upload.uploadId) {
      await live.client.send(new AbortMultipartUploadCommand({ Bucket: live.bucket, Key: entry.key, UploadId: upload.uploadId })).catch(() => undefined);
    }
    throw err;
  } finally {
    body.destroy();
  }
}

export type BucketResult = RestoreSummary['bucket'];

/** Put every entry back; per-object failures are recorded and the rest go on (fatal ones stop everything). */
export async function putObjects(repo: Repository, live: LiveBucket, entries: R2ObjectEntry[], ctx: OperationContext, result: BucketResult, options: R2RestoreOptions = {}): Promise<void> {
  const total = entries.length;
  const bytesTotal = entries.reduce((n, e) => n + e.size, 0);
  let done = 0;
  let bytesDone = 0;
  const progress = (message: string) => ctx.onProgress({ phase: BUCKET_PHASE, unit: 'files', done, total, bytesDone, bytesTotal, message: message.length > 120 ? `${message.slice(0, 117)}…` : message });
  progress('');
  result.notDone = total;
  let fatal: unknown = null;
  await forEachLimit(entries, options.concurrency ?? 4, async (entry) => {
    if (fatal) return;
    ctx.signal.throwIfAborted();
    try {
      await withRetries(() => putOne(repo, live, entry, options, ctx.signal), {
        policy: options.retry ?? live.retry ?? DEFAULT_RETRY,
        signal: ctx.signal,
        retryable: (err) => !(err instanceof UserError) && isRetryableS3(err),
        onRetry: (err, attempt) => ctx.log('warn', `Uploading ${entry.key} failed (${errorText(err)}); trying again (${attempt}).`),
      });
      result.put += 1;
      result.putBytes += entry.size;
      await options.hook?.('restore-r2-object');
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const mapped = err instanceof UserError ? err : mapS3Error(err, { bucket: live.bucket });
      if (FATAL.has(mapped.code)) {
        fatal = mapped;
        return;
      }
      result.failed.push({ name: entry.key, message: mapped.message });
      ctx.log('warn', `${entry.key} could not be put back: ${mapped.message} ${mapped.details ?? ''}`.trim());
    }
    result.notDone -= 1;
    done += 1;
    bytesDone += entry.size;
    progress(entry.key);
  });
  if (fatal) throw fatal;
}

/** Delete the planned extra objects (1000 per request), recording any that could not be removed. */
export async function removeObjects(live: LiveBucket, keys: string[], ctx: OperationContext, result: BucketResult): Promise<void> {
  ctx.onProgress({ phase: REMOVE_PHASE, unit: 'files', done: 0, total: keys.length, bytesDone: 0, bytesTotal: null, message: '' });
  for (let i = 0; i < keys.length; i += 1000) {
    ctx.signal.throwIfAborted();
    const batch = keys.slice(i, i + 1000);
    const res = await send(live, 'Removing files', () => live.client.send(new DeleteObjectsCommand({ Bucket: live.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: ctx.signal }), ctx);
    const failed = new Set<string>();
    for (const e of res.Errors ?? []) {
      if (!e.Key) continue;
      failed.add(e.Key);
      result.removeFailed.push({ name: e.Key, message: e.Message ?? e.Code ?? 'not removed' });
    }
    result.removed += batch.length - failed.size;
    ctx.onProgress({ done: Math.min(keys.length, i + batch.length), message: batch[batch.length - 1] });
  }
}
