// Content-defined chunking ("gear-v1", docs/backup-format.md §7): cut points depend on the bytes
// around them, not on offsets, so inserting data into a large file only changes the chunks near the
// insertion and everything else deduplicates. Fixed-size chunks would shift every later boundary.
import { createHmac } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface ChunkerParams {
  algorithm: 'gear-v1';
  minSize: number;
  avgSize: number;
  maxSize: number;
}

export const DEFAULT_CHUNKER: ChunkerParams = {
  algorithm: 'gear-v1',
  minSize: 512 * 1024,
  avgSize: 1024 * 1024,
  maxSize: 4 * 1024 * 1024,
};

/** h depends only on the last 32 bytes (each step shifts one bit out of 32). */
export const GEAR_WINDOW = 32;
/** Table key of unencrypted repositories; encrypted ones use a secret key so chunk sizes leak nothing. */
export const PUBLIC_GEAR_KEY = 'pci-maintenance/v1/gear';

export function gearTable(key: Buffer | string): Int32Array {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) table[i] = createHmac('sha256', key).update(Buffer.of(i)).digest().readInt32BE(0);
  return table;
}

/** Validated parameters plus the cut mask (the top k bits of h, k = log2(avg − min)). */
export function chunkerMask(params: ChunkerParams): number {
  const { minSize, avgSize, maxSize } = params;
  const k = Math.log2(avgSize - minSize);
  if (!Number.isInteger(k) || k < 1 || k > 31 || minSize < 2 * GEAR_WINDOW || maxSize < avgSize) {
    throw new Error(`Unsupported chunker parameters: ${JSON.stringify(params)}`);
  }
  return ((2 ** k - 1) * 2 ** (32 - k)) | 0; // as a signed 32-bit int, like h
}

/**
 * The rolling-hash state machine. `push` returns the chunks completed by the new data; `finish`
 * returns the rest. It keeps references to pushed buffers until their chunk is complete, so callers
 * must not reuse a buffer after pushing it. Memory stays below maxSize plus one input buffer.
 */
export class GearChunker {
  private pending: Buffer[] = [];
  private len = 0;
  private h = 0;
  private readonly mask: number;

  constructor(
    readonly params: ChunkerParams,
    private readonly table: Int32Array,
  ) {
    this.mask = chunkerMask(params);
  }

  push(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const { minSize: min, maxSize: max } = this.params;
    const G = this.table;
    const mask = this.mask;
    let h = this.h;
    let len = this.len;
    let i = 0;
    while (i < data.length) {
      const end = Math.min(data.length, i + (max - len));
      const checkFrom = i + Math.max(0, min - 1 - len); // first index where a cut is allowed
      let j = i + Math.max(0, min - GEAR_WINDOW - len); // earlier bytes cannot influence h there
      let cut = -1;
      for (; j < end && j < checkFrom; j++) h = ((h << 1) + G[data[j]]) | 0;
      for (; j < end; j++) {
        h = ((h << 1) + G[data[j]]) | 0;
        if ((h & mask) === 0) {
          cut = j + 1;
          break;
        }
      }
      if (cut < 0) {
        if (len + (end - i) < max) {
          this.pending.push(data.subarray(i));
          len += data.length - i;
          break;
        }
        cut = end;
      }
      this.pending.push(data.subarray(i, cut));
      out.push(Buffer.concat(this.pending));
      this.pending = [];
      len = 0;
      h = 0;
      i = cut;
    }
    this.h = h;
    this.len = len;
    return out;
  }

  finish(): Buffer | null {
    if (this.len === 0) return null;
    const last = Buffer.concat(this.pending);
    this.pending = [];
    this.len = 0;
    this.h = 0;
    return last;
  }
}

/** A Transform: bytes in, chunks (one Buffer per object) out, with normal stream backpressure. */
export function createChunkStream(params: ChunkerParams, table: Int32Array): Transform {
  const chunker = new GearChunker(params, table);
  return new Transform({
    readableObjectMode: true,
    transform(data: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      try {
        for (const chunk of chunker.push(data)) this.push(chunk);
        done();
      } catch (err) {
        done(err as Error);
      }
    },
    flush(done: TransformCallback) {
      const last = chunker.finish();
      if (last) this.push(last);
      done();
    },
  });
}

/** The same for async iterables (a file read stream, an S3 GetObject body). */
export async function* chunkIterable(source: AsyncIterable<Buffer> | Iterable<Buffer>, params: ChunkerParams, table: Int32Array): AsyncGenerator<Buffer> {
  const chunker = new GearChunker(params, table);
  for await (const data of source) yield* chunker.push(data);
  const last = chunker.finish();
  if (last) yield last;
}
