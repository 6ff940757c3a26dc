// Response and request-body plumbing shared by the gateway's handlers: byte counting, backpressure,
// and the "connection reset mid-body" fault on either direction.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ResetPlan } from './faults';
import type { S3Stats } from './stats';
import { errorXml, S3Error } from './xml';

/** Writes into the client response, honouring its backpressure, and cuts it when a reset fault fires. */
class ResponseSink extends Writable {
  private sent = 0;
  constructor(private readonly res: ServerResponse, private readonly stats: S3Stats, private readonly reset?: ResetPlan) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (err?: Error | null) => void): void {
    const { res, reset } = this;
    if (reset && this.sent + chunk.length > reset.afterBytes && reset.claim()) {
      const part = chunk.subarray(0, Math.max(0, reset.afterBytes - this.sent));
      this.stats.bytesSent += part.length;
      // Destroy only after the allowed bytes are flushed, so the client sees exactly afterBytes.
      res.write(part, () => {
        res.socket?.destroy();
        callback(new Error('connection reset by fault injection'));
      });
      return;
    }
    this.sent += chunk.length;
    this.stats.bytesSent += chunk.length;
    if (res.write(chunk)) {
      callback();
      return;
    }
    const onDrain = (): void => { res.off('close', onClose); callback(); };
    const onClose = (): void => { res.off('drain', onDrain); callback(new Error('client closed the connection')); };
    res.once('drain', onDrain);
    res.once('close', onClose);
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.res.end(() => callback());
  }
}

export class Reply {
  constructor(
    private readonly res: ServerResponse,
    private readonly stats: S3Stats,
    private readonly method: string,
    private readonly requestId: string,
    private readonly reset?: ResetPlan,
  ) {}

  get headersSent(): boolean {
    return this.res.headersSent;
  }

  async send(status: number, headers: OutgoingHttpHeaders, body?: string | Buffer | Readable): Promise<void> {
    const { res } = this;
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      const buf = typeof body === 'string' ? Buffer.from(body) : body;
      res.setHeader('content-length', buf.length);
      body = Readable.from([buf]);
    }
    if (body === undefined || this.method === 'HEAD') {
      body?.destroy();
      await new Promise<void>((resolve) => res.end(resolve));
      return;
    }
    await pipeline(body, new ResponseSink(res, this.stats, this.reset));
  }

  async xml(status: number, xml: string, headers: OutgoingHttpHeaders = {}): Promise<void> {
    await this.send(status, { 'content-type': 'application/xml', ...headers }, xml);
  }

  async error(err: S3Error, resource: string): Promise<void> {
    this.stats.countError(err.code);
    if (this.res.headersSent) {
      // Too late for an error document: the only honest signal left is a broken connection.
      this.res.socket?.destroy();
      return;
    }
    await this.xml(err.status, errorXml(err, this.requestId, resource), {
      'x-amz-error-code': err.code, ...(err.status === 503 || err.status === 429 ? { 'retry-after': '1' } : {}),
    });
  }
}

/** Counts upload bytes and, when a reset fault fires, drops the client's connection mid-upload. */
class RequestTap extends Transform {
  private received = 0;
  constructor(private readonly req: IncomingMessage, private readonly stats: S3Stats, private readonly reset?: ResetPlan) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.stats.bytesReceived += chunk.length;
    const { reset } = this;
    if (reset && this.received + chunk.length > reset.afterBytes && reset.claim()) {
      this.req.socket.destroy();
      callback(new Error('connection reset by fault injection'));
      return;
    }
    this.received += chunk.length;
    callback(null, chunk);
  }
}

/** source → transforms…, forwarding errors downstream so the consumer's pipeline sees them. */
export function chain(source: Readable, ...transforms: Transform[]): Readable {
  let out = source;
  for (const t of transforms) {
    out.on('error', (err) => t.destroy(err));
    out = out.pipe(t);
  }
  return out;
}

export function tapRequest(req: IncomingMessage, stats: S3Stats, reset?: ResetPlan): Readable {
  return chain(req, new RequestTap(req, stats, reset));
}

/** Reads a small body (XML documents) fully; refuses anything larger than `limit`. */
export async function readSmall(body: Readable, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new S3Error('InvalidRequest', `The request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
