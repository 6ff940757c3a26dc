// Content-defined chunking: size bounds, determinism, stability under insertions, and the BSON variant.
import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { chunkBsonDocuments } from '../../../electron/core/repository/bson-chunker';
import { DEFAULT_CHUNKER, GearChunker, PUBLIC_GEAR_KEY, chunkIterable, createChunkStream, gearTable } from '../../../electron/core/repository/chunker';
import { pseudoRandom } from './helpers';

const table = gearTable(PUBLIC_GEAR_KEY);
const MiB = 1024 * 1024;
const hashOf = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Feed `data` in irregular pieces, as a file stream would. */
function* pieces(data: Buffer, size = 65_536 + 17): Generator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function chunksOf(data: Buffer, pieceSize?: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of chunkIterable(pieces(data, pieceSize), DEFAULT_CHUNKER, table)) out.push(c);
  return out;
}

describe('gear-v1 chunker', () => {
  const data = pseudoRandom(24 * MiB, 42);

  it('cuts within the size bounds, averaging about 1 MiB, and loses no byte', async () => {
    const chunks = await chunksOf(data);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    for (const c of chunks.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(DEFAULT_CHUNKER.minSize);
      expect(c.length).toBeLessThanOrEqual(DEFAULT_CHUNKER.maxSize);
    }
    const avg = data.length / chunks.length;
    expect(avg).toBeGreaterThan(0.6 * MiB);
    expect(avg).toBeLessThan(1.6 * MiB);
  });

  it('does not depend on how the input is split into pieces', async () => {
    const a = (await chunksOf(data, 65_536)).map(hashOf);
    const b = (await chunksOf(data, 1_000_003)).map(hashOf);
    const c = (await chunksOf(data, 4099)).map(hashOf);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('an insertion in the middle changes only the chunks around it', async () => {
    const before = await chunksOf(data);
    const mid = 12 * MiB + 12345;
    const edited = Buffer.concat([data.subarray(0, mid), Buffer.from('a few new bytes in the middle'), data.subarray(mid)]);
    const after = await chunksOf(edited);
    const old = new Set(before.map(hashOf));
    const changed = after.filter((c) => !old.has(hashOf(c)));
    expect(changed.length).toBeGreaterThanOrEqual(1);
    expect(changed.length).toBeLessThanOrEqual(2);
    expect(after.length - changed.length).toBeGreaterThanOrEqual(before.length - 3);
  });

  it('cuts at maxSize when the content never triggers a cut', async () => {
    const zeros = Buffer.alloc(9 * MiB); // a constant run never matches the mask with this table
    const chunks = await chunksOf(zeros);
    expect(chunks.map((c) => c.length)).toEqual([4 * MiB, 4 * MiB, 1 * MiB]);
  });

  it('works as a Transform stream with backpressure', async () => {
    const small = data.subarray(0, 6 * MiB);
    const out: Buffer[] = [];
    await pipeline(Readable.from(pieces(small)), createChunkStream(DEFAULT_CHUNKER, table), async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
    expect(out.map(hashOf)).toEqual((await chunksOf(small)).map(hashOf));
  });

  it('matches a naive implementation of the rules in docs/backup-format.md §7', async () => {
    const sample = data.subarray(0, 7 * MiB);
    const G = Array.from({ length: 256 }, (_, i) => createHmac('sha256', PUBLIC_GEAR_KEY).update(Buffer.of(i)).digest().readUInt32BE(0));
    const k = Math.log2(DEFAULT_CHUNKER.avgSize - DEFAULT_CHUNKER.minSize);
    const naive: number[] = [];
    let h = 0;
    let len = 0;
    for (const b of sample) {
      h = (h * 2 + G[b]) % 2 ** 32; // no shortcuts: every byte hashed, plain arithmetic
      len += 1;
      if ((len >= DEFAULT_CHUNKER.minSize && Math.floor(h / 2 ** (32 - k)) === 0) || len === DEFAULT_CHUNKER.maxSize) {
        naive.push(len);
        h = 0;
        len = 0;
      }
    }
    if (len > 0) naive.push(len);
    expect((await chunksOf(sample)).map((c) => c.length)).toEqual(naive);
  });

  it('a different table (an encrypted repository) cuts elsewhere', () => {
    const other = new GearChunker(DEFAULT_CHUNKER, gearTable(Buffer.alloc(32, 9)));
    const mine = new GearChunker(DEFAULT_CHUNKER, table);
    const a = [...mine.push(data.subarray(0, 8 * MiB))].map((c) => c.length);
    const b = [...other.push(data.subarray(0, 8 * MiB))].map((c) => c.length);
    expect(a).not.toEqual(b);
  });
});

describe('BSON document chunker', () => {
  const docs = Array.from({ length: 12_000 }, (_, i) => Buffer.from(serialize({ _id: i, name: `file-${i}.pdf`, size: i * 37, pad: 'x'.repeat(200 + (i % 300)) })));

  async function bsonChunks(input: Buffer[]) {
    const out = [];
    for await (const c of chunkBsonDocuments(input, DEFAULT_CHUNKER, table)) out.push(c);
    return out;
  }

  it('keeps whole documents, counts them, and reproduces the exact byte stream', async () => {
    const chunks = await bsonChunks(docs);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((n, c) => n + c.docs, 0)).toBe(docs.length);
    expect(Buffer.concat(chunks.map((c) => c.data)).equals(Buffer.concat(docs))).toBe(true);
    for (const c of chunks) {
      // Walk the chunk document by document: every length prefix lands exactly on the end.
      let off = 0;
      let n = 0;
      while (off < c.data.length) {
        off += c.data.readInt32LE(off);
        n += 1;
      }
      expect(off).toBe(c.data.length);
      expect(n).toBe(c.docs);
      expect(c.data.length).toBeLessThanOrEqual(DEFAULT_CHUNKER.maxSize);
    }
  });

  it('a changed document rewrites only the chunks around it', async () => {
    const before = await bsonChunks(docs);
    const edited = [...docs];
    edited[6000] = Buffer.from(serialize({ _id: 6000, name: 'renamed.pdf', size: 1 }));
    const after = await bsonChunks(edited);
    const old = new Set(before.map((c) => hashOf(c.data)));
    expect(after.filter((c) => !old.has(hashOf(c.data))).length).toBeLessThanOrEqual(2);
  });

  it('puts a document larger than maxSize in a chunk of its own and rejects non-documents', async () => {
    const huge = Buffer.from(serialize({ _id: 'big', blob: Buffer.alloc(5 * MiB, 1) }));
    const chunks = await bsonChunks([docs[0], huge, docs[1]]);
    expect(chunks.map((c) => c.docs)).toEqual([1, 1, 1]);
    await expect(bsonChunks([Buffer.from('not bson')])).rejects.toThrow(/BSON/);
  });
});
