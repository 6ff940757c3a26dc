// Multipart uploads on s3rver's store. s3rver only initiates them; parts, completion (with S3's
// "<md5 of part md5s>-<n>" ETag and its 5 MiB minimum part size), abort and the two listings live here.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { isDir, objectMetadata, spool, writeFileAtomic } from './files';
import { decodeKey, encodeKey, resourcePath, uploadDir, uploadsRoot } from './keys';
import { assertBucket, commitObject, decodedBody, requireKey, type OpContext } from './objects';
import { readSmall } from './reply';
import { queryValue } from './routes';
import { S3Error, xmlDocument, xmlValues } from './xml';

const MIN_PART_SIZE = 5 * 1024 * 1024;
const OWNER = { ID: 'pci-test', DisplayName: 'pci-test' };

async function existingUpload(ctx: OpContext): Promise<{ dir: string; uploadId: string }> {
  await assertBucket(ctx);
  const uploadId = queryValue(ctx.request.query, 'uploadId') ?? '';
  const dir = uploadDir(ctx.root, ctx.request.bucket, uploadId);
  if (!(await isDir(dir))) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.', { UploadId: uploadId });
  return { dir, uploadId };
}

export async function uploadPart(ctx: OpContext): Promise<void> {
  requireKey(ctx);
  const { dir } = await existingUpload(ctx);
  const partNumber = Number(queryValue(ctx.request.query, 'partNumber'));
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  }
  const { body, checks } = decodedBody(ctx);
  const spooled = await spool(body, dir, checks);
  await writeFileAtomic(path.join(dir, `${partNumber}.md5`), spooled.md5);
  await rename(spooled.tmp, path.join(dir, String(partNumber)));
  await ctx.reply.send(200, { etag: `"${spooled.md5}"` });
}

interface Part { number: number; md5: string; size: number; file: string }

async function partsToComplete(dir: string, xml: string): Promise<Part[]> {
  const blocks = [...xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)].map((m) => m[1]);
  if (blocks.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema.');
  const parts: Part[] = [];
  for (const block of blocks) {
    const number = Number(xmlValues(block, 'PartNumber')[0]);
    const etag = (xmlValues(block, 'ETag')[0] ?? '').replace(/"/g, '');
    if (parts.length && number <= parts[parts.length - 1].number) {
      throw new S3Error('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.');
    }
    const file = path.join(dir, String(number));
    const [md5, info] = await Promise.all([readFile(`${file}.md5`, 'utf8'), stat(file)]).catch(() => [undefined, undefined] as const);
    if (md5 === undefined || info === undefined || md5 !== etag) {
      throw new S3Error('InvalidPart', "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
    }
    parts.push({ number, md5, size: info.size, file });
  }
  if (parts.slice(0, -1).some((p) => p.size < MIN_PART_SIZE)) {
    throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
  }
  return parts;
}

export async function completeMultipartUpload(ctx: OpContext): Promise<void> {
  const key = encodeKey(requireKey(ctx));
  const { dir } = await existingUpload(ctx);
  const parts = await partsToComplete(dir, (await readSmall(decodedBody(ctx).body)).toString('utf8'));
  if ((await readFile(path.join(dir, 'key'), 'utf8')) !== key) throw new S3Error('NoSuchUpload', 'The specified upload does not exist.');
  const initHeaders = JSON.parse(await readFile(path.join(dir, 'metadata'), 'utf8')) as Record<string, string>;
  const etag = `${createHash('md5').update(Buffer.concat(parts.map((p) => Buffer.from(p.md5, 'hex')))).digest('hex')}-${parts.length}`;
  const joined = Readable.from((async function* () {
    for (const p of parts) yield* createReadStream(p.file);
  })());
  const objectPath = resourcePath(ctx.root, ctx.request.bucket, key, 'object');
  const spooled = await spool(joined, path.dirname(objectPath));
  try {
    await commitObject(ctx.root, ctx.request.bucket, key, spooled.tmp, objectMetadata(initHeaders), etag);
  } finally {
    await rm(spooled.tmp, { force: true });
  }
  await rm(dir, { recursive: true, force: true });
  const host = ctx.headers.host ?? 'localhost';
  await ctx.reply.xml(200, xmlDocument('CompleteMultipartUploadResult', {
    Location: `http://${host}/${ctx.request.bucket}/${requireKey(ctx).split('/').map(encodeURIComponent).join('/')}`, Bucket: ctx.request.bucket, Key: requireKey(ctx), ETag: `"${etag}"`,
  }));
}

export async function abortMultipartUpload(ctx: OpContext): Promise<void> {
  requireKey(ctx);
  const { dir } = await existingUpload(ctx);
  await rm(dir, { recursive: true, force: true });
  await ctx.reply.send(204, {});
}

export async function listParts(ctx: OpContext): Promise<void> {
  const { dir, uploadId } = await existingUpload(ctx);
  const numbers = (await readdir(dir)).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const parts = await Promise.all(numbers.map(async (n) => {
    const file = path.join(dir, String(n));
    const [info, md5] = await Promise.all([stat(file), readFile(`${file}.md5`, 'utf8')]);
    return { PartNumber: n, LastModified: info.mtime.toISOString(), ETag: `"${md5}"`, Size: info.size };
  }));
  await ctx.reply.xml(200, xmlDocument('ListPartsResult', {
    Bucket: ctx.request.bucket, Key: requireKey(ctx), UploadId: uploadId, Initiator: OWNER, Owner: OWNER,
    StorageClass: 'STANDARD', PartNumberMarker: 0, NextPartNumberMarker: numbers.at(-1) ?? 0, MaxParts: 10000,
    IsTruncated: false, Part: parts,
  }));
}

export async function listMultipartUploads(ctx: OpContext): Promise<void> {
  await assertBucket(ctx);
  const prefix = queryValue(ctx.request.query, 'prefix') ?? '';
  const root = uploadsRoot(ctx.root, ctx.request.bucket);
  const ids = await readdir(root).catch(() => [] as string[]);
  const uploads = (await Promise.all(ids.map(async (id) => {
    const dir = path.join(root, id);
    const [key, info] = await Promise.all([readFile(path.join(dir, 'key'), 'utf8'), stat(dir)]).catch(() => [undefined, undefined] as const);
    return key === undefined || info === undefined ? undefined : { key: decodeKey(key), id, initiated: info.birthtime };
  }))).filter((u) => u !== undefined && u.key.startsWith(prefix)) as { key: string; id: string; initiated: Date }[];
  uploads.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)) || a.initiated.getTime() - b.initiated.getTime());
  await ctx.reply.xml(200, xmlDocument('ListMultipartUploadsResult', {
    Bucket: ctx.request.bucket, KeyMarker: '', UploadIdMarker: '', Prefix: prefix, MaxUploads: 1000, IsTruncated: false,
    Upload: uploads.map((u) => ({ Key: u.key, UploadId: u.id, Initiator: OWNER, Owner: OWNER, StorageClass: 'STANDARD', Initiated: u.initiated.toISOString() })),
  }));
}
