// The benchmark's R2 cost rows rest on this: every request the S3 test server sees is counted in R2's
// billing class, by bucket, and priced at R2's list prices.
import { CreateMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand, CompleteMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../support/s3';
import { r2Client } from '../../support/s3/client';
import { r2Class, r2Price } from '../../support/s3/stats';

let s3: S3TestServer;
let client: S3Client;

beforeAll(async () => {
  s3 = await startS3TestServer({ buckets: ['source', 'backup'] });
  client = r2Client(s3, { maxAttempts: 1 });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

describe('R2 operation classes', () => {
  it('puts listings, writes and multipart steps in Class A, reads in Class B, deletes free', () => {
    for (const op of ['ListObjectsV2', 'ListObjects', 'PutObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'ListParts', 'ListMultipartUploads', 'ListBuckets'] as const) expect(r2Class(op), op).toBe('A');
    for (const op of ['GetObject', 'HeadObject', 'HeadBucket'] as const) expect(r2Class(op), op).toBe('B');
    for (const op of ['DeleteObject', 'DeleteObjects', 'AbortMultipartUpload'] as const) expect(r2Class(op), op).toBe('free');
    expect(r2Class('BucketSubresource', 'GET')).toBe('B');
    expect(r2Class('BucketSubresource', 'PUT')).toBe('A');
  });

  it('prices a million of each at the list price', () => {
    expect(r2Price({ A: 1e6, B: 0 })).toBeCloseTo(4.5);
    expect(r2Price({ A: 0, B: 1e6 })).toBeCloseTo(0.36);
    expect(r2Price({ A: 2000, B: 10_000 })).toBeCloseTo(0.009 + 0.0036);
  });

  it('counts what each bucket was asked, and the objects written', async () => {
    s3.stats.reset();
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'a.txt', Body: 'one' }));
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 'b.txt', Body: 'two' }));
    await client.send(new ListObjectsV2Command({ Bucket: 'source' }));
    await client.send(new GetObjectCommand({ Bucket: 'source', Key: 'a.txt' })).then((r) => r.Body?.transformToString());
    await client.send(new HeadObjectCommand({ Bucket: 'source', Key: 'b.txt' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'source', Key: 'b.txt' }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'backup', Key: 'big' }));
    const part = await client.send(new UploadPartCommand({ Bucket: 'backup', Key: 'big', UploadId, PartNumber: 1, Body: Buffer.alloc(1000, 1) }));
    await client.send(new CompleteMultipartUploadCommand({ Bucket: 'backup', Key: 'big', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));

    expect(s3.stats.classes('source')).toEqual({ A: 3, B: 2, free: 1, objectsWritten: 2 });
    expect(s3.stats.classes('backup')).toEqual({ A: 3, B: 0, free: 0, objectsWritten: 1 });
    expect(s3.stats.classes('elsewhere')).toEqual({ A: 0, B: 0, free: 0, objectsWritten: 0 });
    s3.stats.reset();
    expect(s3.stats.classes('source').A).toBe(0);
  });
});
