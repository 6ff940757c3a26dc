// Plain-language errors for failures while reading the sources of a backup (the MongoDB database,
// the R2 bucket, configuration folders). Connection set-up errors are worded by the connections
// module; these cover what can go wrong once a backup is reading. Details never carry secrets:
// only error names, codes, statuses and the names of collections, keys or files.
import { MongoServerError, MongoServerSelectionError, MongoNetworkError } from 'mongodb';
import { UserError } from '../../../shared/errors';
import { errorText } from './retry';

export type ErrorMapper = (err: unknown) => Error;

export function mongoReadError(err: unknown, what: string): Error {
  if (err instanceof UserError) return err;
  const details = `${what}: ${errorText(err)}`;
  if (err instanceof MongoServerSelectionError || err instanceof MongoNetworkError) {
    return new UserError(
      {
        code: 'MONGO_UNREACHABLE',
        title: 'Database not reachable',
        message: 'The connection to the MongoDB database kept failing during the backup.',
        hint: 'Check that MongoDB is running and reachable from this computer, then start the backup again.',
        details,
      },
      { cause: err },
    );
  }
  if (err instanceof MongoServerError && [13, 18].includes(Number(err.code))) {
    return new UserError(
      {
        code: 'MONGO_AUTH_FAILED',
        title: 'Not allowed to read the database',
        message: 'MongoDB refused to let this user read the database.',
        hint: 'Use a database user with the "backup" or "read" role on this database, then try again.',
        details,
      },
      { cause: err },
    );
  }
  return new UserError(
    {
      code: 'MONGO_ERROR',
      title: 'Database error',
      message: 'MongoDB reported an error while the database was being backed up.',
      hint: 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.',
      details,
    },
    { cause: err },
  );
}

interface S3ErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function s3Status(err: unknown): number | undefined {
  return (err as S3ErrorShape | null)?.$metadata?.httpStatusCode;
}

export function s3Name(err: unknown): string {
  const e = (err ?? {}) as S3ErrorShape;
  return e.name ?? e.Code ?? e.code ?? '';
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET']);
const THROTTLE_NAMES = new Set(['SlowDown', 'TooManyRequests', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'TimeoutError', 'ThrottlingException', 'RequestTimeTooSkewed']);

/** R2 / S3 failures worth another attempt: throttling, server errors, dropped or reset connections. */
export function isRetryableS3(err: unknown): boolean {
  const status = s3Status(err);
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const name = s3Name(err);
  if (THROTTLE_NAMES.has(name) && name !== 'RequestTimeTooSkewed') return true;
  const code = (err as { code?: string } | null)?.code ?? '';
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name)) return true;
  const message = err instanceof Error ? err.message : '';
  return /socket hang up|aborted|premature close|ended before|ECONNRESET/i.test(message);
}

export function r2ReadError(err: unknown, bucket: string, what: string): Error {
  if (err instanceof UserError) return err;
  const name = s3Name(err);
  const status = s3Status(err);
  const details = `${what} in bucket ${bucket}: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}`;
  const make = (code: UserError['code'], title: string, message: string, hint: string) => new UserError({ code, title, message, hint, details }, { cause: err });
  if (name === 'NoSuchBucket') return make('R2_BUCKET_NOT_FOUND', 'Bucket not found', `The R2 bucket "${bucket}" does not exist.`, 'Check the bucket name in the profile.');
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'ExpiredToken'].includes(name)) {
    return make('R2_AUTH_FAILED', 'R2 key not accepted', 'Cloudflare R2 did not accept the access key.', 'Check the access key id and the secret key in the profile.');
  }
  if (name === 'AccessDenied' || status === 403) {
    return make('R2_ACCESS_DENIED', 'No access to the bucket', `The R2 key is not allowed to read the bucket "${bucket}".`, 'Give the API token read access to this bucket (Object Read), then try again.');
  }
  if (name === 'RequestTimeTooSkewed') return make('R2_CLOCK_SKEW', 'Clock is wrong', "This computer's clock is too far off for R2 to accept requests.", 'Set the date and time correctly (turn on automatic time), then try again.');
  if (isRetryableS3(err) && (status === undefined || status < 500) && status !== 429) {
    return make('R2_UNREACHABLE', 'R2 not reachable', 'The connection to Cloudflare R2 kept failing during the backup.', 'Check the internet connection, then start the backup again.');
  }
  return make('R2_ERROR', 'R2 error', 'Cloudflare R2 kept answering with errors during the backup.', 'Try again later. If it keeps happening, check the Cloudflare status page.');
}
