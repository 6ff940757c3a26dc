// A backup location under a prefix of an S3-compatible bucket (a second R2 bucket for an off-site
// copy). The caller builds the S3Client (region 'auto', path-style, checksums only when required),
// so this file never sees credentials. A single PutObject is atomic, so no temp-file dance here.
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { assertRepoPath, assertRepoPrefix, type BlobStore, type StoredObject } from './blob-store';
import { MissingObjectError, destNotFound, destNotWritable, destServiceError, destUnreachable } from './errors';
import { setTimeout as sleep } from 'node:timers/promises';

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Folder-like prefix inside the bucket ('' for the bucket root); stored without slashes at the ends. */
  prefix?: string;
  /** Shown in describe() and error details, e.g. the endpoint host; never a URL with credentials. */
  endpointLabel?: string;
  /** Keys per ListObjectsV2 page (S3's maximum is 1000; tests use a small one to exercise paging). */
  listPageSize?: number;
}

const DENIED = new Set(['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'Forbidden', 'InvalidToken', 'ExpiredToken', 'AllAccessDisabled']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'TimeoutError', 'RequestTimeout']);

interface S3ErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export class S3Store implements BlobStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  readonly prefix: string;
  private readonly client: S3Client;
  private readonly endpointLabel: string;
  private readonly listPageSize: number;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (this.prefix) assertRepoPath(this.prefix);
    this.endpointLabel = options.endpointLabel ?? '';
    this.listPageSize = options.listPageSize ?? 1000;
  }

  describe(): string {
    const where = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    return this.endpointLabel ? `${where} at ${this.endpointLabel}` : where;
  }

  private key(path: string): string {
    assertRepoPath(path);
    return this.prefix ? `${this.prefix}/${path}` : path;
  }

  async get(path: string): Promise<Buffer> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      throw this.mapError(err, 'read', path);
    }
  }

  async getRange(path: string, offset: number, length: number): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path), Range: `bytes=${offset}-${offset + length - 1}` }));
      if (!out.Body) return Buffer.alloc(0);
      return Buffer.from(await out.Body.transformToByteArray());
    } catch (err) {
      const status = (err as S3ErrorShape | null)?.$metadata?.httpStatusCode;
      if (status === 416) return Buffer.alloc(0); // the range starts past the end: a truncated file
      throw this.mapError(err, 'read', path);
    }
  }

  async getStream(path: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      if (out.Body instanceof Readable) return out.Body;
      return Readable.from(out.Body ? [Buffer.from(await out.Body.transformToByteArray())] : []);
    } catch (err) {
      throw this.mapError(err, 'read', path);
    }
  }

  async put(path: string, data: Buffer): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: data, ContentLength: data.length }));
    } catch (err) {
      throw this.mapError(err, 'write', path);
    }
  }

  /**
   * PutObject with `If-None-Match: *`: S3 and R2 write only when the key does not exist yet, else answer
   * 412 PreconditionFailed; two such writes racing may get 409 ConditionalRequestConflict, which is
   * retried. See https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html and
   * https://developers.cloudflare.com/r2/api/s3/conditional-operations/ . A service that ignores the
   * header lets the last writer win; Repository.initOrOpen reads the config back to catch that.
   */
  async putIfAbsent(path: string, data: Buffer): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: data, ContentLength: data.length, IfNoneMatch: '*' }));
        return true;
      } catch (err) {
        const e = (err ?? {}) as S3ErrorShape;
        const name = e.name ?? e.Code ?? '';
        const status = e.$metadata?.httpStatusCode;
        if (name === 'PreconditionFailed' || status === 412) return false;
        if ((name === 'ConditionalRequestConflict' || status === 409) && attempt < 5) {
          await sleep(100 * attempt);
          continue;
        }
        throw this.mapError(err, 'write', path);
      }
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== null;
  }

  async stat(path: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      // HEAD has no body, so a missing bucket also looks like a plain 404 here; get() and list() tell them apart.
      const mapped = this.mapError(err, 'stat', path);
      if (mapped instanceof MissingObjectError) return null;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertRepoPrefix(prefix);
    const base = this.prefix ? `${this.prefix}/` : '';
    try {
      for await (const page of paginateListObjectsV2({ client: this.client, pageSize: this.listPageSize }, { Bucket: this.bucket, Prefix: base + prefix })) {
        for (const obj of page.Contents ?? []) {
          if (!obj.Key || !obj.Key.startsWith(base)) continue;
          yield { path: obj.Key.slice(base.length), size: obj.Size ?? 0 };
        }
      }
    } catch (err) {
      throw this.mapError(err, 'list', prefix || '.');
    }
  }

  async delete(path: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
    } catch (err) {
      const mapped = this.mapError(err, 'write', path);
      if (!(mapped instanceof MissingObjectError)) throw mapped;
    }
  }

  async freeSpace(): Promise<number | null> {
    return null; // buckets have no fixed size
  }

  /** S3 errors in plain words. Details carry the error name, status and path only — never keys or signatures. */
  private mapError(err: unknown, op: string, path: string): Error {
    if (err instanceof MissingObjectError) return err;
    const e = (err ?? {}) as S3ErrorShape;
    const name = e.name ?? e.Code ?? '';
    const code = e.code ?? '';
    const status = e.$metadata?.httpStatusCode;
    const details = `${op} ${path} in ${this.describe()}: ${name || code || 'error'}${status ? ` (HTTP ${status})` : ''}`;
    const cause = sanitized(err, name || code);
    if (name === 'NoSuchBucket') return destNotFound('s3', details, cause);
    if (name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && op !== 'list')) return new MissingObjectError(path);
    if (DENIED.has(name) || status === 403) return destNotWritable('s3', details, cause);
    if (NETWORK.has(code) || NETWORK.has(name)) return destUnreachable(details, cause);
    if (status !== undefined && status >= 500) return destServiceError(details, cause);
    return cause;
  }
}

/**
 * The SDK's error objects carry the raw HTTP exchange, including the Authorization header (access key
 * id, signature). Keep only name, message and stack, so logging the error chain cannot leak them.
 */
function sanitized(err: unknown, name: string): Error {
  const out = new Error(err instanceof Error ? err.message : String(err));
  out.name = name || 'S3Error';
  if (err instanceof Error && err.stack) out.stack = err.stack;
  return out;
}
