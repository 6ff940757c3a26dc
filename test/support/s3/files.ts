// File-level helpers for writing into s3rver's store the way real S3 commits objects: all or nothing.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { S3Error } from './xml';

export interface BodyChecks {
  /** Content-MD5 header (base64). */
  contentMd5?: string;
  /** x-amz-content-sha256 header; only a hex value is checked. */
  sha256?: string;
  /** x-amz-decoded-content-length of an aws-chunked body. */
  decodedLength?: number;
}

export interface Spooled { tmp: string; md5: string; size: number }

class Hasher extends Transform {
  readonly md5 = createHash('md5');
  readonly sha256 = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.md5.update(chunk);
    this.sha256.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

export async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/**
 * Streams a body into a temporary file next to its destination, hashing it on the way, so that an
 * interrupted or rejected upload never replaces what is stored. The caller renames `tmp` into place.
 */
export async function spool(body: Readable, dir: string, checks: BodyChecks = {}): Promise<Spooled> {
  const tmp = path.join(dir, `.incoming-${randomUUID()}`);
  // A concurrent DeleteObject may prune the (empty) folder between mkdir and open: try again.
  let handle;
  for (let attempt = 0; !handle; attempt++) {
    await mkdir(dir, { recursive: true });
    handle = await open(tmp, 'w').catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT' || attempt >= 5) throw err;
      return undefined;
    });
  }
  const hasher = new Hasher();
  try {
    await pipeline(body, hasher, handle.createWriteStream());
    const md5 = hasher.md5.digest('hex');
    if (checks.contentMd5 !== undefined && Buffer.from(checks.contentMd5, 'base64').toString('hex') !== md5) {
      throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    const declared = checks.sha256?.toLowerCase();
    if (declared && /^[0-9a-f]{64}$/.test(declared) && hasher.sha256.digest('hex') !== declared) {
      throw new S3Error('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    if (checks.decodedLength !== undefined && checks.decodedLength !== hasher.size) {
      throw new S3Error('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.');
    }
    return { tmp, md5, size: hasher.size };
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Small files (metadata, md5) also go through a temp file so readers never see half of one. */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.incoming-${randomUUID()}`);
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** Removes now-empty folders from `dir` up to (not including) `stopAt`, tolerating concurrent writers. */
export async function pruneEmptyDirs(stopAt: string, dir: string): Promise<void> {
  while (dir.startsWith(stopAt + path.sep)) {
    try {
      await rmdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') return; // ENOTEMPTY: someone still lives here
    }
    dir = path.dirname(dir);
  }
}

/** Headers S3 keeps with an object (the same list s3rver keeps), minus aws-chunked framing. */
const KEPT_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'content-type',
  'expires', 'x-amz-storage-class', 'x-amz-website-redirect-location'];

export function objectMetadata(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw.join(',') : raw;
    if (value === undefined) continue;
    if (KEPT_HEADERS.includes(name) || name.startsWith('x-amz-meta-')) meta[name] = value;
  }
  if (meta['content-encoding'] !== undefined) {
    const rest = meta['content-encoding'].split(',').map((s) => s.trim()).filter((s) => s && s !== 'aws-chunked');
    if (rest.length) meta['content-encoding'] = rest.join(',');
    else delete meta['content-encoding'];
  }
  meta['content-type'] ??= 'binary/octet-stream';
  return meta;
}
