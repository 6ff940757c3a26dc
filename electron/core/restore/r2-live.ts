// Reading the live R2 bucket for a restore: listing (by prefix), an object's metadata, its bytes.
// Every request retries transient failures with backoff; what still fails is said in plain words.
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { R2ObjectEntry } from '../repository';
import { mapS3Error } from '../connections/errors';
import { isRetryableS3, s3Name, s3Status } from '../sources/errors';
import { DEFAULT_RETRY, errorText, withRetries, type RetryPolicy } from '../sources/retry';

export interface LiveBucket {
  client: S3Client;
  bucket: string;
  retry?: RetryPolicy;
}

export interface LiveObject {
  key: string;
  size: number;
  etag: string;
  lastModified: string;
}

interface Ctx {
  signal: AbortSignal;
  log: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}

export function send<T>(live: LiveBucket, what: string, fn: () => Promise<T>, ctx: Ctx): Promise<T> {
  return withRetries(fn, {
    policy: live.retry ?? DEFAULT_RETRY,
    signal: ctx.signal,
    retryable: isRetryableS3,
    onRetry: (err, attempt) => ctx.log('warn', `${what} failed (${errorText(err)}); trying again (${attempt}).`),
  }).catch((err: unknown) => {
    throw ctx.signal.aborted ? ctx.signal.reason : mapS3Error(err, { bucket: live.bucket });
  });
}

/** Prefixes that cover the scope without listing a key twice (`a/` already covers `a/b/`). */
export function coveringPrefixes(prefixes: string[] | null): string[] {
  if (!prefixes || prefixes.length === 0) return [''];
  const sorted = [...new Set(prefixes)].sort();
  return sorted.filter((p, i) => !sorted.slice(0, i).some((q) => p.startsWith(q)));
}

export async function* listLive(live: LiveBucket, prefixes: string[] | null, ctx: Ctx): AsyncGenerator<LiveObject> {
  for (const prefix of coveringPrefixes(prefixes)) {
    let token: string | undefined;
    do {
      const page = await send(live, `Listing the bucket ${live.bucket}`, () => live.client.send(new ListObjectsV2Command({ Bucket: live.bucket, Prefix: prefix || undefined, ContinuationToken: token }), { abortSignal: ctx.signal }), ctx);
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: o.LastModified ? o.LastModified.toISOString() : '' };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

const isMissing = (err: unknown) => s3Name(err) === 'NoSuchKey' || s3Name(err) === 'NotFound' || s3Status(err) === 404;

/** An object's metadata, or null when it does not exist (any more). */
export async function headObject(live: LiveBucket, key: string, ctx: Ctx): Promise<HeadObjectCommandOutput | null> {
  try {
    return await withRetries(() => live.client.send(new HeadObjectCommand({ Bucket: live.bucket, Key: key }), { abortSignal: ctx.signal }), {
      policy: live.retry ?? DEFAULT_RETRY,
      signal: ctx.signal,
      retryable: (err) => !isMissing(err) && isRetryableS3(err),
    });
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (isMissing(err)) return null;
    throw mapS3Error(err, { bucket: live.bucket });
  }
}

/** An object's bytes and metadata (small objects only: it is held in memory). Null when missing. */
export async function readObject(live: LiveBucket, key: string, ctx: Ctx): Promise<{ body: Buffer; head: HeadObjectCommandOutput } | null> {
  try {
    return await withRetries(
      async () => {
        const res = await live.client.send(new GetObjectCommand({ Bucket: live.bucket, Key: key }), { abortSignal: ctx.signal });
        const body = Buffer.from(await res.Body!.transformToByteArray());
        return { body, head: res };
      },
      { policy: live.retry ?? DEFAULT_RETRY, signal: ctx.signal, retryable: (err) => !isMissing(err) && isRetryableS3(err) },
    );
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (isMissing(err)) return null;
    throw mapS3Error(err, { bucket: live.bucket });
  }
}

/** Whether the live object's headers equal what the restore point recorded (content type, metadata, …). */
export function sameMetadata(entry: R2ObjectEntry, head: Pick<HeadObjectCommandOutput, 'ContentType' | 'CacheControl' | 'ContentDisposition' | 'ContentEncoding' | 'ContentLanguage' | 'Metadata'>): boolean {
  const meta: Record<string, string> = {};
  for (const [k, v] of Object.entries(head.Metadata ?? {})) meta[k.toLowerCase()] = String(v);
  const keys = new Set([...Object.keys(meta), ...Object.keys(entry.userMetadata)]);
  for (const k of keys) if (meta[k] !== entry.userMetadata[k]) return false;
  return (
    (head.ContentType ?? null) === entry.contentType &&
    (head.CacheControl ?? null) === entry.cacheControl &&
    (head.ContentDisposition ?? null) === entry.contentDisposition &&
    (head.ContentEncoding ?? null) === entry.contentEncoding &&
    (head.ContentLanguage ?? null) === entry.contentLanguage
  );
}

/** Seconds precision: listings and HTTP dates carry whole seconds. */
export function sameSecond(a: string, b: string): boolean {
  return Math.floor(Date.parse(a) / 1000) === Math.floor(Date.parse(b) / 1000);
}
