// Reading a `mongodump --archive` file (optionally --gzip), as mongo-tools' common/archive/spec.md
// describes the format:
//   archive = magic-number (0x8199e26d, little-endian), header (BSON {concurrent_collections,
//             version "0.1", server_version, tool_version}), *collection-metadata (BSON {db,
//             collection, metadata: canonical Extended JSON text, size, type}), terminator 0xffffffff,
//             then *(namespace-segment | namespace-eof);
//   namespace-segment = header {db, collection, EOF: false, CRC: 0}, +document, terminator;
//   namespace-eof = header {db, collection, EOF: true, CRC: CRC-64-ECMA of all its documents}, terminator.
// Segments of several collections may be interleaved. The archive is unpacked into the folder
// layout mongodump writes without --archive (`<db>/<coll>.bson`, `<coll>.metadata.json`), which the
// folder import then reads; each collection's checksum is verified on the way.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { BSON, type Document } from 'bson';
import { userError } from '../../../shared/errors';

const MAGIC = 0x8199e26d;
const TERMINATOR = 0xffffffff;
const MAX_DOC = 16 * 1024 * 1024 + 16 * 1024;

/** CRC-64 with the ECMA-182 polynomial, reflected (Go's crc64.ECMA, as mongodump uses); check value of "123456789": 0x995dc9bbdf1939fa. */
const TABLE = (() => {
  const poly = 0xc96c5795d7870f42n;
  const t: bigint[] = [];
  for (let i = 0n; i < 256n; i++) {
    let crc = i;
    for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
    t.push(crc);
  }
  return t;
})();
const MASK = 0xffffffffffffffffn;

export class Crc64 {
  private crc = MASK;
  update(data: Uint8Array): void {
    let crc = this.crc;
    for (const b of data) crc = TABLE[Number((crc ^ BigInt(b)) & 0xffn)] ^ (crc >> 8n);
    this.crc = crc;
  }
  digest(): bigint {
    return this.crc ^ MASK;
  }
}

/** True when the file starts like a mongodump archive (plain or gzip-compressed: then it is opened to see). */
export async function isArchiveFile(file: string): Promise<boolean> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat?.isFile()) return false;
  const head = Buffer.alloc(4);
  const fd = await fsp.open(file, 'r');
  try {
    await fd.read(head, 0, 4, 0);
  } finally {
    await fd.close();
  }
  if (head.readUInt32LE(0) === MAGIC) return true;
  return head[0] === 0x1f && head[1] === 0x8b; // gzip: checked for the magic number when read
}

/** Reads exact byte counts from a stream. */
class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private readonly it: AsyncIterator<Buffer>;
  offset = 0;

  constructor(stream: AsyncIterable<Buffer>, private readonly onBytes: (n: number) => void) {
    this.it = stream[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<boolean> {
    while (this.length < n) {
      const next = await this.it.next();
      if (next.done) return false;
      this.buffered.push(next.value);
      this.length += next.value.length;
      this.onBytes(next.value.length); // bytes unpacked (after gunzip for a compressed archive)
    }
    return true;
  }

  /** `n` bytes, or null at a clean end of input (nothing left at all). */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) {
      if (this.length === 0) return null;
      throw damaged(this.offset, 'the file ends in the middle of an entry');
    }
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const out = Buffer.from(all.subarray(0, n));
    const rest = all.subarray(n);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.length = rest.length;
    this.offset += n;
    return out;
  }

  /** A BSON document, or 'end' for the terminator, or null at the end of input. */
  async document(): Promise<Buffer | 'end' | null> {
    const head = await this.read(4);
    if (!head) return null;
    if (head.readUInt32LE(0) === TERMINATOR) return 'end';
    const size = head.readInt32LE(0);
    if (size < 5 || size > MAX_DOC) throw damaged(this.offset - 4, `a document cannot be ${size} bytes long`);
    const rest = await this.read(size - 4);
    if (!rest || rest[rest.length - 1] !== 0) throw damaged(this.offset, 'a document does not end where its length says');
    return Buffer.concat([head, rest]);
  }
}

function damaged(at: number, why: string) {
  return userError('INVALID_INPUT', 'Not a complete mongodump archive', `The file is not a complete mongodump archive: ${why} (at byte ${at}).`, 'Check that the archive was copied completely, or make it again with mongodump --archive.');
}

function fileName(collection: string): string {
  return collection.replace(/[%/\\\0*?:"<>|$]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`); // as mongodump escapes names
}

export interface UnpackedArchive {
  serverVersion: string | null;
  collections: number;
}

/** Unpacks the archive `file` into `dir` as a mongodump folder (one sub-folder per database). */
export async function unpackArchive(file: string, dir: string, onBytes: (n: number) => void): Promise<UnpackedArchive> {
  const raw = fs.createReadStream(file);
  const head = Buffer.alloc(2);
  const fd = await fsp.open(file, 'r');
  await fd.read(head, 0, 2, 0).finally(() => fd.close());
  const stream = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const reader = new ByteReader(stream as AsyncIterable<Buffer>, onBytes);
  try {
    const magic = await reader.read(4);
    if (!magic || magic.readUInt32LE(0) !== MAGIC) throw userError('INVALID_INPUT', 'Not a mongodump archive', `${path.basename(file)} does not start like a mongodump archive.`, 'Choose a file made with mongodump --archive, or the folder mongodump wrote.');
    const header = await reader.document();
    if (!header || header === 'end') throw damaged(reader.offset, 'the header is missing');
    const prelude = BSON.deserialize(header) as Document;
    const metas: Document[] = [];
    for (;;) {
      const d = await reader.document();
      if (d === null) throw damaged(reader.offset, 'the list of collections does not end');
      if (d === 'end') break;
      metas.push(BSON.deserialize(d));
    }
    const writeFile = async (db: string, name: string, data: Buffer | string, append: boolean) => {
      await fsp.mkdir(path.join(dir, fileName(db)), { recursive: true });
      const target = path.join(dir, fileName(db), name);
      await (append ? fsp.appendFile(target, data) : fsp.writeFile(target, data));
    };
    for (const m of metas) {
      if (typeof m.db !== 'string' || typeof m.collection !== 'string') throw damaged(reader.offset, 'a collection entry has no name');
      if (typeof m.metadata === 'string' && m.metadata !== '') await writeFile(m.db, `${fileName(m.collection)}.metadata.json`, m.metadata, false);
    }
    const crcs = new Map<string, Crc64>();
    const ended = new Set<string>();
    for (;;) {
      const d = await reader.document();
      if (d === null) break;
      if (d === 'end') throw damaged(reader.offset, 'an entry ends where none began');
      const ns = BSON.deserialize(d, { promoteLongs: false }) as Document;
      const key = `${String(ns.db)}.${String(ns.collection)}`;
      if (typeof ns.db !== 'string' || typeof ns.collection !== 'string') throw damaged(reader.offset, 'a namespace header has no name');
      if (ns.EOF === true) {
        const crc = crcs.get(key) ?? new Crc64();
        const stated = BigInt.asUintN(64, BigInt(String(ns.CRC ?? 0)));
        if (stated !== crc.digest()) throw damaged(reader.offset, `the checksum of ${key} does not match its documents`);
        ended.add(key);
        if ((await reader.document()) !== 'end') throw damaged(reader.offset, 'the end of a collection is not marked');
        continue;
      }
      let crc = crcs.get(key);
      if (!crc) crcs.set(key, (crc = new Crc64()));
      await writeFile(ns.db, `${fileName(ns.collection)}.bson`, Buffer.alloc(0), true);
      const docs: Buffer[] = [];
      for (;;) {
        const doc = await reader.document();
        if (doc === null) throw damaged(reader.offset, `the documents of ${key} are cut off`);
        if (doc === 'end') break;
        crc.update(doc);
        docs.push(doc);
      }
      await writeFile(ns.db, `${fileName(ns.collection)}.bson`, Buffer.concat(docs), true);
    }
    for (const key of crcs.keys()) if (!ended.has(key)) throw damaged(reader.offset, `the archive ends before the end of ${key}`);
    // An empty collection has no segment; mongodump's folder layout still has its (empty) .bson file.
    for (const m of metas) {
      if (m.type === 'view') continue;
      const data = m.type === 'timeseries' ? `system.buckets.${String(m.collection)}` : String(m.collection);
      if (!crcs.has(`${String(m.db)}.${data}`)) await writeFile(String(m.db), `${fileName(data)}.bson`, Buffer.alloc(0), true);
    }
    return { serverVersion: typeof prelude.server_version === 'string' ? prelude.server_version : null, collections: metas.length };
  } finally {
    raw.destroy();
  }
}
