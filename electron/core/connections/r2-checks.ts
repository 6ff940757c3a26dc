// "Test connection" for a bucket (the R2 bucket of the files, or a backup bucket): address
// reachable → keys accepted → bucket found → list → write / read / delete a small probe object.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CheckReport } from '../../../shared/api/profiles';
import { userError } from '../../../shared/errors';
import { CheckList, DEFAULT_CHECK_TIMEOUT_MS, report, type CheckOptions } from './checks';
import { mapS3Error } from './errors';
import { probeError, probeTcp } from './net';
import { createR2Client, endpointLabel } from './r2';

export interface BucketCheckInput {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  region?: string;
  forcePathStyle?: boolean;
  /** Check ids start with this ('r2' for the files bucket, 'dest' for a backup bucket). */
  idPrefix?: string;
  /** The bucket in words, for messages ("R2 bucket", "backup bucket"). */
  what?: string;
  /** Folder-like prefix the probe object goes under (a backup bucket's prefix). */
  prefix?: string;
}

/** Probe objects live under this prefix, so a person who sees one knows what it is. */
export const PROBE_PREFIX = '.pci-maintenance-probe/';

export async function checkBucket(input: BucketCheckInput, options: CheckOptions = {}): Promise<CheckReport> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const id = (s: string) => `${input.idPrefix ?? 'r2'}.${s}`;
  const what = input.what ?? 'R2 bucket';
  const list = new CheckList();

  let url: URL;
  try {
    url = new URL(input.endpoint);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    list.fail(id('reachable'), 'Storage address reachable', userError('INVALID_INPUT', 'Address not valid', `"${input.endpoint}" is not a web address.`, 'Enter an address like https://<account id>.r2.cloudflarestorage.com, or only the Account ID.'));
    return report(list.checks);
  }
  const where = endpointLabel(input.endpoint);
  const ctx = { bucket: input.bucket, endpoint: where, what };
  const probe = await probeTcp(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || (url.protocol === 'https:' ? 443 : 80)), timeoutMs);
  if (probe) {
    list.fail(id('reachable'), 'Storage address reachable', mapS3Error(probeError(probe), ctx));
    return report(list.checks);
  }
  list.pass(id('reachable'), 'Storage address reachable', `${where} answers.`);

  // Few attempts: a person is waiting, and a real failure should show quickly. The first request goes
  // out without retries, so a wrong clock shows (the SDK's retry would silently correct for it).
  const strict = createR2Client({ ...input, maxAttempts: 1, connectionTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs });
  const client = createR2Client({ ...input, maxAttempts: 2, connectionTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs });
  try {
    await runBucketChecks(strict, client, input, ctx, list, id);
  } finally {
    strict.destroy();
    client.destroy();
  }
  return report(list.checks);
}

async function runBucketChecks(strict: S3Client, client: S3Client, input: BucketCheckInput, ctx: { bucket: string; endpoint: string; what: string }, list: CheckList, id: (s: string) => string): Promise<void> {
  const prefix = input.prefix ? `${input.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const listing = new ListObjectsV2Command({ Bucket: input.bucket, MaxKeys: 100, Prefix: prefix || undefined });
  let count = 0;
  try {
    const out = await strict.send(listing).catch(async (err: unknown) => {
      if (mapS3Error(err, ctx).code !== 'R2_CLOCK_SKEW') throw err;
      // The SDK adjusts for a wrong clock by itself, so operations will work; people should still know.
      list.warn(id('clock'), 'Clock of this computer', skewMessage(err), mapS3Error(err, ctx).hint, 'R2_CLOCK_SKEW');
      return client.send(listing);
    });
    count = out.KeyCount ?? out.Contents?.length ?? 0;
  } catch (err) {
    const mapped = mapS3Error(err, ctx);
    if (mapped.code === 'R2_AUTH_FAILED' || mapped.code === 'R2_CLOCK_SKEW' || mapped.code === 'R2_UNREACHABLE' || mapped.code === 'R2_ERROR') {
      list.fail(id('credentials'), 'Keys accepted', mapped);
      return;
    }
    // The service checked the signature before it looked for the bucket: the keys are right.
    list.pass(id('credentials'), 'Keys accepted', 'The access key and secret key are accepted.');
    list.fail(id('bucket'), 'Bucket found', mapped);
    return;
  }
  list.pass(id('credentials'), 'Keys accepted', 'The access key and secret key are accepted.');
  list.pass(id('bucket'), 'Bucket found', `The ${ctx.what} "${input.bucket}" exists.`);
  list.pass(id('list'), 'Can list files', count === 0 ? 'The bucket is empty.' : count >= 100 ? 'Files are listed (100 or more).' : `Files are listed (${count}).`);

  const key = `${prefix}${PROBE_PREFIX}${randomUUID()}.txt`;
  const body = `PCI Maintenance connection test ${new Date().toISOString()}\n`;
  try {
    await client.send(new PutObjectCommand({ Bucket: input.bucket, Key: key, Body: body, ContentType: 'text/plain' }));
  } catch (err) {
    const mapped = mapS3Error(err, ctx);
    // A read-only key is enough to back up; only putting files back needs write access.
    if (mapped.code === 'R2_ACCESS_DENIED' && input.idPrefix !== 'dest') {
      list.warn(
        id('write'),
        'Can write',
        'The key may read but not write: backups work, but restoring files into the bucket will not.',
        'For restores, give the API token "Object Read & Write" permission for this bucket.',
        'R2_ACCESS_DENIED',
      );
    } else list.fail(id('write'), 'Can write', mapped);
    return;
  }
  list.pass(id('write'), 'Can write', 'A small test file was written.');
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: input.bucket, Key: key }));
    const text = (await out.Body?.transformToString()) ?? '';
    if (text !== body) throw userError('R2_ERROR', 'Read back differs', 'The test file read back is not what was written.', 'The storage service may be misconfigured; ask whoever runs it.');
    list.pass(id('read'), 'Can read', 'The test file was read back unchanged.');
  } catch (err) {
    list.fail(id('read'), 'Can read', mapS3Error(err, ctx));
  }
  try {
    await client.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }));
    list.pass(id('delete'), 'Can delete', 'The test file was deleted again.');
  } catch (err) {
    list.warnFrom(id('delete'), 'Can delete', mapS3Error(err, ctx), `The test file could not be deleted; it is left at "${key}".`);
  }
}

/** "… off by about 20 minutes …", from the server time S3 puts in a RequestTimeTooSkewed answer. */
function skewMessage(err: unknown): string {
  const e = err as { ServerTime?: string; RequestTime?: string };
  const server = e.ServerTime ? Date.parse(e.ServerTime) : NaN;
  const minutes = Number.isFinite(server) ? Math.round(Math.abs(Date.now() - server) / 60_000) : null;
  const off = minutes === null ? 'wrong' : minutes >= 120 ? `off by about ${Math.round(minutes / 60)} hours` : `off by about ${minutes} minutes`;
  return `The clock of this computer is ${off}, so the storage service refused requests at first. PCI Maintenance adjusts for it, but other programs may fail.`;
}
