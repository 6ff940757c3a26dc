// Listing an R2 / S3 bucket page by page (each page retried on its own), and matching the listing
// against the previous restore point's objects to find those that did not change.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { OperationContext } from '../../../shared/jobs';
import type { R2ObjectEntry } from '../repository';
import { isRetryableS3 } from './errors';
import { errorText, withRetries, type RetryPolicy } from './retry';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

/**
 * Keys are asked for URL-encoded: S3 sends keys in XML, which cannot carry some characters (control
 * characters) that keys may contain. '+' is how S3 encodes a space; a real '+' arrives as %2B.
 */
function decodeKey(key: string, encoded: boolean): string {
  return encoded ? decodeURIComponent(key.replace(/\+/g, '%20')) : key;
}

export async function* listBucket(
  client: S3Client,
  bucket: string,
  ctx: OperationContext,
  retry: RetryPolicy,
  pageSize = 1000,
): AsyncGenerator<ListedObject[]> {
  let token: string | undefined;
  do {
    const page = await withRetries(
      () => client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, MaxKeys: pageSize, EncodingType: 'url' }), { abortSignal: ctx.signal }),
      {
        policy: retry,
        signal: ctx.signal,
        retryable: isRetryableS3,
        onRetry: (err, n) => ctx.log('warn', `Listing bucket ${bucket} failed (${errorText(err)}); retrying (${n}/${retry.retries}).`),
      },
    );
    const encoded = page.EncodingType === 'url';
    const objects: ListedObject[] = [];
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      objects.push({ key: decodeKey(o.Key, encoded), size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: (o.LastModified ?? new Date(0)).toISOString() });
    }
    yield objects;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Number and total size of the objects, for progress totals (a listing only, nothing downloaded). */
export async function countBucket(client: S3Client, bucket: string, ctx: OperationContext, retry: RetryPolicy): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for await (const page of listBucket(client, bucket, ctx, retry)) {
    objects += page.length;
    for (const o of page) bytes += o.size;
  }
  return { objects, bytes };
}

/** One cheap request that fails the way a backup would (wrong key, no bucket, no access). */
export async function probeBucket(client: S3Client, bucket: string, ctx: OperationContext, retry: RetryPolicy): Promise<void> {
  for await (const _page of listBucket(client, bucket, ctx, retry, 1)) return;
}

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * The previous restore point's objects of this bucket, looked up in listing order. S3 lists keys in
 * UTF-8 byte order and the manifest keeps that order, so one forward pass over both finds every
 * match with only one manifest part in memory, however many millions of objects there are. Should a
 * server list out of order, lookups merely miss and those objects are downloaded: never wrong.
 */
export class PreviousObjects {
  private current: R2ObjectEntry | null = null;
  private done = false;

  constructor(
    private readonly source: AsyncIterator<R2ObjectEntry> | null,
    private readonly onUnreadable: (err: unknown) => void,
  ) {
    if (!source) this.done = true;
  }

  async lookup(key: string): Promise<R2ObjectEntry | null> {
    while (!this.done) {
      if (this.current) {
        const order = byteOrder(this.current.key, key);
        if (order === 0) return this.current;
        if (order > 0) return null; // not in the previous restore point
      }
      try {
        const next = await this.source!.next();
        if (next.done) this.done = true;
        else this.current = next.value;
      } catch (err) {
        // A damaged previous restore point must not stop a new backup: download everything instead.
        this.onUnreadable(err);
        this.done = true;
      }
    }
    return null;
  }

  async close(): Promise<void> {
    this.done = true;
    await this.source?.return?.(undefined).catch(() => undefined);
  }
}

/** The previous snapshot's r2 entries of one bucket, from its streamed manifest. */
export async function* previousObjectsOf(entries: AsyncIterable<{ kind: string }>, bucket: string): AsyncGenerator<R2ObjectEntry> {
  for await (const entry of entries) {
    if (entry.kind === 'r2-object' && (entry as R2ObjectEntry).bucket === bucket) yield entry as R2ObjectEntry;
  }
}
