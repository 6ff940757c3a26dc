// Where s3rver keeps an object on disk, and the key encoding that keeps every S3 key storable there.
// s3rver builds paths with path.join(root, bucket, ...key.split('/')), so empty, '.' and '..' segments
// collapse or escape the bucket folder (see README.md). The gateway stores such segments (and ones that
// could be mistaken for s3rver's own files) base64url-encoded behind '~'; clients never see the encoding.
import path from 'node:path';
import { S3Error } from './xml';

const MARK = '~';
/** s3rver appends this to the last key segment; the longest variant is `._S3rver_metadata.json`. */
export const OBJECT_SUFFIX = '._S3rver_object';
const LONGEST_SUFFIX_BYTES = Buffer.byteLength('._S3rver_metadata.json');
const MAX_FILENAME_BYTES = 255;
const MAX_KEY_BYTES = 1024;

function needsEncoding(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..' || segment.startsWith(MARK) ||
    segment.includes('\0') || segment.includes('_S3rver_');
}

export function encodeKeySegment(segment: string): string {
  return needsEncoding(segment) ? MARK + Buffer.from(segment, 'utf8').toString('base64url') : segment;
}

export function decodeKeySegment(segment: string): string {
  return segment.startsWith(MARK) ? Buffer.from(segment.slice(1), 'base64url').toString('utf8') : segment;
}

/** Key as the client sent it → key as s3rver stores it. Throws KeyTooLongError when the disk can't hold it. */
export function encodeKey(key: string): string {
  if (key.length === 0) throw new S3Error('InvalidArgument', 'Object keys must not be empty.');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long.');
  const encoded = key.split('/').map(encodeKeySegment);
  if (encoded.some((s) => Buffer.byteLength(s) + LONGEST_SUFFIX_BYTES > MAX_FILENAME_BYTES)) {
    // A limit of this test double, not of S3: one key segment becomes one file name on disk.
    throw new S3Error('KeyTooLongError', 'A key segment is too long for the S3 test server (see test/support/s3/README.md).');
  }
  return encoded.join('/');
}

export function decodeKey(encodedKey: string): string {
  return encodedKey.split('/').map(decodeKeySegment).join('/');
}

/** URL path that makes s3rver's router see exactly `encodedKey`. */
export function upstreamObjectPath(bucket: string, encodedKey: string): string {
  return `/${bucket}/${encodedKey.split('/').map(encodeURIComponent).join('/')}`;
}

export function bucketDir(root: string, bucket: string): string {
  return path.join(root, bucket);
}

/** Mirrors s3rver's FilesystemStore.getResourcePath(). */
export function resourcePath(root: string, bucket: string, encodedKey: string, resource: 'object' | 'object.md5' | 'metadata.json'): string {
  const parts = encodedKey.split('/');
  const last = parts.pop() ?? '';
  return path.join(root, bucket, ...parts, `${last}._S3rver_${resource}`);
}

export function uploadDir(root: string, bucket: string, uploadId: string): string {
  // s3rver's upload ids are 16 random bytes in hex; anything else could name a path outside the store.
  if (!/^[0-9a-f]{32}$/.test(uploadId)) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  return path.join(root, bucket, '._S3rver_uploads', uploadId);
}

export function uploadsRoot(root: string, bucket: string): string {
  return path.join(root, bucket, '._S3rver_uploads');
}

/** S3's bucket naming rules (the subset R2 enforces), which also keeps bucket names path-safe. */
export function assertBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..')) {
    throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: bucket });
  }
}
