// Object writes and deletes done by the gateway itself, in s3rver's on-disk layout. s3rver writes
// uploads in place (an interrupted PUT would leave a truncated object) and races when pruning folders,
// so these paths are committed here atomically instead; s3rver still serves reads of the same files.
import type { IncomingHttpHeaders } from 'node:http';
import { rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AwsChunkedDecoder } from './aws-chunked';
import { exists, isDir, objectMetadata, pruneEmptyDirs, spool, writeFileAtomic, type BodyChecks } from './files';
import { bucketDir, encodeKey, resourcePath } from './keys';
import { chain, readSmall, type Reply } from './reply';
import type { S3Request } from './routes';
import { S3Error, xmlDocument, xmlValues } from './xml';

export interface OpContext {
  /** s3rver's store folder. */
  root: string;
  request: S3Request & { bucket: string };
  headers: IncomingHttpHeaders;
  /** The request body as counted (and possibly cut) by the gateway, still aws-chunked if it was sent so. */
  rawBody: Readable;
  reply: Reply;
  region: string;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requireKey(ctx: OpContext): string {
  if (ctx.request.key === undefined) throw new S3Error('InvalidRequest', 'This operation needs an object key.');
  return ctx.request.key;
}

export async function assertBucket(ctx: OpContext): Promise<string> {
  const dir = bucketDir(ctx.root, ctx.request.bucket);
  if (!(await isDir(dir))) {
    throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', { BucketName: ctx.request.bucket });
  }
  return dir;
}

/** The body with aws-chunked framing removed, plus what to check it against. */
export function decodedBody(ctx: OpContext): { body: Readable; checks: BodyChecks } {
  const sha256 = header(ctx.headers, 'x-amz-content-sha256');
  const contentMd5 = header(ctx.headers, 'content-md5');
  if (sha256?.startsWith('STREAMING-')) {
    const decoded = header(ctx.headers, 'x-amz-decoded-content-length');
    return {
      body: chain(ctx.rawBody, new AwsChunkedDecoder()),
      checks: { contentMd5, decodedLength: decoded === undefined ? undefined : Number(decoded) },
    };
  }
  return { body: ctx.rawBody, checks: { contentMd5, sha256 } };
}

/** Conditional creates in flight, per object file: the check and the commit of one run as a unit. */
const creating = new Map<string, Promise<void>>();

async function oneCreateAtATime<T>(objectPath: string, fn: () => Promise<T>): Promise<T> {
  const before = creating.get(objectPath) ?? Promise.resolve();
  const run = before.then(fn);
  const done = run.then(() => undefined, () => undefined);
  creating.set(objectPath, done);
  try {
    return await run;
  } finally {
    if (creating.get(objectPath) === done) creating.delete(objectPath);
  }
}

const preconditionFailed = () => new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');

export async function putObject(ctx: OpContext): Promise<void> {
  const key = encodeKey(requireKey(ctx));
  await assertBucket(ctx);
  const objectPath = resourcePath(ctx.root, ctx.request.bucket, key, 'object');
  // Conditional create (If-None-Match: *), which R2 and S3 support and lock files and a new location's
  // config rely on: of several racing creates exactly one wins, the others get 412, as on R2/S3.
  const createOnly = header(ctx.headers, 'if-none-match') === '*';
  if (createOnly && (await exists(objectPath))) throw preconditionFailed();
  const { body, checks } = decodedBody(ctx);
  const spooled = await spool(body, path.dirname(objectPath), checks);
  try {
    const commit = () => commitObject(ctx.root, ctx.request.bucket, key, spooled.tmp, objectMetadata(ctx.headers), spooled.md5);
    if (!createOnly) await commit();
    else {
      await oneCreateAtATime(objectPath, async () => {
        if (await exists(objectPath)) throw preconditionFailed();
        await commit();
      });
    }
  } finally {
    await rm(spooled.tmp, { force: true });
  }
  await ctx.reply.send(200, { etag: `"${spooled.md5}"` });
}

/** Metadata and ETag first, then the object itself: a reader sees the old object or the whole new one. */
export async function commitObject(root: string, bucket: string, key: string, tmp: string, meta: Record<string, string>, etag: string): Promise<void> {
  await writeFileAtomic(resourcePath(root, bucket, key, 'metadata.json'), JSON.stringify(meta, null, 2));
  await writeFileAtomic(resourcePath(root, bucket, key, 'object.md5'), etag);
  await rename(tmp, resourcePath(root, bucket, key, 'object'));
}

async function deleteOne(root: string, bucketPath: string, bucket: string, key: string): Promise<void> {
  const enc = encodeKey(key);
  for (const resource of ['object', 'object.md5', 'metadata.json'] as const) {
    await unlink(resourcePath(root, bucket, enc, resource)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
  await pruneEmptyDirs(bucketPath, path.dirname(resourcePath(root, bucket, enc, 'object')));
}

export async function deleteObject(ctx: OpContext): Promise<void> {
  const key = requireKey(ctx);
  const bucketPath = await assertBucket(ctx);
  await deleteOne(ctx.root, bucketPath, ctx.request.bucket, key);
  await ctx.reply.send(204, {});
}

export async function deleteObjects(ctx: OpContext): Promise<void> {
  const bucketPath = await assertBucket(ctx);
  const xml = (await readSmall(decodedBody(ctx).body)).toString('utf8');
  const keys = [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map((m) => xmlValues(m[1], 'Key')[0]);
  if (keys.length === 0 || keys.some((k) => k === undefined)) {
    throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  }
  if (keys.length > 1000) throw new S3Error('MalformedXML', 'A DeleteObjects request can name at most 1000 keys.');
  const quiet = xmlValues(xml, 'Quiet')[0] === 'true';
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  // One at a time: the folder pruning after each delete must not race with the next one.
  for (const key of keys) {
    try {
      await deleteOne(ctx.root, bucketPath, ctx.request.bucket, key);
      deleted.push({ Key: key });
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
      errors.push({ Key: key, Code: e.code, Message: e.message });
    }
  }
  await ctx.reply.xml(200, xmlDocument('DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors }));
}

export async function headBucket(ctx: OpContext): Promise<void> {
  await assertBucket(ctx);
  await ctx.reply.send(200, { 'x-amz-bucket-region': ctx.region });
}
