// A backup location opened for use: its config and keys, content-addressed blobs with dedup, and
// snapshot files. Formats are in docs/backup-format.md; the manifest lives in manifest.ts.
import { UserError } from '../../../shared/errors';
import type { BlobStore } from './blob-store';
import { forEachLimit, readRange } from './blob-store';
import { BLOB_ID_RE, blobPath, computeBlobId, decodeBlob, encodeBlobWithId } from './blob-codec';
import { chunkBsonDocuments, type BsonChunk } from './bson-chunker';
import { GearChunker, PUBLIC_GEAR_KEY, chunkIterable, createChunkStream, gearTable } from './chunker';
import { CONFIG_PATH, alreadyHere, configChanged, newConfig, parseConfig, sameConfig, type InitOptions, type NewConfig } from './config';
import { open as openSealed, seal, unlockEncryption, type RepoKeys } from './crypto';
import { backupDamaged, isMissing, passphraseRequired, repoNotFound, snapshotNotFound } from './errors';
import { ManifestWriter, readManifest, type ManifestWriterOptions, type PutBlobResult, type SnapshotInput } from './manifest';
import { PackIndex, PackWriter, packPath, writeIndexFiles, type PackRecord } from './packs';

export type { PutBlobResult } from './manifest';
import { SnapshotHeader, zodReason, type ManifestEntry, type RepoConfig } from './schemas';
import type { Transform } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

const SNAPSHOT_ID_RE = /^[0-9a-f]{32}$/;
/** How long a process that lost the race to set up a location waits for the winner's config to be whole. */
const SETTLE_TRIES = 10;
const SETTLE_MS = 200;

export { CONFIG_PATH, type InitOptions };

export interface OpenOptions {
  passphrase?: string;
}


export function snapshotPath(id: string): string {
  if (!SNAPSHOT_ID_RE.test(id)) throw new Error(`Invalid snapshot id: ${JSON.stringify(id)}`);
  return `snapshots/${id}`;
}

function blobIdFromPath(path: string): string | null {
  const m = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(path);
  return m && m[2].startsWith(m[1]) ? m[2] : null;
}

export class Repository {
  readonly gear: Int32Array;
  /** Every blob id in the location, loaded by listing once; new blobs are added as they are written. */
  private knownBlobs: Set<string> | null = null;
  private loadingBlobs: Promise<Set<string>> | null = null;
  private readonly inflight = new Map<string, Promise<PutBlobResult>>();
  /** Format 2: where every blob is (read from the index files), and the packs this process is writing. */
  private packIndex: PackIndex | null = null;
  private loadingIndex: Promise<PackIndex> | null = null;
  private writer: PackWriter | null = null;

  private constructor(
    readonly store: BlobStore,
    readonly config: RepoConfig,
    private readonly keys: RepoKeys | null,
  ) {
    this.gear = gearTable(keys ? keys.chunkerKey : PUBLIC_GEAR_KEY);
  }

  get id(): string {
    return this.config.id;
  }

  get encrypted(): boolean {
    return this.keys !== null;
  }

  /** Format 2 and later keep blobs in pack files; a version 1 location keeps one file per blob. */
  get packed(): boolean {
    return this.config.version >= 2;
  }

  /** Set up a new location; fails when the location already holds one. */
  static async init(store: BlobStore, options: InitOptions = {}): Promise<Repository> {
    if (await store.exists(CONFIG_PATH)) throw alreadyHere(store.describe());
    const fresh = await newConfig(options);
    if (!(await Repository.writeConfig(store, fresh))) throw alreadyHere(store.describe());
    return Repository.fromNew(store, fresh);
  }

  /**
   * Set up a new location, or open the one another process set up first. Two first backups started
   * at once (cron plus a manual run, two machines on one share) both get here; the config is written
   * create-exclusive, so exactly one wins and the other opens the winner's config with its own
   * passphrase (a different passphrase is WRONG_PASSPHRASE) — never two configs, one overwriting the
   * other's keys.
   */
  static async initOrOpen(store: BlobStore, options: InitOptions = {}): Promise<{ repo: Repository; created: boolean }> {
    const fresh = await newConfig(options);
    if (await Repository.writeConfig(store, fresh)) return { repo: Repository.fromNew(store, fresh), created: true };
    for (let attempt = 1; ; attempt++) {
      try {
        return { repo: await Repository.open(store, { passphrase: options.passphrase }), created: false };
      } catch (err) {
        // Without hard links (FAT drives) the winner's file can be seen before all of it is written.
        const partial = err instanceof UserError && err.code === 'BACKUP_DAMAGED' && err.details?.startsWith(`${CONFIG_PATH}:`);
        if (!partial || attempt >= SETTLE_TRIES) throw err;
        await sleep(SETTLE_MS);
      }
    }
  }

  /** Create-exclusive write, then a read-back: a store that ignored the condition may have let another writer replace it. */
  private static async writeConfig(store: BlobStore, fresh: NewConfig): Promise<boolean> {
    if (!store.putIfAbsent) throw new Error(`${store.describe()} cannot hold a new backup location (no create-exclusive writes)`);
    if (!(await store.putIfAbsent(CONFIG_PATH, fresh.bytes))) return false;
    return (await store.get(CONFIG_PATH)).equals(fresh.bytes);
  }

  private static fromNew(store: BlobStore, fresh: NewConfig): Repository {
    const repo = new Repository(store, fresh.config, fresh.keys);
    // a new location has no blobs: no need to list
    if (repo.packed) repo.packIndex = new PackIndex();
    else repo.knownBlobs = new Set();
    return repo;
  }

  static async open(store: BlobStore, options: OpenOptions = {}): Promise<Repository> {
    let raw: Buffer;
    try {
      raw = await store.get(CONFIG_PATH);
    } catch (err) {
      if (isMissing(err)) throw repoNotFound(store.describe());
      throw err;
    }
    const config = parseConfig(raw);
    let keys: RepoKeys | null = null;
    if (config.encryption) {
      if (options.passphrase === undefined || options.passphrase === '') throw passphraseRequired();
      keys = await unlockEncryption(config.encryption, options.passphrase, config.id);
    }
    return new Repository(store, config, keys);
  }

  /**
   * Read the config again and check it is still the one this object uses (same id, same keys). A
   * backup calls this before it reports success: a restore point written with keys the location no
   * longer has could never be read, so it must not be reported as saved.
   */
  async assertConfigUnchanged(): Promise<void> {
    let current: RepoConfig;
    try {
      current = parseConfig(await this.store.get(CONFIG_PATH));
    } catch (err) {
      if (isMissing(err)) throw configChanged(this.store.describe(), 'the file is gone');
      if (err instanceof UserError && (err.code === 'BACKUP_DAMAGED' || err.code === 'REPO_UNSUPPORTED_VERSION')) throw configChanged(this.store.describe(), err.details ?? err.message);
      throw err;
    }
    if (!sameConfig(current, this.config)) throw configChanged(this.store.describe(), `location ${this.config.id} was replaced by ${current.id === this.config.id ? 'a config with other keys' : current.id}`);
  }

  // ---- blobs ----

  private known(): Promise<Set<string>> {
    if (this.knownBlobs) return Promise.resolve(this.knownBlobs);
    this.loadingBlobs ??= (async () => {
      const set = new Set<string>();
      for await (const obj of this.store.list('blobs/')) {
        const id = blobIdFromPath(obj.path);
        if (id) set.add(id);
      }
      this.knownBlobs = set;
      return set;
    })().finally(() => {
      this.loadingBlobs = null;
    });
    return this.loadingBlobs;
  }

  /** Format 2: the location's index, read once; packs this process wrote since are added as they become durable. */
  packs(): Promise<PackIndex> {
    if (this.packIndex) return Promise.resolve(this.packIndex);
    this.loadingIndex ??= (async () => {
      const index = await PackIndex.load(this.store, this.keys);
      // Packs this process has written but not indexed yet are durable: keep them findable.
      for (const record of this.writer?.durableUnindexed ?? []) index.addPack(record);
      this.packIndex = index;
      return index;
    })().finally(() => {
      this.loadingIndex = null;
    });
    return this.loadingIndex;
  }

  /** Forget the cached blob list (after another process may have changed the location, e.g. prune). */
  invalidateBlobCache(): void {
    this.knownBlobs = null;
    this.packIndex = null;
  }

  private packWriter(): PackWriter {
    this.writer ??= new PackWriter(this.store, this.keys, (record: PackRecord) => this.packIndex?.addPack(record));
    return this.writer;
  }

  /**
   * A write failed: the packs that were written get an index file if that still works (so the next
   * backup reuses them); then forget them and everything this process knew, so no later backup here
   * counts on blobs that only unindexed packs hold (prune removes those).
   */
  private async dropWriter(writer: PackWriter): Promise<void> {
    this.writer = null;
    this.packIndex = null;
    await writer.salvage();
    this.packIndex = null;
  }

  async putBlob(data: Buffer): Promise<PutBlobResult> {
    const id = await computeBlobId(data, this.keys);
    const skipped: PutBlobResult = { id, size: data.length, stored: false, storedBytes: 0 };
    if (await this.hasBlob(id)) return skipped;
    const running = this.inflight.get(id);
    if (running) {
      await running; // the same data is being written right now
      return skipped;
    }
    const write = (async (): Promise<PutBlobResult> => {
      const { encoded } = await encodeBlobWithId(data, id, this.keys);
      if (this.packed) {
        const writer = this.packWriter();
        try {
          await writer.add(id, encoded, data.length);
        } catch (err) {
          if (this.writer === writer) await this.dropWriter(writer);
          throw err;
        }
      } else {
        await this.store.put(blobPath(id), encoded);
        (await this.known()).add(id);
      }
      return { id, size: data.length, stored: true, storedBytes: encoded.length };
    })();
    this.inflight.set(id, write);
    try {
      return await write;
    } finally {
      this.inflight.delete(id);
    }
  }

  /**
   * Make every blob put so far durable (format 2: write the open pack and an index file naming the new
   * packs). A snapshot is written only after this; ManifestWriter.finish calls it.
   */
  async flush(): Promise<void> {
    const writer = this.writer;
    if (!writer) return;
    try {
      await writer.flush();
    } catch (err) {
      if (this.writer === writer) await this.dropWriter(writer);
      throw err;
    }
  }

  /** The file a blob is in, for messages: its own file (format 1) or its pack file; null when no pack holds it. */
  blobFile(id: string): string | null {
    if (!this.packed) return blobPath(id);
    const at = this.packIndex?.get(id);
    return at ? packPath(at.pack) : null;
  }

  /** What InspectingStore remembers a read of this blob under: its file, or `<pack file>#<offset>`. */
  blobReadKey(id: string): string {
    if (!this.packed) return blobPath(id);
    const at = this.packIndex?.get(id);
    return at ? `${packPath(at.pack)}#${at.offset}` : `blob ${id}`;
  }

  /** The plaintext of a blob, verified against its id. Missing or damaged → BACKUP_DAMAGED naming the file. */
  async getBlob(id: string): Promise<Buffer> {
    if (this.packed) return this.getPackedBlob(id);
    const path = blobPath(id);
    let encoded: Buffer;
    try {
      encoded = await this.store.get(path);
    } catch (err) {
      if (isMissing(err)) throw backupDamaged(path, 'the file is missing');
      throw err;
    }
    return decodeBlob(encoded, id, this.keys);
  }

  private async getPackedBlob(id: string): Promise<Buffer> {
    const buffered = this.writer?.pending.get(id);
    if (buffered) return decodeBlob(buffered, id, this.keys, `blob ${id}`);
    let at = (await this.packs()).get(id);
    if (!at) {
      // Another process may have written it since the index files were read (a backup that finished
      // meanwhile): read them again once before calling it missing.
      this.packIndex = null;
      at = (await this.packs()).get(id);
    }
    if (!at) throw backupDamaged(`blob ${id}`, 'the file is missing (no pack file holds it)');
    const path = packPath(at.pack);
    const label = `${path} (blob ${id})`;
    let encoded: Buffer;
    try {
      encoded = await readRange(this.store, path, at.offset, at.length);
    } catch (err) {
      if (isMissing(err)) throw backupDamaged(label, 'the file is missing');
      throw err;
    }
    return decodeBlob(encoded, id, this.keys, label);
  }

  async hasBlob(id: string): Promise<boolean> {
    if (!BLOB_ID_RE.test(id)) return false;
    if (!this.packed) return (await this.known()).has(id);
    return (this.writer?.has(id) ?? false) || (await this.packs()).has(id);
  }

  /**
   * Every stored blob with the file it is in and its stored size. In a packed location `size` is the
   * part of the blob its pack file actually holds (less than its length when the pack was cut short).
   */
  async *listBlobs(): AsyncGenerator<{ id: string; path: string; size: number }> {
    if (this.packed) {
      const index = await this.packs();
      for (const b of index.entries()) {
        const packSize = index.packSizes.get(b.pack) ?? b.offset + b.length;
        yield { id: b.id, path: packPath(b.pack), size: Math.max(0, Math.min(b.length, packSize - b.offset)) };
      }
      return;
    }
    for await (const obj of this.store.list('blobs/')) {
      const id = blobIdFromPath(obj.path);
      if (id) yield { id, path: obj.path, size: obj.size };
    }
  }

  /** Format 1 only: a packed location removes whole packs (prune.ts). */
  async deleteBlob(id: string): Promise<void> {
    if (this.packed) throw new Error('A packed location removes blobs by rewriting packs (prune)');
    await this.store.delete(blobPath(id));
    this.knownBlobs?.delete(id);
  }

  /** Format 2: the key material prune needs to write index files for repacked blobs. */
  newPackWriter(onDurable: (record: PackRecord) => void): PackWriter {
    return new PackWriter(this.store, this.keys, onDurable, { indexEveryPacks: Number.POSITIVE_INFINITY });
  }

  /** Format 2: write index files naming `packs` (prune's rewritten index). */
  writeIndexFiles(packs: PackRecord[]): Promise<string[]> {
    return writeIndexFiles(this.store, packs, this.keys);
  }

  /** Format 2: check one encoded blob of a pack (prune copies only blobs that read back right). */
  async checkEncoded(encoded: Buffer, id: string, file: string): Promise<void> {
    await decodeBlob(encoded, id, this.keys, file);
  }

  // ---- chunking with this location's parameters ----

  createChunker(): GearChunker {
    return new GearChunker(this.config.chunker, this.gear);
  }

  createChunkStream(): Transform {
    return createChunkStream(this.config.chunker, this.gear);
  }

  chunk(source: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
    return chunkIterable(source, this.config.chunker, this.gear);
  }

  chunkBson(docs: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<BsonChunk> {
    return chunkBsonDocuments(docs, this.config.chunker, this.gear);
  }

  // ---- snapshots ----

  private snapshotAad(id: string): Buffer {
    return Buffer.from(`snapshots/${id}`, 'ascii');
  }

  async readSnapshot(id: string): Promise<SnapshotHeader> {
    if (!SNAPSHOT_ID_RE.test(id)) throw snapshotNotFound(id);
    const path = snapshotPath(id);
    let raw: Buffer;
    try {
      raw = await this.store.get(path);
    } catch (err) {
      if (isMissing(err)) throw snapshotNotFound(id);
      throw err;
    }
    const plain = this.keys ? await openSealed(this.keys.data, raw, this.snapshotAad(id), path) : raw;
    let json: unknown;
    try {
      json = JSON.parse(plain.toString('utf8'));
    } catch (err) {
      throw backupDamaged(path, 'not valid JSON', err);
    }
    const parsed = SnapshotHeader.safeParse(json);
    if (!parsed.success) throw backupDamaged(path, zodReason(parsed.error));
    if (parsed.data.id !== id) throw backupDamaged(path, `names itself ${parsed.data.id}`);
    return parsed.data;
  }

  /**
   * Every snapshot, oldest first. By default a damaged snapshot file fails the whole listing (prune
   * relies on that); pass `onDamaged` to skip such files instead, e.g. to show the others in the UI.
   */
  async listSnapshots(options: { onDamaged?: (id: string, err: UserError) => void } = {}): Promise<SnapshotHeader[]> {
    const ids: string[] = [];
    for await (const obj of this.store.list('snapshots/')) {
      const name = obj.path.slice('snapshots/'.length);
      if (SNAPSHOT_ID_RE.test(name)) ids.push(name);
    }
    const out: SnapshotHeader[] = [];
    await forEachLimit(ids, 8, async (id) => {
      try {
        out.push(await this.readSnapshot(id));
      } catch (err) {
        if (err instanceof UserError && err.code === 'SNAPSHOT_NOT_FOUND') return; // deleted since the listing
        if (options.onDamaged && err instanceof UserError && err.code === 'BACKUP_DAMAGED') return options.onDamaged(id, err);
        throw err;
      }
    });
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Writes the snapshot file; ManifestWriter.finish calls this after every blob it names is stored. */
  async storeSnapshot(header: SnapshotHeader): Promise<void> {
    const checked = SnapshotHeader.parse(header);
    const json = Buffer.from(`${JSON.stringify(checked, null, 2)}\n`, 'utf8');
    const data = this.keys ? await seal(this.keys.data, json, this.snapshotAad(checked.id)) : json;
    await this.store.put(snapshotPath(checked.id), data);
  }

  async deleteSnapshot(id: string): Promise<void> {
    await this.store.delete(snapshotPath(id));
  }

  createManifestWriter(options: ManifestWriterOptions = {}): ManifestWriter {
    return new ManifestWriter(this, options);
  }

  /** Convenience: write every entry, then the snapshot. Blobs the entries name must already be stored. */
  async writeSnapshot(input: SnapshotInput, entries: AsyncIterable<ManifestEntry> | Iterable<ManifestEntry>): Promise<SnapshotHeader> {
    const writer = this.createManifestWriter();
    for await (const entry of entries) await writer.add(entry);
    return writer.finish(input);
  }

  readManifest(snapshot: SnapshotHeader): AsyncGenerator<ManifestEntry> {
    return readManifest(this, snapshot);
  }
}
