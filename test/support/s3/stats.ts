// Counters of what reached the S3 gateway, for tests that assert "nothing was downloaded twice", and
// R2's operation classes for the benchmark's cost rows.
import type { S3Operation } from './routes';

/**
 * R2's billing class of an S3 operation, from Cloudflare's R2 pricing page
 * (developers.cloudflare.com/r2/pricing): Class A "tend to mutate state" — ListBuckets, PutBucket,
 * ListObjects, PutObject, CopyObject, CompleteMultipartUpload, CreateMultipartUpload,
 * ListMultipartUploads, UploadPart, UploadPartCopy, ListParts, bucket configuration writes; Class B
 * "tend to read existing state" — HeadBucket, HeadObject, GetObject, bucket configuration reads.
 * DeleteObject(s) and AbortMultipartUpload are free. Note that R2 bills a listing as Class A.
 */
export type R2Class = 'A' | 'B' | 'free';

const CLASS_A = new Set<S3Operation>(['ListBuckets', 'CreateBucket', 'ListObjects', 'ListObjectsV2', 'ListMultipartUploads', 'PutObject', 'CopyObject',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'ListParts']);
const CLASS_B = new Set<S3Operation>(['HeadBucket', 'HeadObject', 'GetObject']);

export function r2Class(op: S3Operation, method = 'GET'): R2Class {
  if (CLASS_A.has(op)) return 'A';
  if (CLASS_B.has(op)) return 'B';
  // Bucket and object configuration (acl, cors, lifecycle…): reads are B, writes A.
  if (op === 'BucketSubresource' || op === 'ObjectSubresource') return method === 'GET' || method === 'HEAD' ? 'B' : method === 'DELETE' ? 'free' : 'A';
  return 'free';
}

/**
 * R2 list prices, Standard storage, from the same page (read 2026-12): Class A $4.50 per million
 * requests, Class B $0.36 per million; the first 1 million Class A and 10 million Class B requests a
 * month are free (not applied here: the benchmark prices the backup alone).
 */
export const R2_PRICE_PER_MILLION = { A: 4.5, B: 0.36 } as const;

/** Dollars for these many operations at R2's list prices. */
export function r2Price(ops: { A: number; B: number }): number {
  return (ops.A * R2_PRICE_PER_MILLION.A + ops.B * R2_PRICE_PER_MILLION.B) / 1e6;
}

export interface ClassCounts {
  A: number;
  B: number;
  free: number;
  /** PutObject and CompleteMultipartUpload: objects created. */
  objectsWritten: number;
}

const emptyCounts = (): ClassCounts => ({ A: 0, B: 0, free: 0, objectsWritten: 0 });

export class S3Stats {
  /** Every request, including rejected ones. */
  requests = 0;
  byOperation: Partial<Record<S3Operation, number>> = {};
  /** R2 operation classes of every request, by bucket ('' for requests naming none). */
  byBucket: Record<string, ClassCounts> = {};
  /** Error responses by S3 error code (auth failures, injected faults, NoSuchKey…). */
  errors: Record<string, number> = {};
  /** Body bytes received from clients (as sent on the wire). */
  bytesReceived = 0;
  /** Body bytes sent to clients. */
  bytesSent = 0;
  /** Key of every GetObject request, in arrival order. */
  getObjectKeys: string[] = [];
  /** Key of every PutObject / CompleteMultipartUpload request, in arrival order. */
  putObjectKeys: string[] = [];
  /** Keep getObjectKeys and putObjectKeys (off for benchmarks at scale, where they would grow without end). */
  keepKeys = true;

  count(op: S3Operation, key?: string, bucket = '', method = 'GET'): void {
    this.requests += 1;
    this.byOperation[op] = (this.byOperation[op] ?? 0) + 1;
    const counts = (this.byBucket[bucket] ??= emptyCounts());
    counts[r2Class(op, method)] += 1;
    if (op === 'PutObject' || op === 'CompleteMultipartUpload') counts.objectsWritten += 1;
    if (!this.keepKeys) return;
    if (key !== undefined && op === 'GetObject') this.getObjectKeys.push(key);
    if (key !== undefined && (op === 'PutObject' || op === 'CompleteMultipartUpload')) this.putObjectKeys.push(key);
  }

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }

  /** Requests of these operations, summed (e.g. all multipart steps). */
  total(...ops: S3Operation[]): number {
    return ops.reduce((sum, op) => sum + (this.byOperation[op] ?? 0), 0);
  }

  /** Class A / B / free requests at one bucket (all zero when it saw none). */
  classes(bucket: string): ClassCounts {
    return { ...(this.byBucket[bucket] ?? emptyCounts()) };
  }

  reset(): void {
    this.requests = 0;
    this.byOperation = {};
    this.byBucket = {};
    this.errors = {};
    this.bytesReceived = 0;
    this.bytesSent = 0;
    this.getObjectKeys = [];
    this.putObjectKeys = [];
  }
}
