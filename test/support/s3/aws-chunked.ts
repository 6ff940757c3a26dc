// Decoder for `Content-Encoding: aws-chunked` bodies (x-amz-content-sha256 = STREAMING-…): the signed
// streaming format of SigV4 and the unsigned one with trailing checksums that newer SDKs send.
// s3rver would store the chunk framing as object bytes, so the gateway strips it while streaming.
import { Transform, type TransformCallback } from 'node:stream';

const CRLF = Buffer.from('\r\n');
const MAX_LINE = 8192;

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

export class AwsChunkedDecoder extends Transform {
  private state: State = 'size';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.consume();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    callback(this.state === 'done' || (this.state === 'trailer' && this.pending.length === 0)
      ? null : new Error('aws-chunked body ended before its final chunk'));
  }

  /** Takes one CRLF-terminated line off the buffer, or undefined if it has not fully arrived. */
  private line(): string | undefined {
    const end = this.pending.indexOf(CRLF);
    if (end < 0) {
      if (this.pending.length > MAX_LINE) throw new Error('aws-chunked header line too long');
      return undefined;
    }
    const text = this.pending.subarray(0, end).toString('latin1');
    this.pending = this.pending.subarray(end + 2);
    return text;
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'size') {
        const header = this.line();
        if (header === undefined) return;
        const size = parseInt(header.split(';')[0], 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad aws-chunked chunk header: ${header.slice(0, 80)}`);
        this.remaining = size;
        this.state = size === 0 ? 'trailer' : 'data';
      } else if (this.state === 'data') {
        if (this.pending.length === 0) return;
        const take = Math.min(this.remaining, this.pending.length);
        this.push(this.pending.subarray(0, take));
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
      } else if (this.state === 'data-end') {
        if (this.pending.length < 2) return;
        if (!this.pending.subarray(0, 2).equals(CRLF)) throw new Error('aws-chunked chunk not followed by CRLF');
        this.pending = this.pending.subarray(2);
        this.state = 'size';
      } else if (this.state === 'trailer') {
        // Trailing headers (x-amz-checksum-*, x-amz-trailer-signature) end with an empty line.
        const trailer = this.line();
        if (trailer === undefined) return;
        if (trailer === '') this.state = 'done';
      } else {
        this.pending = Buffer.alloc(0);
        return;
      }
    }
  }
}
