// A synthetic, read-only S3-compatible bucket for benchmarks at scale: keys, sizes, ETags and bytes
// are all computed from a seed and the object's number, so a million objects take no disk and no
// memory. Listing (ListObjectsV2, paged, url-encoded keys), HeadBucket, HeadObject and GetObject
// (with a byte range) are answered on the fly; every request is signature-checked like the S3 test
// server's and counted by R2 operation class (stats.ts). Anything else is NotImplemented.
// A TEST DOUBLE for benchmarks: no writes, no multipart, no delimiter listing.
//   npx tsx test/support/s3/synthetic.ts --objects 1000000 [--seed 1] [--bucket NAME] [--max-size BYTES]
// prints {endpoint, region, accessKeyId, secretAccessKey, buckets} and serves until stopped; lines on
// stdin: "stats" (R2 classes by bucket, one JSON line), "reset", "change N" (every Nth object gets new
// content, as a day of edits would; "change 0" undoes it; answers {}).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { parseRequest, queryValue } from './routes';
import { verifyRequest } from './sigv4';
import { S3Stats } from './stats';
import { S3Error, errorXml, xmlDocument } from './xml';

export interface SyntheticBucketOptions {
  objects: number;
  seed?: number;
  /** Largest object in bytes (sizes are spread between 1 and this; default 8 KiB). */
  maxSize?: number;
  /** Every Nth object (i % N === N - 1) has its second version (0: none changed). */
  changeEvery?: number;
}

export interface SyntheticObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  version: number;
}

const KEY_DIGITS = 9;
const FIRST_WRITTEN = Date.UTC(2026, 0, 1);
const CHANGED_AT = Date.UTC(2026, 5, 1);

/** The bucket's objects, in key order: object i is `objects/<i, 9 digits>.bin`. */
export class SyntheticBucket {
  readonly objects: number;
  readonly seed: number;
  readonly maxSize: number;
  changeEvery: number;

  constructor(o: SyntheticBucketOptions) {
    this.objects = o.objects;
    this.seed = o.seed ?? 1;
    this.maxSize = o.maxSize ?? 8192;
    this.changeEvery = o.changeEvery ?? 0;
  }

  key(i: number): string {
    return `objects/${String(i).padStart(KEY_DIGITS, '0')}.bin`;
  }

  /** Object number of a key, or -1 when the bucket has no such key. */
  indexOf(key: string): number {
    const m = /^objects\/(\d{9})\.bin$/.exec(key);
    const i = m ? Number(m[1]) : -1;
    return i >= 0 && i < this.objects ? i : -1;
  }

  private digest(i: number, version: number): Buffer {
    return createHash('sha256').update(`${this.seed}\u0000${i}\u0000${version}`).digest();
  }

  version(i: number): number {
    return this.changeEvery > 0 && i % this.changeEvery === this.changeEvery - 1 ? 1 : 0;
  }

  object(i: number): SyntheticObject {
    const version = this.version(i);
    const d = this.digest(i, version);
    return {
      key: this.key(i),
      size: 1 + (d.readUInt32BE(0) % this.maxSize),
      // An ETag the bytes determine (not their MD5: S3 clients treat ETags as opaque).
      etag: `"${d.subarray(4, 20).toString('hex')}"`,
      lastModified: new Date(version === 0 ? FIRST_WRITTEN : CHANGED_AT),
      version,
    };
  }

  /** The object's bytes: AES-CTR noise keyed by its digest (does not compress, like photos). */
  body(i: number): Buffer {
    const o = this.object(i);
    const d = this.digest(i, o.version);
    return createCipheriv('aes-256-ctr', d, Buffer.alloc(16)).update(Buffer.alloc(o.size));
  }

  /** First object number whose key sorts after `after` (or at it, with orEqual). */
  firstAfter(after: string, orEqual = false): number {
    let lo = 0;
    let hi = this.objects;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = this.key(mid);
      if (key < after || (!orEqual && key === after)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** One ListObjectsV2 page: keys with this prefix after `after`, at most `max` (keys with a prefix are contiguous). */
  list(prefix: string, after: string, max: number): { objects: SyntheticObject[]; truncated: boolean } {
    const objects: SyntheticObject[] = [];
    let i = Math.max(this.firstAfter(after), this.firstAfter(prefix, true));
    for (; i < this.objects && objects.length < max && this.key(i).startsWith(prefix); i++) objects.push(this.object(i));
    return { objects, truncated: i < this.objects && this.key(i).startsWith(prefix) };
  }
}

export interface SyntheticServer {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucketName: string;
  bucket: SyntheticBucket;
  stats: S3Stats;
  close(): Promise<void>;
}

const encodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/');

export async function startSyntheticServer(o: SyntheticBucketOptions & { bucket?: string; port?: number }): Promise<SyntheticServer> {
  const bucket = new SyntheticBucket(o);
  const bucketName = o.bucket ?? 'synthetic';
  const accessKeyId = randomBytes(16).toString('hex');
  const secretAccessKey = randomBytes(32).toString('hex');
  const stats = new S3Stats();
  stats.keepKeys = false;

  function send(res: ServerResponse, status: number, headers: Record<string, string | number>, body?: Buffer | string): void {
    res.writeHead(status, { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(), ...headers });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const r = parseRequest(method, req.url ?? '/', false);
    stats.count(r.op, undefined, r.bucket, method);
    try {
      req.resume();
      await verifyRequest({ method, rawPath: r.rawPath, query: r.query, headers: req.headers }, { secretFor: (id) => (id === accessKeyId ? secretAccessKey : undefined), now: () => Date.now() });
      if (r.bucket !== bucketName) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist.', {}, 404);
      if (r.op === 'HeadBucket') return send(res, 200, {});
      if (r.op === 'ListObjectsV2') {
        if (queryValue(r.query, 'delimiter')) throw new S3Error('NotImplemented', 'The synthetic bucket lists without a delimiter only.', {}, 501);
        const prefix = queryValue(r.query, 'prefix') ?? '';
        const token = queryValue(r.query, 'continuation-token');
        const after = token !== undefined ? Buffer.from(token, 'base64url').toString('utf8') : (queryValue(r.query, 'start-after') ?? '');
        const max = Math.min(1000, Math.max(1, Number(queryValue(r.query, 'max-keys') ?? 1000) || 1000));
        const url = queryValue(r.query, 'encoding-type') === 'url';
        const page = bucket.list(prefix, after, max);
        const last = page.objects.at(-1);
        const xml = xmlDocument('ListBucketResult', {
          Name: bucketName, Prefix: prefix, KeyCount: page.objects.length, MaxKeys: max, IsTruncated: page.truncated,
          ...(url ? { EncodingType: 'url' } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
          ...(page.truncated && last ? { NextContinuationToken: Buffer.from(last.key).toString('base64url') } : {}),
          Contents: page.objects.map((x) => ({ Key: url ? encodeKey(x.key) : x.key, LastModified: x.lastModified.toISOString(), ETag: x.etag, Size: x.size, StorageClass: 'STANDARD' })),
        });
        return send(res, 200, { 'content-type': 'application/xml' }, xml);
      }
      if (r.op === 'HeadObject' || r.op === 'GetObject') {
        const i = bucket.indexOf(r.key ?? '');
        if (i < 0) throw new S3Error('NoSuchKey', 'The specified key does not exist.', {}, 404);
        const meta = bucket.object(i);
        const headers = { 'content-type': 'application/octet-stream', etag: meta.etag, 'last-modified': meta.lastModified.toUTCString(), 'accept-ranges': 'bytes' };
        if (r.op === 'HeadObject') return send(res, 200, { ...headers, 'content-length': meta.size });
        const body = bucket.body(i);
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
        if (!range) return send(res, 200, { ...headers, 'content-length': body.length }, body);
        const start = Number(range[1]);
        const end = Math.min(body.length - 1, range[2] === '' ? body.length - 1 : Number(range[2]));
        if (start >= body.length) throw new S3Error('InvalidRange', 'The requested range is not satisfiable', {}, 416);
        return send(res, 206, { ...headers, 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${body.length}` }, body.subarray(start, end + 1));
      }
      throw new S3Error('NotImplemented', `${r.op} is not implemented by the synthetic bucket (it is read-only).`, {}, 501);
    } catch (err) {
      const e = err instanceof S3Error ? err : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
      stats.countError(e.code);
      const xml = errorXml(e, 'SYNTHETIC', r.rawPath);
      if (method === 'HEAD') return send(res, e.status, {});
      send(res, e.status, { 'content-type': 'application/xml' }, xml);
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  server.listen(o.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`, accessKeyId, secretAccessKey, region: 'auto', bucketName, bucket, stats,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

if (process.argv[1]?.endsWith('synthetic.ts')) {
  const arg = (name: string, fallback: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
  const server = await startSyntheticServer({ objects: Number(arg('--objects', '1000')), seed: Number(arg('--seed', '1')), maxSize: Number(arg('--max-size', '8192')), bucket: arg('--bucket', 'synthetic') });
  console.log(JSON.stringify({ endpoint: server.endpoint, region: server.region, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, buckets: [server.bucketName] }));
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    const [cmd, n] = line.trim().split(/\s+/);
    if (cmd === 'stats') console.log(JSON.stringify(server.stats.byBucket));
    if (cmd === 'reset') server.stats.reset();
    if (cmd === 'change') server.bucket.changeEvery = Number(n) || 0;
    if (cmd === 'reset' || cmd === 'change') console.log('{}');
  });
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
