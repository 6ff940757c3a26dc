// The S3 test server (s3rver behind our SigV4-checking gateway) as the app's R2 client and rclone see it.
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  AbortMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, DeleteObjectCommand,
  DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand,
  ListMultipartUploadsCommand, ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
  UploadPartCommand, CompleteMultipartUploadCommand, paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { r2Client, readBody, s3ErrorOf } from '../support/s3/client';

const BUCKET = 'pci-files';
const MiB = 1024 * 1024;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
let s3: S3TestServer;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3TestServer({ buckets: [BUCKET] });
  client = r2Client(s3, { maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

describe('AWS SDK v3 through the gateway', () => {
  it('lists and heads buckets; a missing bucket is NoSuchBucket (404)', async () => {
    const { Buckets } = await client.send(new ListBucketsCommand({}));
    expect(Buckets?.map((b) => b.Name)).toEqual([BUCKET]);
    expect((await client.send(new HeadBucketCommand({ Bucket: BUCKET }))).$metadata.httpStatusCode).toBe(200);
    expect(await s3ErrorOf(client.send(new HeadBucketCommand({ Bucket: 'no-such-bucket' })))).toMatchObject({ status: 404 });
    const err = await s3ErrorOf(client.send(new ListObjectsV2Command({ Bucket: 'no-such-bucket' })));
    expect(err).toMatchObject({ name: 'NoSuchBucket', status: 404 });
    expect(err.requestId).toMatch(/^[0-9A-F]{16}$/);
  });

  it('puts with content type and metadata, heads, streams back, copies and deletes', async () => {
    const body = Buffer.from('PCI invoice #42\n');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'docs/invoice.txt', Body: body, ContentType: 'text/plain', Metadata: { owner: 'u1' } }));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'docs/invoice.txt' }));
    expect(head).toMatchObject({ ContentLength: body.length, ContentType: 'text/plain', Metadata: { owner: 'u1' } });
    expect(head.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/invoice.txt' }));
    expect(await readBody(got.Body)).toEqual(body);

    await client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'docs/copy.txt', CopySource: `${BUCKET}/docs/invoice.txt` }));
    const copy = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'docs/copy.txt' }));
    expect(copy).toMatchObject({ ContentType: 'text/plain', Metadata: { owner: 'u1' }, ETag: head.ETag });

    await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'docs/copy.txt' }));
    expect(await s3ErrorOf(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'docs/copy.txt' })))).toMatchObject({ name: 'NoSuchKey', status: 404 });
    const del = await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'docs/invoice.txt' }, { Key: 'never-there' }] } }));
    expect(del.Deleted?.map((d) => d.Key).sort()).toEqual(['docs/invoice.txt', 'never-there']);
    expect(await s3ErrorOf(client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'docs/invoice.txt' })))).toMatchObject({ status: 404 });
  });

  it('serves byte ranges (suffix ranges too) and empty objects', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'range.txt', Body: '0123456789' }));
    const part = async (Range: string): Promise<string> => (await readBody((await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'range.txt', Range }))).Body)).toString();
    expect(await part('bytes=2-4')).toBe('234');
    expect(await part('bytes=7-')).toBe('789');
    expect(await part('bytes=-3')).toBe('789');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: '' }));
    const empty = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'empty' }));
    expect([empty.ContentLength, (await readBody(empty.Body)).length]).toEqual([0, 0]);
  });

  it('paginates ListObjectsV2 and ListObjects in S3 key order, with prefixes and delimiters', async () => {
    const keys = ['list/a.txt', 'list/a/b', 'list/a/c', 'list/b', 'list/z/y/x', 'list/~t', 'list/é'];
    for (const Key of [...keys].reverse()) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: BUCKET, Prefix: 'list/' })) {
      pages += 1;
      seen.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    }
    expect(seen).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(pages).toBe(4);

    const top = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'list/', Delimiter: '/' }));
    expect(top.Contents?.map((o) => o.Key)).toEqual(['list/a.txt', 'list/b', 'list/~t', 'list/é']);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['list/a/', 'list/z/']);

    const v1 = await client.send(new ListObjectsCommand({ Bucket: BUCKET, Prefix: 'list/', Marker: 'list/a/c', MaxKeys: 2 }));
    expect(v1.Contents?.map((o) => o.Key)).toEqual(['list/b', 'list/z/y/x']);
    expect(v1.IsTruncated).toBe(true);
  });

  it('stores keys s3rver cannot hold as files (.., empty segments, ~) and keeps them inside its folder', async () => {
    const keys = ['../../escape.txt', 'odd//double', '/leading', './dot', 'folder/', '~tilde', 'ünï cödé/ファイル.txt', 'plus+and space&amp', 'x._S3rver_object'];
    for (const Key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `weird/${Key}`, Body: Key }));
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: '../top-level-escape', Body: 'x' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'weird/' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(keys.map((k) => `weird/${k}`).sort());
    for (const Key of keys) {
      const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `weird/${Key}` }));
      expect((await readBody(got.Body)).toString()).toBe(Key);
    }
    // Nothing was written beside the store folder.
    expect(await readdir(path.dirname(s3.storeDir))).toEqual([path.basename(s3.storeDir)]);
    await client.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: keys.map((k) => ({ Key: `weird/${k}` })) } }));
    expect((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'weird/' }))).KeyCount).toBe(0);
  });

  it('uploads multipart with lib-storage (3 parts, S3-style ETag) and reads it back', async () => {
    const body = Buffer.alloc(12 * MiB + 12344);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    s3.stats.reset();
    const result = await new Upload({ client, partSize: 5 * MiB, queueSize: 2, params: { Bucket: BUCKET, Key: 'big/archive.zip', Body: body, ContentType: 'application/zip' } }).done();
    expect(result.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(s3.stats.byOperation).toMatchObject({ CreateMultipartUpload: 1, UploadPart: 3, CompleteMultipartUpload: 1 });
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/archive.zip' }));
    expect(got.ContentType).toBe('application/zip');
    expect(got.ETag).toBe(result.ETag);
    expect(sha256(await readBody(got.Body))).toBe(sha256(body));
  });

  it('lists and aborts multipart uploads; parts below 5 MiB cannot be completed', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/aborted.bin' }));
    const small = Buffer.alloc(1024, 1);
    const p1 = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/aborted.bin', UploadId, PartNumber: 1, Body: small }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/aborted.bin', UploadId, PartNumber: 2, Body: small }));
    const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    expect(listed.Uploads?.map((u) => [u.Key, u.UploadId])).toEqual([['mp/aborted.bin', UploadId]]);
    const tooSmall = await s3ErrorOf(client.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: 'mp/aborted.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
    })));
    expect(tooSmall).toMatchObject({ name: 'EntityTooSmall', status: 400 });
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp/aborted.bin', UploadId }));
    expect((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
    const gone = await s3ErrorOf(client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp/aborted.bin', UploadId, PartNumber: 3, Body: small })));
    expect(gone).toMatchObject({ name: 'NoSuchUpload', status: 404 });
  });
});

describe('authentication like R2', () => {
  it('rejects a wrong secret, an unknown key id and anonymous requests', async () => {
    const wrongSecret = r2Client({ ...s3, secretAccessKey: 'not-the-secret' }, { maxAttempts: 1 });
    expect(await s3ErrorOf(wrongSecret.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    const unknownKey = r2Client({ ...s3, accessKeyId: 'AKIDUNKNOWN' }, { maxAttempts: 1 });
    expect(await s3ErrorOf(unknownKey.send(new ListBucketsCommand({})))).toMatchObject({ name: 'InvalidAccessKeyId', status: 403 });
    const anonymous = await fetch(`${s3.endpoint}/${BUCKET}?list-type=2`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toMatch(/^<\?xml[^>]*>\s*<Error><Code>AccessDenied<\/Code><Message>[^<]+<\/Message>.*<RequestId>[0-9A-F]{16}<\/RequestId><\/Error>$/s);
    wrongSecret.destroy();
    unknownKey.destroy();
  });

  it('accepts presigned URLs and rejects tampered or expired ones', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/report.pdf', Body: '%PDF-1.7' }));
    const presign = async (key: string, expiresIn: number, signingDate?: Date): Promise<string> => {
      const signer = new SignatureV4({ credentials: s3, region: s3.region, service: 's3', sha256: Sha256, uriEscapePath: false });
      const url = new URL(`${s3.endpoint}/${BUCKET}/${key}`);
      // As @aws-sdk/s3-request-presigner does: declare an unsigned payload, hoisted into the query.
      const signed = await signer.presign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { expiresIn, signingDate });
      for (const [k, v] of Object.entries(signed.query ?? {})) url.searchParams.set(k, String(v));
      return url.toString();
    };
    const ok = await fetch(await presign('shared/report.pdf', 60));
    expect([ok.status, await ok.text()]).toEqual([200, '%PDF-1.7']);
    const tampered = await fetch((await presign('shared/report.pdf', 60)).replace('report.pdf', 'other.pdf'));
    expect([tampered.status, await tampered.text()]).toEqual([403, expect.stringContaining('<Code>SignatureDoesNotMatch</Code>')]);
    const expired = await fetch(await presign('shared/report.pdf', 60, new Date(Date.now() - 3600_000)));
    expect([expired.status, await expired.text()]).toEqual([403, expect.stringContaining('<Code>AccessDenied</Code>')]);
  });
});

describe('rclone against the gateway', () => {
  const rclone = '/usr/bin/rclone';
  const hasRclone = existsSync(rclone);
  if (!hasRclone) console.warn(`skipping the rclone test: ${rclone} is not installed`);

  it.skipIf(!hasRclone)('lists, uploads, downloads and checks with an on-the-fly remote', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env, RCLONE_CONFIG_R2_TYPE: 's3', RCLONE_CONFIG_R2_PROVIDER: 'Other', RCLONE_CONFIG_R2_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_R2_ACCESS_KEY_ID: s3.accessKeyId, RCLONE_CONFIG_R2_SECRET_ACCESS_KEY: s3.secretAccessKey,
      RCLONE_CONFIG_R2_FORCE_PATH_STYLE: 'true', RCLONE_CONFIG_R2_REGION: 'auto',
    };
    delete env.AWS_CA_BUNDLE; // rclone refuses to start with the machine's custom CA bundle variable
    // Async on purpose: the gateway runs in this process and must keep serving while rclone waits.
    const run = async (...args: string[]): Promise<string> => (await promisify(execFile)(rclone, args, { env, encoding: 'utf8' })).stdout;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pci-rclone-'));
    try {
      await mkdir(path.join(dir, 'src/sub'), { recursive: true });
      await writeFile(path.join(dir, 'src/notes.txt'), 'hello from rclone');
      await writeFile(path.join(dir, 'src/sub/blob.bin'), Buffer.alloc(3 * MiB, 7));
      await run('copy', path.join(dir, 'src'), `R2:${BUCKET}/rclone`);
      const listed = JSON.parse(await run('lsjson', '-R', '--files-only', `R2:${BUCKET}/rclone`)) as { Path: string; Size: number }[];
      expect(listed.map((e) => [e.Path, e.Size]).sort()).toEqual([['notes.txt', 17], ['sub/blob.bin', 3 * MiB]]);
      await run('copy', `R2:${BUCKET}/rclone`, path.join(dir, 'down'));
      expect(await readFile(path.join(dir, 'down/notes.txt'), 'utf8')).toBe('hello from rclone');
      await run('check', path.join(dir, 'src'), `R2:${BUCKET}/rclone`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
