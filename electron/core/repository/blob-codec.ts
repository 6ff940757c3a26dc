// Blob encoding (docs/backup-format.md §4): flag byte (raw | gzip), then the body, sealed with
// AES-256-GCM when the repository is encrypted. Decoding always re-checks the blob id.
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb, constants as zlibConstants } from 'node:zlib';
import { blobIdOf, open, seal, type RepoKeys } from './crypto';
import { backupDamaged } from './errors';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

export const FLAG_RAW = 0x00;
export const FLAG_GZIP = 0x01;
/** Largest plaintext a blob may hold; also the cap when inflating, so a hostile blob cannot exhaust memory. */
export const MAX_BLOB_BYTES = 256 * 1024 * 1024;
/** Keep the gzip form only when it saves at least this fraction. */
const MIN_SAVING = 0.03;
/**
 * Below MIN_COMPRESS_BYTES compression cannot pay for the gzip header. From SAMPLE_FROM on, a sample
 * is tried first: most files in a bucket are photos, PDFs and archives that do not compress, and
 * gzipping each of them whole only to throw the result away was the biggest CPU cost of a backup.
 */
const MIN_COMPRESS_BYTES = 64;
const SAMPLE_FROM = 32 * 1024;
const SAMPLE_BYTES = 16 * 1024;
/** The sample only has to tell "compresses" from "does not": gzip's fastest level says that as well. */
const SAMPLE_LEVEL = 1;

export const BLOB_ID_RE = /^[0-9a-f]{64}$/;

export function blobPath(id: string): string {
  if (!BLOB_ID_RE.test(id)) throw new Error(`Invalid blob id: ${JSON.stringify(id)}`);
  return `blobs/${id.slice(0, 2)}/${id}`;
}

export interface EncodedBlob {
  id: string;
  encoded: Buffer;
  compressed: boolean;
}

function aadFor(flag: number, id: string): Buffer {
  return Buffer.concat([Buffer.of(flag), Buffer.from(id, 'ascii')]);
}

/** gzip when it helps. Incompressible data (photos, zips, PDFs) is detected from a sample, so it costs little. */
async function maybeCompress(plain: Buffer): Promise<Buffer | null> {
  if (plain.length < MIN_COMPRESS_BYTES) return null;
  // Output in large pieces: zlib's default 16 KiB means a JS callback and a Buffer per 16 KiB.
  const opts = { level: 6, memLevel: 8, strategy: zlibConstants.Z_DEFAULT_STRATEGY, chunkSize: 256 * 1024 };
  if (plain.length >= SAMPLE_FROM) {
    const sample = plain.subarray(0, SAMPLE_BYTES);
    const z = await gzip(sample, { ...opts, level: SAMPLE_LEVEL });
    if (z.length > sample.length * (1 - MIN_SAVING)) return null;
  }
  const z = await gzip(plain, opts);
  return z.length <= plain.length * (1 - MIN_SAVING) ? z : null;
}

/** The id of `plain` in this repository (SHA-256, or HMAC-SHA-256 when encrypted). */
export function computeBlobId(plain: Uint8Array, keys: RepoKeys | null): Promise<string> {
  return blobIdOf(plain, keys ? keys.id : null);
}

/** Encode a blob whose id is already known (the caller computed it to check for a duplicate first). */
export async function encodeBlobWithId(plain: Buffer, id: string, keys: RepoKeys | null): Promise<EncodedBlob> {
  if (plain.length > MAX_BLOB_BYTES) throw new Error(`Blob too large: ${plain.length} bytes`);
  const compressedBody = await maybeCompress(plain);
  const flag = compressedBody ? FLAG_GZIP : FLAG_RAW;
  const body = compressedBody ?? plain;
  const payload = keys ? await seal(keys.data, body, aadFor(flag, id)) : body;
  return { id, encoded: Buffer.concat([Buffer.of(flag), payload]), compressed: compressedBody !== null };
}

export async function encodeBlob(plain: Buffer, keys: RepoKeys | null): Promise<EncodedBlob> {
  return encodeBlobWithId(plain, await computeBlobId(plain, keys), keys);
}

/** Decode and verify; any problem is BACKUP_DAMAGED naming the blob's file (its pack file, in a packed location). */
export async function decodeBlob(encoded: Buffer, id: string, keys: RepoKeys | null, file = blobPath(id)): Promise<Buffer> {
  if (encoded.length < 1) throw backupDamaged(file, 'empty file');
  const flag = encoded[0];
  if (flag !== FLAG_RAW && flag !== FLAG_GZIP) throw backupDamaged(file, `unknown encoding flag 0x${flag.toString(16)}`);
  const payload = encoded.subarray(1);
  const body = keys ? await open(keys.data, payload, aadFor(flag, id), file) : payload;
  let plain: Buffer;
  if (flag === FLAG_GZIP) {
    try {
      plain = await gunzip(body, { maxOutputLength: MAX_BLOB_BYTES });
    } catch (err) {
      throw backupDamaged(file, 'the compressed data cannot be read', err);
    }
  } else {
    plain = body; // a view of `encoded`: no copy for the common raw case
  }
  const actual = await computeBlobId(plain, keys);
  if (actual !== id) throw backupDamaged(file, `content does not match its id (got ${actual})`);
  return plain;
}
