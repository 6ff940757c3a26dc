// Fault injection, traffic statistics and payload checks of the S3 test server.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { AwsChunkedDecoder } from '../support/s3/aws-chunked';
import { r2Client, readBody, s3ErrorOf } from '../support/s3/client';

const BUCKET = 'pci-files';
const MiB = 1024 * 1024;
let s3: S3TestServer;
let once: S3Client; // no retries: each call is one request
let retrying: S3Client; // the SDK's default retry strategy, as the app uses it

beforeAll(async () => {
  s3 = await startS3TestServer({ buckets: [BUCKET] });
  once = r2Client(s3, { maxAttempts: 1 });
  retrying = r2Client(s3);
  await once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'blob.bin', Body: Buffer.alloc(MiB, 9) }));
});
afterEach(() => {
  s3.faults.clear();
  s3.stats.reset();
});
afterAll(async () => {
  once?.destroy();
  retrying?.destroy();
  await s3?.close();
});

describe('faults', () => {
  it('failNext answers with S3 XML errors (429, 500, 503) that the SDK retries', async () => {
    s3.faults.failNext(1, { status: 503 });
    expect(await s3ErrorOf(once.send(new HeadBucketCommand({ Bucket: BUCKET })))).toMatchObject({ status: 503 });
    s3.faults.failNext(1, { status: 429 });
    expect(await s3ErrorOf(once.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatchObject({ name: 'TooManyRequests', status: 429 });
    s3.faults.failNext(1, { status: 500, code: 'InternalError' });
    expect(await s3ErrorOf(once.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatchObject({ name: 'InternalError', status: 500 });

    s3.faults.failNext(2, { status: 500 });
    const got = await retrying.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'blob.bin' }));
    expect((await readBody(got.Body)).length).toBe(MiB);
    expect(got.$metadata.attempts).toBe(3);
    expect(s3.stats.byOperation.GetObject).toBe(3);
    expect(s3.stats.errors.InternalError).toBe(3);
  });

  it('failNext can target one key or operation only', async () => {
    s3.faults.failNext(5, { status: 503, match: { key: /^other\// } });
    await once.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'blob.bin' }));
    expect(await s3ErrorOf(once.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'other/x' })))).toMatchObject({ status: 503 });
    s3.faults.clear();
    s3.faults.failNext(1, { status: 503, match: { op: 'PutObject' } });
    await once.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'blob.bin' }));
    expect(await s3ErrorOf(once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'p', Body: 'x' })))).toMatchObject({ name: 'SlowDown' });
  });

  it('resetMidBody cuts a download after exactly N bytes, once', async () => {
    s3.faults.resetMidBody({ afterBytes: 100_000, match: { op: 'GetObject', key: 'blob.bin' } });
    const cut = await once.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'blob.bin' }));
    let received = 0;
    const counting = Readable.from((async function* () {
      for await (const chunk of cut.Body as Readable) {
        received += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    })());
    await expect(pipeline(counting, async function* (src) { for await (const _ of src) yield ''; })).rejects.toThrow();
    expect(received).toBe(100_000);
    expect(s3.stats.bytesSent).toBe(100_000);
    const whole = await once.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'blob.bin' }));
    expect((await readBody(whole.Body)).length).toBe(MiB);
  });

  it('resetMidBody cuts an upload, and the object stays as it was', async () => {
    await once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: 'version 1' }));
    s3.faults.resetMidBody({ afterBytes: 64 * 1024, match: { op: 'PutObject' } });
    await expect(once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'doc.txt', Body: Buffer.alloc(2 * MiB, 1) }))).rejects.toThrow();
    const got = await once.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doc.txt' }));
    expect((await readBody(got.Body)).toString()).toBe('version 1');
    const listed = await once.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(['blob.bin', 'doc.txt']);
  });

  it('delay holds requests; clockSkew makes signatures too old (RequestTimeTooSkewed)', async () => {
    s3.faults.delay(250, { times: 1 });
    const started = performance.now();
    await once.send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);

    s3.faults.clockSkew(20 * 60);
    const ahead = r2Client(s3, { maxAttempts: 1 });
    expect(await s3ErrorOf(ahead.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatchObject({ name: 'RequestTimeTooSkewed', status: 403 });
    // Like real S3, the error (and the Date header) carry the server's time, so the SDK corrects its
    // clock and its retry succeeds; that correction sticks to the client, hence fresh clients here.
    s3.faults.clockSkew(-20 * 60);
    const behind = r2Client(s3, { maxAttempts: 1 });
    expect(await s3ErrorOf(behind.send(new ListObjectsV2Command({ Bucket: BUCKET })))).toMatchObject({ name: 'RequestTimeTooSkewed' });
    const adapting = r2Client(s3);
    expect((await adapting.send(new ListObjectsV2Command({ Bucket: BUCKET }))).$metadata.attempts).toBe(2);
    [ahead, behind, adapting].forEach((c) => c.destroy());
  });
});

describe('stats', () => {
  it('counts requests by operation, bytes both ways and the keys read', async () => {
    await once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'stats/a', Body: Buffer.alloc(1000) }));
    for (const Key of ['stats/a', 'blob.bin', 'stats/a']) await readBody((await once.send(new GetObjectCommand({ Bucket: BUCKET, Key }))).Body);
    await once.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'stats/a' }));
    await once.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(s3.stats.byOperation).toEqual({ PutObject: 1, GetObject: 3, HeadObject: 1, ListObjectsV2: 1 });
    expect(s3.stats.requests).toBe(6);
    expect(s3.stats.getObjectKeys).toEqual(['stats/a', 'blob.bin', 'stats/a']);
    expect(s3.stats.putObjectKeys).toEqual(['stats/a']);
    expect(s3.stats.bytesReceived).toBe(1000);
    expect(s3.stats.bytesSent).toBeGreaterThan(MiB + 2000);
    s3.stats.reset();
    expect([s3.stats.requests, s3.stats.bytesSent, s3.stats.getObjectKeys]).toEqual([0, 0, []]);
  });
});

describe('payload checks', () => {
  it('rejects a wrong Content-MD5 and honours If-None-Match: * (create only)', async () => {
    const wrong = await s3ErrorOf(once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'md5', Body: 'abc', ContentMD5: createHash('md5').update('xyz').digest('base64') })));
    expect(wrong).toMatchObject({ name: 'BadDigest', status: 400 });
    await once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lock', Body: 'me', IfNoneMatch: '*' }));
    expect(await s3ErrorOf(once.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lock', Body: 'you', IfNoneMatch: '*' })))).toMatchObject({ status: 412 });
  });

  it('decodes aws-chunked uploads (SDK default checksums) and stores the plain bytes', async () => {
    const client = r2Client(s3, { maxAttempts: 1, requestChecksumCalculation: 'WHEN_SUPPORTED' });
    const body = Buffer.alloc(300_000, 65);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'chunked', Body: Readable.from([body.subarray(0, 70_000), body.subarray(70_000)]), ContentLength: body.length }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'chunked' }));
    expect(got.ContentEncoding).toBeUndefined();
    expect((await readBody(got.Body)).equals(body)).toBe(true); // (toEqual on 300 kB Buffers takes a second)
    client.destroy();
  });

  it('decodes the signed aws-chunked framing, split at any byte', async () => {
    const sig = 'chunk-signature=' + 'ab'.repeat(32);
    const framed = Buffer.from(`5;${sig}\r\nhello\r\n6;${sig}\r\n world\r\n0;${sig}\r\n\r\n`);
    for (const size of [1, 3, 7, framed.length]) {
      const pieces = Array.from({ length: Math.ceil(framed.length / size) }, (_, i) => framed.subarray(i * size, (i + 1) * size));
      const out: Buffer[] = [];
      await pipeline(Readable.from(pieces), new AwsChunkedDecoder(), async (src: AsyncIterable<Buffer>) => { for await (const c of src) out.push(c); });
      expect(Buffer.concat(out).toString()).toBe('hello world');
    }
    await expect(pipeline(Readable.from([Buffer.from('5\r\nhel')]), new AwsChunkedDecoder(), async (src: AsyncIterable<Buffer>) => { for await (const _ of src) void _; })).rejects.toThrow(/final chunk/);
  });
});
