// Driver and SDK errors in plain words (DESIGN §4). Exported for every part of the app that talks
// to MongoDB or R2 (the backup engine included), so a person reads the same sentence everywhere.
// `details` keeps the technical name and message for support, with connection strings redacted.
import { UserError, type ErrorCode } from '../../../shared/errors';
import { redact } from '../../../shared/redact';

interface ErrorLike {
  name?: string;
  code?: string | number;
  Code?: string;
  codeName?: string;
  message?: string;
  cause?: unknown;
  reason?: { servers?: Map<string, { error?: unknown }> };
  $metadata?: { httpStatusCode?: number };
  hostname?: string;
}

/** This error and everything that caused it (driver errors nest the network error a few levels deep). */
function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < 20) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || out.includes(e as ErrorLike)) continue;
    const like = e as ErrorLike;
    out.push(like);
    queue.push(like.cause);
    for (const server of like.reason?.servers?.values() ?? []) queue.push(server.error);
    if (e instanceof AggregateError) queue.push(...e.errors);
  }
  return out;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'ESERVFAIL', 'ENODATA']);
const REFUSED = new Set(['ECONNREFUSED']);
const TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'TimeoutError', 'MongoNetworkTimeoutError', 'RequestTimeout']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TLS = /CERT|SSL|TLS|self.signed|certificate/i;

type NetworkKind = 'dns' | 'refused' | 'timeout' | 'unreachable' | 'tls';

function networkKind(errors: ErrorLike[]): NetworkKind | null {
  const codes = errors.flatMap((e) => [String(e.code ?? ''), e.name ?? '']);
  const text = errors.map((e) => e.message ?? '').join(' ');
  if (codes.some((c) => DNS.has(c)) || /getaddrinfo|querySrv/i.test(text)) return 'dns';
  if (codes.some((c) => REFUSED.has(c)) || /ECONNREFUSED/.test(text)) return 'refused';
  if (codes.some((c) => TLS.test(c)) || /certificate|SSL routines|TLS/i.test(text)) return 'tls';
  if (codes.some((c) => TIMEOUT.has(c)) || /timed out|timeout/i.test(text)) return 'timeout';
  if (codes.some((c) => UNREACHABLE.has(c))) return 'unreachable';
  return null;
}

function describe(errors: ErrorLike[]): string {
  const lines = errors.slice(0, 4).map((e) => `${e.name ?? 'Error'}${e.code !== undefined ? ` [${e.code}]` : ''}: ${e.message ?? ''}`);
  return redact(lines.join('\n  caused by '));
}

/**
 * SDK and driver errors carry the raw exchange (request headers with signatures, connection strings):
 * the cause kept on the UserError is a plain copy with name, redacted message and stack only.
 */
function make(code: ErrorCode, title: string, message: string, hint: string, errors: ErrorLike[], cause: unknown): UserError {
  const plain = new Error(redact(cause instanceof Error ? cause.message : String(cause)));
  plain.name = cause instanceof Error ? cause.name : 'Error';
  if (cause instanceof Error && cause.stack) plain.stack = redact(cause.stack);
  return new UserError({ code, title, message, hint, details: describe(errors) }, { cause: plain });
}

export interface MongoErrorContext {
  /** The connection string (only its host names are used, for messages). */
  uri?: string;
  database?: string;
}

function mongoWhere(ctx: MongoErrorContext): string {
  const m = ctx.uri ? /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?]+)/i.exec(ctx.uri.trim()) : null;
  return m ? m[1] : 'the MongoDB server';
}

/** Any error from the MongoDB driver (or the URI parser), as a UserError a person can act on. */
export function mapMongoError(err: unknown, ctx: MongoErrorContext = {}): UserError {
  if (err instanceof UserError) return err;
  const errors = chain(err);
  const names = errors.map((e) => e.name ?? '');
  const serverCodes = errors.map((e) => (typeof e.code === 'number' ? e.code : undefined));
  const where = mongoWhere(ctx);
  const text = errors.map((e) => e.message ?? '').join(' ');

  if (names.some((n) => n === 'MongoParseError' || n === 'MongoInvalidArgumentError' || n === 'MongoMissingCredentialsError') || /Invalid scheme|URI/.test(errors[0]?.message ?? '') && names[0] === 'MongoAPIError') {
    // The driver only says "Invalid connection string" for a password with a bare '@' or ':' in it.
    const userinfo = ctx.uri ? /^[a-z+]+:\/\/([^/?]*)@/i.exec(ctx.uri.trim())?.[1] : undefined;
    const encoding = /unescaped|escaped|percent|URI malformed/i.test(text) || (userinfo !== undefined && (userinfo.includes('@') || userinfo.split(':').length > 2));
    return make(
      'MONGO_BAD_URI',
      'Connection string not valid',
      encoding ? 'The MongoDB connection string contains characters that must be encoded (often in the password).' : 'This is not a valid MongoDB connection string.',
      encoding
        ? 'Write characters such as @ : / ? # in the password as %40 %3A %2F %3F %23, or copy the string again from PCI File Manager\'s configuration.'
        : 'It should look like mongodb://user:password@server:27017/database. Copy it again from PCI File Manager\'s configuration.',
      errors,
      err,
    );
  }
  if (serverCodes.includes(18) || errors.some((e) => e.codeName === 'AuthenticationFailed') || /Authentication failed/i.test(text)) {
    return make('MONGO_AUTH_FAILED', 'Wrong user name or password', 'MongoDB did not accept the user name or password in the connection string.', 'Check the user name and password. If the user was created in another database, add the option authSource=admin (or the name of that database) to the connection string.', errors, err);
  }
  if (serverCodes.includes(13) || errors.some((e) => e.codeName === 'Unauthorized')) {
    // The roles that really suffice (connections/mongo-privileges.ts): "read" to back up, "readWrite"
    // to restore and test-restore; skipping validation rules needs "dbAdmin" as well.
    const where = ctx.database ? `the database "${ctx.database}"` : 'this database';
    return make('MONGO_AUTH_FAILED', 'Not allowed', `MongoDB did not allow this MongoDB user to do this on ${where}.`, `Give the user the "readWrite" role on ${where} (the "read" role is enough to back up; restoring and test restores need "readWrite"), or use the connection string of a user that has it. "Test connection" shows what this user may do.`, errors, err);
  }
  switch (networkKind(errors)) {
    case 'dns':
      return make('MONGO_UNREACHABLE', 'Server not found', `The server name in the connection string (${where}) cannot be found.`, 'Check the spelling of the server name, and that this computer is connected to the network the server is on.', errors, err);
    case 'refused':
      return make('MONGO_UNREACHABLE', 'MongoDB is not answering', `Nothing answers at ${where}: MongoDB is not running there, or the port is wrong.`, 'Start MongoDB (the database service of PCI File Manager) and check the port in the connection string (usually 27017).', errors, err);
    case 'tls':
      return make('MONGO_UNREACHABLE', 'Secure connection failed', `The secure (TLS) connection to ${where} failed: its certificate is not trusted or does not match.`, 'Check the tls options in the connection string, or ask whoever runs the server which certificate it uses.', errors, err);
    case 'timeout':
      return make('MONGO_UNREACHABLE', 'MongoDB did not answer', `MongoDB at ${where} did not answer in time.`, 'Check that the server is switched on and that no firewall blocks its port, then try again.', errors, err);
    case 'unreachable':
      return make('MONGO_UNREACHABLE', 'MongoDB not reachable', `The connection to ${where} was lost or could not be made.`, 'Check the network connection to the server, then try again.', errors, err);
  }
  if (names.includes('MongoServerSelectionError')) {
    return make('MONGO_UNREACHABLE', 'MongoDB not reachable', `No usable MongoDB server was found at ${where}.`, 'Check that MongoDB is running and that the connection string names the right server (and replica set, if any).', errors, err);
  }
  if (serverCodes.includes(26) || errors.some((e) => e.codeName === 'NamespaceNotFound')) {
    return make('MONGO_DB_NOT_FOUND', 'Not found', `The database or collection does not exist${ctx.database ? ` in "${ctx.database}"` : ''}.`, 'Check the database name PCI File Manager uses.', errors, err);
  }
  const codeName = errors.find((e) => e.codeName)?.codeName;
  return make('MONGO_ERROR', 'MongoDB error', `MongoDB answered with an error${codeName ? ` (${codeName})` : ''}.`, 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.', errors, err);
}

export interface S3ErrorContext {
  bucket: string;
  /** "host:port" of the endpoint, for messages. */
  endpoint?: string;
  /** What the bucket is, in words: "R2 bucket" (default) or "backup bucket". */
  what?: string;
}

/** Any error from the S3 SDK, as a UserError a person can act on. */
export function mapS3Error(err: unknown, ctx: S3ErrorContext): UserError {
  if (err instanceof UserError) return err;
  const errors = chain(err);
  const first = errors[0] ?? {};
  const name = first.name || first.Code || String(first.code ?? '');
  const status = first.$metadata?.httpStatusCode;
  const what = ctx.what ?? 'R2 bucket';
  const where = ctx.endpoint ?? 'the storage service';
  const b = `"${ctx.bucket}"`;

  switch (name) {
    case 'InvalidAccessKeyId':
      return make('R2_AUTH_FAILED', 'Access key not recognised', 'The storage service does not know this Access Key ID.', 'Copy the Access Key ID again from the Cloudflare dashboard (R2 → Manage API tokens). A deleted token stops working at once.', errors, err);
    case 'SignatureDoesNotMatch':
      return make('R2_AUTH_FAILED', 'Wrong secret access key', 'The Secret Access Key does not belong to this Access Key ID.', 'Copy the Secret Access Key again. Cloudflare shows it only once; if it is lost, create a new API token.', errors, err);
    case 'InvalidToken':
    case 'ExpiredToken':
      return make('R2_AUTH_FAILED', 'Key expired', 'The access key is no longer valid.', 'Create a new API token in the Cloudflare dashboard and enter its keys here.', errors, err);
    case 'RequestTimeTooSkewed':
      return make('R2_CLOCK_SKEW', "This computer's clock is wrong", 'The storage service refused the request because the date or time of this computer is wrong.', 'Set the clock to update automatically (Windows: Settings → Time & language; macOS: System Settings → Date & Time; Linux: "timedatectl set-ntp true"), then try again.', errors, err);
    case 'NoSuchBucket':
      return make('R2_BUCKET_NOT_FOUND', 'Bucket not found', `There is no ${what} named ${b} at this address.`, 'Check the bucket name (exact spelling, usually lower case) and the Account ID, or create the bucket in the Cloudflare dashboard.', errors, err);
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'Forbidden':
      return make('R2_ACCESS_DENIED', 'Access denied', `The access key is not allowed to use the ${what} ${b}.`, 'In the Cloudflare dashboard, give the API token "Object Read & Write" permission for this bucket (or use a token that has it).', errors, err);
  }
  if (status === 404 && name === 'NotFound') {
    return make('R2_BUCKET_NOT_FOUND', 'Bucket not found', `There is no ${what} named ${b} at this address.`, 'Check the bucket name and the Account ID, or create the bucket first.', errors, err);
  }
  if (status === 403) {
    return make('R2_ACCESS_DENIED', 'Access denied', `The storage service refused access to the ${what} ${b}.`, 'Check the access key, the secret key, and the permissions of the API token for this bucket.', errors, err);
  }
  switch (networkKind(errors)) {
    case 'dns':
      return make('R2_UNREACHABLE', 'Address not found', `The storage address (${where}) cannot be found.`, 'Check the Account ID (or the endpoint address) and the internet connection of this computer.', errors, err);
    case 'refused':
      return make('R2_UNREACHABLE', 'Storage not answering', `Nothing answers at ${where}.`, 'Check the endpoint address and port. For Cloudflare R2, enter only the Account ID and leave the endpoint empty.', errors, err);
    case 'tls':
      return make('R2_UNREACHABLE', 'Secure connection failed', `The secure connection to ${where} failed: its certificate is not trusted.`, 'Check the endpoint address. A company proxy that inspects traffic can also cause this; ask your IT contact.', errors, err);
    case 'timeout':
      return make('R2_UNREACHABLE', 'No answer in time', `The storage service at ${where} did not answer in time.`, 'Check the internet connection (and any firewall or proxy), then try again.', errors, err);
    case 'unreachable':
      return make('R2_UNREACHABLE', 'Connection lost', `The connection to ${where} was lost or could not be made.`, 'Check the internet connection, then try again.', errors, err);
  }
  if (status === 429 || status === 503 || name === 'SlowDown' || name === 'TooManyRequests') {
    return make('R2_ERROR', 'Storage busy', 'The storage service is busy and asked to slow down, even after several tries.', 'Wait a few minutes, then try again.', errors, err);
  }
  if (status !== undefined && status >= 500) {
    return make('R2_ERROR', 'Storage service error', 'The storage service is not working properly right now.', 'Try again later. If it keeps happening, check Cloudflare\'s status page.', errors, err);
  }
  return make('R2_ERROR', 'Storage error', `The storage service answered with an error${name ? ` (${name})` : ''}.`, 'Try again. If it keeps happening, export a support bundle and send it to whoever helps you.', errors, err);
}
