// Pack files and index files of a format-2 location (docs/backup-format.md §4.1, §4.2): blobs,
// encoded exactly as loose blobs are, appended into pack files of about 8–16 MiB, so a backup writes
// (and a folder fsyncs) one file per pack instead of one per blob; index files say where each blob is.
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { UserError } from '../../../shared/errors';
import type { BlobStore } from './blob-store';
import { forEachLimit } from './blob-store';
import { FLAG_GZIP, FLAG_RAW } from './blob-codec';
import { open as openSealed, seal, type RepoKeys } from './crypto';
import { backupDamaged, isMissing } from './errors';
import { IndexFile, zodReason } from './schemas';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/** A pack is written once it holds this many bytes; with chunks of ≤ 4 MiB a pack ends up 8–12 MiB. */
export const PACK_TARGET_BYTES = 8 * 1024 * 1024;
/** Packs being written at once; more blobs wait (memory stays bounded by a few packs). */
const PACKS_IN_FLIGHT = 3;
/** A long backup writes an index file every this many packs, so an interrupted one keeps what it wrote. */
const INDEX_EVERY_PACKS = 64;
/** Blobs per index file (about 100 bytes each once compressed: a few MiB per file at most). */
export const INDEX_MAX_BLOBS = 50_000;
/** Largest index file a reader accepts (decompressed), so a hostile one cannot exhaust memory. */
const MAX_INDEX_BYTES = 256 * 1024 * 1024;

export const PACK_ID_RE = /^[0-9a-f]{32}$/;
const INDEX_ID_RE = /^[0-9a-f]{32}$/;

export function packPath(id: string): string {
  if (!PACK_ID_RE.test(id)) throw new Error(`Invalid pack id: ${JSON.stringify(id)}`);
  return `packs/${id.slice(0, 2)}/${id}`;
}

export function packIdFromPath(path: string): string | null {
  const m = /^packs\/([0-9a-f]{2})\/([0-9a-f]{32})$/.exec(path);
  return m && m[2].startsWith(m[1]) ? m[2] : null;
}

export function indexPath(id: string): string {
  if (!INDEX_ID_RE.test(id)) throw new Error(`Invalid index id: ${JSON.stringify(id)}`);
  return `index/${id}`;
}

export function indexIdFromPath(path: string): string | null {
  const m = /^index\/([0-9a-f]{32})$/.exec(path);
  return m ? m[1] : null;
}

export interface PackedBlob {
  id: string;
  offset: number;
  length: number;
  /** Plaintext bytes. */
  size: number;
}

export interface PackRecord {
  id: string;
  blobs: PackedBlob[];
}

// ---- index files ----

function indexAad(flag: number, id: string): Buffer {
  return Buffer.concat([Buffer.of(flag), Buffer.from(`index/${id}`, 'ascii')]);
}

export async function encodeIndex(id: string, packs: PackRecord[], keys: RepoKeys | null): Promise<Buffer> {
  const doc: IndexFile = { version: 2, packs: packs.map((p) => ({ id: p.id, blobs: p.blobs.map((b) => ({ id: b.id, offset: b.offset, length: b.length, size: b.size })) })) };
  const body = await gzip(Buffer.from(JSON.stringify(doc), 'utf8'));
  const payload = keys ? await seal(keys.data, body, indexAad(FLAG_GZIP, id)) : body;
  return Buffer.concat([Buffer.of(FLAG_GZIP), payload]);
}

export async function decodeIndex(id: string, raw: Buffer, keys: RepoKeys | null): Promise<IndexFile> {
  const file = indexPath(id);
  if (raw.length < 1) throw backupDamaged(file, 'empty file');
  const flag = raw[0];
  if (flag !== FLAG_RAW && flag !== FLAG_GZIP) throw backupDamaged(file, `unknown encoding flag 0x${flag.toString(16)}`);
  const body = keys ? await openSealed(keys.data, raw.subarray(1), indexAad(flag, id), file) : raw.subarray(1);
  let plain: Buffer = body;
  if (flag === FLAG_GZIP) {
    try {
      plain = await gunzip(body, { maxOutputLength: MAX_INDEX_BYTES });
    } catch (err) {
      throw backupDamaged(file, 'the compressed data cannot be read', err);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(plain.toString('utf8'));
  } catch (err) {
    throw backupDamaged(file, 'not valid JSON', err);
  }
  const parsed = IndexFile.safeParse(json);
  if (!parsed.success) throw backupDamaged(file, zodReason(parsed.error));
  return parsed.data;
}

/** Write `packs` into as many new index files as they need; returns their ids. */
export async function writeIndexFiles(store: BlobStore, packs: PackRecord[], keys: RepoKeys | null): Promise<string[]> {
  const ids: string[] = [];
  let batch: PackRecord[] = [];
  let blobs = 0;
  const write = async () => {
    if (batch.length === 0) return;
    const id = randomBytes(16).toString('hex');
    await store.put(indexPath(id), await encodeIndex(id, batch, keys));
    ids.push(id);
    batch = [];
    blobs = 0;
  };
  for (const pack of packs) {
    if (blobs > 0 && blobs + pack.blobs.length > INDEX_MAX_BLOBS) await write();
    batch.push(pack);
    blobs += pack.blobs.length;
  }
  await write();
  return ids;
}

// ---- the index of a whole location, in memory ----

/**
 * Where every blob is, compactly (a location may hold millions of blobs): one map from blob id to a
 * slot, and the slot's pack, offset, length and size in plain number arrays.
 */
export class PackIndex {
  /** Pack id → size of the pack file as listed. */
  readonly packSizes = new Map<string, number>();
  /** Index files read, and those that could not be (damaged: their blobs are unknown). */
  readonly indexFiles: string[] = [];
  readonly damagedIndexes: { id: string; error: UserError }[] = [];
  private readonly slots = new Map<string, number>();
  private readonly packIds: string[] = [];
  private readonly packSlot = new Map<string, number>();
  private readonly packOf: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];
  private readonly sizes: number[] = [];
  /** Packs some index file names. */
  readonly indexedPacks = new Set<string>();

  get size(): number {
    return this.slots.size;
  }

  has(id: string): boolean {
    return this.slots.has(id);
  }

  get(id: string): (PackedBlob & { pack: string }) | null {
    const slot = this.slots.get(id);
    if (slot === undefined) return null;
    return { id, pack: this.packIds[this.packOf[slot]], offset: this.offsets[slot], length: this.lengths[slot], size: this.sizes[slot] };
  }

  /** Record a pack's blobs. A blob already known elsewhere keeps its first place (duplicates are harmless). */
  addPack(record: PackRecord, listedSize?: number): void {
    if (listedSize !== undefined) this.packSizes.set(record.id, listedSize);
    this.indexedPacks.add(record.id);
    let p = this.packSlot.get(record.id);
    if (p === undefined) {
      p = this.packIds.length;
      this.packIds.push(record.id);
      this.packSlot.set(record.id, p);
    }
    for (const b of record.blobs) {
      if (this.slots.has(b.id)) continue;
      this.slots.set(b.id, this.packOf.length);
      this.packOf.push(p);
      this.offsets.push(b.offset);
      this.lengths.push(b.length);
      this.sizes.push(b.size);
    }
  }

  *entries(): Generator<PackedBlob & { pack: string }> {
    for (const [id, slot] of this.slots) yield { id, pack: this.packIds[this.packOf[slot]], offset: this.offsets[slot], length: this.lengths[slot], size: this.sizes[slot] };
  }

  /**
   * Read every index file of the location. Blobs of packs that are not there (a prune removed the
   * pack before the index that named it) are left out: they are not in the location any more.
   */
  static async load(store: BlobStore, keys: RepoKeys | null): Promise<PackIndex> {
    const out = new PackIndex();
    for await (const obj of store.list('packs/')) {
      const id = packIdFromPath(obj.path);
      if (id) out.packSizes.set(id, obj.size);
    }
    const ids: string[] = [];
    for await (const obj of store.list('index/')) {
      const id = indexIdFromPath(obj.path);
      if (id) ids.push(id);
    }
    ids.sort();
    const files = new Map<string, IndexFile>();
    await forEachLimit(ids, 8, async (id) => {
      try {
        files.set(id, await decodeIndex(id, await store.get(indexPath(id)), keys));
      } catch (err) {
        if (isMissing(err)) return; // removed since the listing (a prune rewrote it)
        if (err instanceof UserError && err.code === 'BACKUP_DAMAGED') {
          out.damagedIndexes.push({ id, error: err });
          return;
        }
        throw err;
      }
    });
    for (const id of ids) {
      const file = files.get(id);
      if (!file) continue;
      out.indexFiles.push(id);
      for (const pack of file.packs) {
        out.indexedPacks.add(pack.id);
        if (out.packSizes.has(pack.id)) out.addPack(pack);
      }
    }
    return out;
  }
}

// ---- writing ----

interface OpenPack {
  id: string;
  parts: Buffer[];
  bytes: number;
  blobs: PackedBlob[];
}

function newPack(): OpenPack {
  return { id: randomBytes(16).toString('hex'), parts: [], bytes: 0, blobs: [] };
}

/**
 * Collects encoded blobs into packs and writes each pack with one put (folder: temp file, one fsync,
 * rename); after the packs, an index file naming them. `flush` returns once every blob added so far is
 * durable and indexed — a snapshot is written only after that.
 */
export class PackWriter {
  private current = newPack();
  private readonly writing = new Set<Promise<void>>();
  /** Packs written but not yet named by an index file. */
  private unindexed: PackRecord[] = [];
  /** Encoded blobs not yet durable, for reads and deduplication meanwhile. */
  readonly pending = new Map<string, Buffer>();
  private failure: { err: unknown } | null = null;
  private indexing: Promise<void> = Promise.resolve();
  /** Bytes and files this writer has put (packs and index files). */
  readonly written = { packs: 0, indexes: 0, bytes: 0 };

  constructor(
    private readonly store: BlobStore,
    private readonly keys: RepoKeys | null,
    /** Called once a pack is durable, so the location's index can find its blobs. */
    private readonly onDurable: (record: PackRecord) => void,
    private readonly options: { indexEveryPacks?: number } = {},
  ) {}

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Packs written and not yet indexed (a reload of the location's index keeps them). */
  get durableUnindexed(): readonly PackRecord[] {
    return this.unindexed;
  }

  /** Add one encoded blob; resolves once it is buffered (not yet durable: see flush). */
  async add(id: string, encoded: Buffer, size: number): Promise<void> {
    this.throwIfFailed();
    if (this.pending.has(id)) return;
    this.pending.set(id, encoded);
    const pack = this.current;
    pack.blobs.push({ id, offset: pack.bytes, length: encoded.length, size });
    pack.parts.push(encoded);
    pack.bytes += encoded.length;
    if (pack.bytes >= PACK_TARGET_BYTES) {
      this.current = newPack();
      this.startWrite(pack);
    }
    while (this.writing.size >= PACKS_IN_FLIGHT) await Promise.race(this.writing);
    this.throwIfFailed();
  }

  /** Write the open pack, wait for every pack, then write an index file for them all. */
  async flush(): Promise<void> {
    if (this.current.blobs.length > 0) {
      const pack = this.current;
      this.current = newPack();
      this.startWrite(pack);
    }
    await Promise.all(this.writing);
    this.throwIfFailed();
    await this.writeIndex();
    this.throwIfFailed();
  }

  private startWrite(pack: OpenPack): void {
    const data = Buffer.concat(pack.parts, pack.bytes);
    pack.parts = [];
    // Reads meanwhile are served from the pack's own bytes: the separate blobs can be freed now.
    for (const b of pack.blobs) this.pending.set(b.id, data.subarray(b.offset, b.offset + b.length));
    const record: PackRecord = { id: pack.id, blobs: pack.blobs };
    const write: Promise<void> = this.store
      .put(packPath(pack.id), data)
      .then(() => {
        this.written.packs += 1;
        this.written.bytes += data.length;
        this.unindexed.push(record);
        this.onDurable(record);
        for (const b of record.blobs) this.pending.delete(b.id);
        if (this.unindexed.length >= (this.options.indexEveryPacks ?? INDEX_EVERY_PACKS)) void this.writeIndex().catch(() => undefined);
      })
      .catch((err: unknown) => {
        this.failure ??= { err };
      })
      .finally(() => this.writing.delete(write));
    this.writing.add(write);
  }

  /** Index files are written one after another; each names the packs durable when it started. */
  private writeIndex(): Promise<void> {
    const run = this.indexing.then(async () => {
      if (this.unindexed.length === 0) return;
      const packs = this.unindexed;
      this.unindexed = [];
      try {
        const ids = await writeIndexFiles(this.store, packs, this.keys);
        this.written.indexes += ids.length;
      } catch (err) {
        this.unindexed = [...packs, ...this.unindexed];
        this.failure ??= { err };
      }
    });
    this.indexing = run;
    return run;
  }

  /**
   * After a failed write: name the packs that did become durable in an index file (if that still
   * works), so the next backup reuses them instead of writing them again. Never throws.
   */
  async salvage(): Promise<void> {
    await Promise.allSettled([...this.writing]);
    if (this.unindexed.length === 0) return;
    const packs = this.unindexed;
    this.unindexed = [];
    await this.indexing.catch(() => undefined);
    await writeIndexFiles(this.store, packs, this.keys).catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err;
  }
}
