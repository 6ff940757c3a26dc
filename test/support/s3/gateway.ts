// The HTTP front of the S3 test server: verifies SigV4 like R2 does, injects faults, keeps stats, and
// either answers an operation itself (see objects.ts, multipart.ts, list.ts) or streams it to s3rver.
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type S3rver from 's3rver';
import type { S3Faults } from './faults';
import { assertBucketName, decodeKey, encodeKey, upstreamObjectPath } from './keys';
import { listObjects } from './list';
import { abortMultipartUpload, completeMultipartUpload, listMultipartUploads, listParts, uploadPart } from './multipart';
import { decodedBody, deleteObject, deleteObjects, headBucket, putObject, type OpContext } from './objects';
import { readSmall, Reply, tapRequest } from './reply';
import { encodeQuery, parseRequest, type Query, type S3Request } from './routes';
import { verifyRequest } from './sigv4';
import type { S3Stats } from './stats';
import { S3Error, xmlEscape, xmlUnescape } from './xml';

export interface GatewayOptions {
  host: string;
  port: number;
  root: string;
  s3rver: S3rver;
  upstreamPort: number;
  credentials: ReadonlyMap<string, string>;
  region: string;
  faults: S3Faults;
  stats: S3Stats;
}

export interface Gateway { port: number; close(): Promise<void> }

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'te', 'trailer', 'host', 'authorization'];
const PRESIGN_PARAMS = /^x-amz-(algorithm|credential|date|expires|signedheaders|signature|security-token)$/i;

function upstreamPath(r: S3Request): string {
  if (r.bucket === undefined) return '/';
  return r.key === undefined ? `/${r.bucket}` : upstreamObjectPath(r.bucket, encodeKey(r.key));
}

/** x-amz-copy-source names a key too; s3rver reads it with decodeURI, hence encodeURI here. */
function rewriteCopySource(value: string): string {
  let source = value.split('?')[0].replace(/^\/+/, '');
  try {
    source = decodeURIComponent(source);
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding.');
  }
  const slash = source.indexOf('/');
  if (slash < 1) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  return `/${source.slice(0, slash)}/${encodeURI(encodeKey(source.slice(slash + 1)))}`;
}

/** s3rver's error documents, made to look like ours: real keys, and a RequestId. */
function rewriteErrorXml(xml: string, requestId: string): string {
  return xml
    .replace(/<Key>([\s\S]*?)<\/Key>/g, (_m, k: string) => `<Key>${xmlEscape(decodeKey(xmlUnescape(k)))}</Key>`)
    .replace('</Error>', `<RequestId>${requestId}</RequestId></Error>`);
}

async function proxy(o: GatewayOptions, agent: http.Agent, req: IncomingMessage, r: S3Request, ctx: OpContext, requestId: string): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_BY_HOP.includes(name) && !name.startsWith('proxy-') && name !== 'x-amz-decoded-content-length') headers[name] = value;
  }
  if (typeof req.headers['x-amz-copy-source'] === 'string') headers['x-amz-copy-source'] = rewriteCopySource(req.headers['x-amz-copy-source']);
  const suffix = /^bytes=-(\d+)$/.exec(req.headers.range ?? '');
  if (suffix && r.op === 'GetObject' && r.bucket !== undefined && r.key !== undefined) {
    // s3rver reads "bytes=-N" (the last N bytes) as "bytes=0-N"; ask it for the explicit range.
    const meta = await o.s3rver.store.getMetadata(r.bucket, encodeKey(r.key)).catch(() => undefined);
    const size = Number(meta?.['content-length'] ?? 0);
    if (meta && size > 0) headers.range = `bytes=${Math.max(0, size - Number(suffix[1]))}-${size - 1}`;
  }
  // Every body s3rver still receives is a small XML document (object bodies never reach it).
  const body = await readSmall(decodedBody(ctx).body, 16 << 20);
  headers['content-length'] = body.length;
  delete headers['content-encoding'];
  const query: Query = Object.fromEntries(Object.entries(r.query).filter(([k]) => !PRESIGN_PARAMS.test(k)));
  const qs = encodeQuery(query);
  const upstream = http.request({ host: '127.0.0.1', port: o.upstreamPort, method: r.method, path: upstreamPath(r) + (qs ? `?${qs}` : ''), headers, agent });
  upstream.end(body);
  const [res] = (await once(upstream, 'response')) as [IncomingMessage];
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(res.headers)) if (!HOP_BY_HOP.includes(name) && name !== 'x-amz-request-id' && name !== 'date') out[name] = value;
  if ((res.statusCode ?? 500) >= 400) {
    const xml = rewriteErrorXml((await readSmall(res, 1 << 20)).toString('utf8'), requestId);
    // HEAD errors carry no document; 'NotFound' is also what the AWS SDK calls them.
    o.stats.countError(/<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? (res.statusCode === 404 ? 'NotFound' : `HTTP${res.statusCode}`));
    delete out['content-length'];
    await ctx.reply.send(res.statusCode ?? 500, out, xml);
    return;
  }
  await ctx.reply.send(res.statusCode ?? 200, out, res);
}

async function dispatch(ctx: OpContext, o: GatewayOptions): Promise<boolean> {
  switch (ctx.request.op) {
    case 'HeadBucket': await headBucket(ctx); return true;
    case 'ListObjects': case 'ListObjectsV2': await listObjects(ctx, o.s3rver); return true;
    case 'ListMultipartUploads': await listMultipartUploads(ctx); return true;
    case 'PutObject': await putObject(ctx); return true;
    case 'UploadPart': await uploadPart(ctx); return true;
    case 'CompleteMultipartUpload': await completeMultipartUpload(ctx); return true;
    case 'AbortMultipartUpload': await abortMultipartUpload(ctx); return true;
    case 'ListParts': await listParts(ctx); return true;
    case 'DeleteObject': await deleteObject(ctx); return true;
    case 'DeleteObjects': await deleteObjects(ctx); return true;
    case 'UploadPartCopy': throw new S3Error('NotImplemented', 'UploadPartCopy is not implemented by the S3 test server.');
    default: return false;
  }
}

export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    const method = req.method ?? 'GET';
    res.setHeader('x-amz-request-id', requestId);
    res.setHeader('date', new Date(o.faults.now()).toUTCString()); // the clock-skew fault shows here too
    let reply = new Reply(res, o.stats, method, requestId);
    let r: S3Request | undefined;
    try {
      r = parseRequest(method, req.url ?? '/', 'x-amz-copy-source' in req.headers);
      o.stats.count(r.op, r.key, r.bucket, method);
      const wait = o.faults.delayFor(r);
      if (wait > 0) await delay(wait);
      await verifyRequest({ method, rawPath: r.rawPath, query: r.query, headers: req.headers }, {
        secretFor: (id) => o.credentials.get(id), now: () => o.faults.now(),
      });
      if (r.bucket !== undefined) assertBucketName(r.bucket);
      const failure = o.faults.takeFailure(r);
      if (failure) throw new S3Error(failure.code, failure.message, {}, failure.status);
      const reset = o.faults.resetFor(r);
      const upload = r.op === 'PutObject' || r.op === 'UploadPart';
      reply = new Reply(res, o.stats, method, requestId, upload ? undefined : reset);
      const base = { root: o.root, headers: req.headers, rawBody: tapRequest(req, o.stats, upload ? reset : undefined), reply, region: o.region };
      if (r.bucket !== undefined && (await dispatch({ ...base, request: { ...r, bucket: r.bucket } }, o))) return;
      await proxy(o, agent, req, r, { ...base, request: { ...r, bucket: r.bucket ?? '' } }, requestId);
    } catch (err) {
      if (req.socket.destroyed || res.destroyed) return; // client gone, or a reset fault fired
      if (!(err instanceof S3Error)) console.error('[s3-test-server] internal error:', err);
      const e = err instanceof S3Error ? err : new S3Error('InternalError', 'We encountered an internal error. Please try again.');
      req.unpipe();
      req.resume(); // discard whatever body is left so the connection can be reused
      await reply.error(e, r?.rawPath ?? '/').catch(() => res.destroy());
    }
  }

  const server = http.createServer((req, res) => void handle(req, res));
  server.listen(o.port, o.host);
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      agent.destroy();
      await closed;
    },
  };
}
