// ListObjects (V1 and V2) answered by the gateway. s3rver walks folders in file-name order, which is
// not S3's key order (e.g. "a/b" sorts before "a.txt" on disk), so its pagination can skip keys; here
// keys are sorted by their UTF-8 bytes, as S3 does, before prefix/delimiter/marker are applied.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type S3rver from 's3rver';
import { bucketDir, decodeKeySegment, encodeKey, OBJECT_SUFFIX } from './keys';
import { assertBucket, type OpContext } from './objects';
import { queryValue } from './routes';
import { S3Error, xmlDocument, type XmlNode } from './xml';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Every key in the bucket under `prefix`, unsorted; folders that cannot hold such keys are skipped. */
async function collectKeys(dir: string, keyPrefix: string, prefix: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // pruned while we walked
    throw err;
  }
  await Promise.all(entries.map(async (entry) => {
    if (entry.isDirectory()) {
      if (keyPrefix === '' && entry.name === '._S3rver_uploads') return;
      const sub = `${keyPrefix}${decodeKeySegment(entry.name)}/`;
      if (sub.startsWith(prefix) || prefix.startsWith(sub)) await collectKeys(path.join(dir, entry.name), sub, prefix, out);
    } else if (entry.name.endsWith(OBJECT_SUFFIX)) {
      const key = keyPrefix + decodeKeySegment(entry.name.slice(0, -OBJECT_SUFFIX.length));
      if (key.startsWith(prefix)) out.push(key);
    }
  }));
}

interface Page { keys: string[]; prefixes: string[]; truncated: boolean; last?: string }

function paginate(sorted: string[], prefix: string, delimiter: string, after: string, maxKeys: number): Page {
  const page: Page = { keys: [], prefixes: [], truncated: false };
  for (const key of sorted) {
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut >= 0 ? key.slice(0, cut + delimiter.length) : key;
    // A common prefix at or before the marker was already returned whole.
    if (byBytes(entry, after) <= 0) continue;
    if (cut >= 0 && page.prefixes.at(-1) === entry) continue;
    if (page.keys.length + page.prefixes.length >= maxKeys) {
      page.truncated = true;
      break;
    }
    (cut >= 0 ? page.prefixes : page.keys).push(entry);
    page.last = entry;
  }
  return page;
}

function maxKeysOf(raw: string | undefined): number {
  if (raw === undefined) return 1000;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 2147483647) {
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  }
  return Math.min(n, 1000);
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('k:')) throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
  return text.slice(2);
}

export async function listObjects(ctx: OpContext, s3rver: S3rver): Promise<void> {
  await assertBucket(ctx);
  const q = (name: string): string | undefined => queryValue(ctx.request.query, name);
  const v2 = ctx.request.op === 'ListObjectsV2';
  const prefix = q('prefix') ?? '';
  const delimiter = q('delimiter') ?? '';
  const maxKeys = maxKeysOf(q('max-keys'));
  const token = q('continuation-token');
  const after = v2 ? (token !== undefined ? decodeToken(token) : q('start-after') ?? '') : q('marker') ?? '';
  const urlEncode = q('encoding-type') === 'url';
  const enc = (s: string): string => (urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);

  const keys: string[] = [];
  await collectKeys(bucketDir(ctx.root, ctx.request.bucket), '', prefix, keys);
  const page = paginate(keys.sort(byBytes), prefix, delimiter, after, maxKeys);
  const found = await Promise.all(page.keys.map(async (key) => {
    // A key deleted while we listed is simply not there any more.
    const meta = await s3rver.store.getMetadata(ctx.request.bucket, encodeKey(key)).catch(() => undefined);
    return meta && {
      Key: enc(key), LastModified: new Date(meta['last-modified']).toISOString(), ETag: meta.etag,
      Size: Number(meta['content-length']), StorageClass: 'STANDARD',
      Owner: v2 && q('fetch-owner') !== 'true' ? undefined : { ID: 'pci-test', DisplayName: 'pci-test' },
    };
  }));
  const contents = found.filter((c) => c !== undefined);
  const common: Record<string, XmlNode> = {
    Name: ctx.request.bucket, Prefix: enc(prefix), Delimiter: delimiter ? enc(delimiter) : undefined, MaxKeys: maxKeys,
    EncodingType: urlEncode ? 'url' : undefined, IsTruncated: page.truncated,
  };
  const paging: Record<string, XmlNode> = v2
    ? {
      KeyCount: page.keys.length + page.prefixes.length, ContinuationToken: token,
      NextContinuationToken: page.truncated && page.last !== undefined ? Buffer.from(`k:${page.last}`).toString('base64url') : undefined,
      StartAfter: token === undefined && q('start-after') !== undefined ? enc(after) : undefined,
    }
    : { Marker: enc(after), NextMarker: page.truncated && page.last !== undefined ? enc(page.last) : undefined };
  await ctx.reply.xml(200, xmlDocument('ListBucketResult', {
    ...common, ...paging, Contents: contents, CommonPrefixes: page.prefixes.map((p) => ({ Prefix: enc(p) })),
  }));
}
