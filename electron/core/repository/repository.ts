// A backup location opened for use: its config and keys, content-addressed blobs with dedup, and
// snapshot files. Formats are in docs/backup-format.md; the manifest lives in manifest.ts.
import { randomBytes } from 'node:crypto';
import { UserError } from '../../../shared/errors';
import type { BlobStore } from './blob-store';
import { forEachLimit } from './blob-store';
import { BLOB_ID_RE, blobPath, computeBlobId, decodeBlob, encodeBlobWithId } from './blob-codec';
import { chunkBsonDocuments, type BsonChunk } from './bson-chunker';
import { DEFAULT_CHUNKER, GearChunker, PUBLIC_GEAR_KEY, chunkIterable, chunkerMask, createChunkStream, gearTable } from './chunker';
import { MAX_READ_SCRYPT_N, MIN_READ_SCRYPT_N, PRODUCTION_SCRYPT_N, createEncryption, open as openSealed, seal, unlockEncryption, type RepoKeys } from './crypto';
import { backupDamaged, isMissing, passphraseRequired, repoNotFound, repoUnsupportedVersion, snapshotNotFound } from './errors';
import { ManifestWriter, readManifest, type ManifestWriterOptions, type SnapshotInput } from './manifest';
import { FORMAT_NAME, FORMAT_VERSION, RepoConfig, SnapshotHeader, zodReason, type ManifestEntry } from './schemas';
import type { Transform } from 'node:stream';

export const CONFIG_PATH = 'config';
const SNAPSHOT_ID_RE = /^[0-9a-f]{32}$/;

export interface InitOptions {
  /** Encrypt the backup location with this passphrase (it cannot be recovered if lost). */
  passphrase?: string;
  /** Tests only: a cheaper scrypt cost (≥ 2^10). Production code never passes this; see the format doc §2.1. */
  testOnlyScryptN?: number;
  now?: Date;
}

export interface OpenOptions {
  passphrase?: string;
}

export interface PutBlobResult {
  id: string;
  /** Plaintext bytes. */
  size: number;
  /** false when the blob was already there (deduplicated) and nothing was written. */
  stored: boolean;
  /** Bytes written to the store (compressed, encrypted); 0 when not stored. */
  storedBytes: number;
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

  static async init(store: BlobStore, options: InitOptions = {}): Promise<Repository> {
    if (await store.exists(CONFIG_PATH)) {
      throw new UserError({
        code: 'INVALID_INPUT',
        title: 'Backups already here',
        message: 'This location already holds backups.',
        hint: 'Choose it as an existing backup location, or pick an empty folder for a new one.',
        details: `config exists in ${store.describe()}`,
      });
    }
    const id = randomBytes(16).toString('hex');
    let encryption: RepoConfig['encryption'] = null;
    let keys: RepoKeys | null = null;
    if (options.passphrase !== undefined) {
      if (options.passphrase.length === 0) {
        throw new UserError({ code: 'INVALID_INPUT', title: 'Passphrase needed', message: 'The passphrase cannot be empty.', hint: 'Type a passphrase, or turn encryption off.' });
      }
      const N = options.testOnlyScryptN ?? PRODUCTION_SCRYPT_N;
      if (N < MIN_READ_SCRYPT_N || N > MAX_READ_SCRYPT_N || (N & (N - 1)) !== 0) throw new Error(`Unsupported scrypt N: ${N}`);
      const created = await createEncryption(options.passphrase, id, N);
      encryption = created.config;
      keys = created.keys;
    }
    const config: RepoConfig = {
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      id,
      createdAt: (options.now ?? new Date()).toISOString(),
      compression: 'gzip',
      chunker: DEFAULT_CHUNKER,
      encryption,
    };
    await store.put(CONFIG_PATH, Buffer.from(`${JSON.stringify(config, null, 2)}\n`, 'utf8'));
    const repo = new Repository(store, config, keys);
    repo.knownBlobs = new Set(); // a new location has no blobs: no need to list
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
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw backupDamaged(CONFIG_PATH, 'not valid JSON', err);
    }
    // Check the version before the shape: a newer format may differ everywhere else.
    const version = json && typeof json === 'object' ? (json as { version?: unknown }).version : undefined;
    if (typeof version === 'number' && version !== FORMAT_VERSION) throw repoUnsupportedVersion(version);
    const parsed = RepoConfig.safeParse(json);
    if (!parsed.success) throw backupDamaged(CONFIG_PATH, zodReason(parsed.error));
    const config = parsed.data;
    try {
      chunkerMask(config.chunker);
    } catch (err) {
      throw backupDamaged(CONFIG_PATH, 'chunker parameters are not usable', err);
    }
    let keys: RepoKeys | null = null;
    if (config.encryption) {
      if (options.passphrase === undefined || options.passphrase === '') throw passphraseRequired();
      keys = await unlockEncryption(config.encryption, options.passphrase, config.id);
    }
    return new Repository(store, config, keys);
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

  /** Forget the cached blob list (after another process may have changed the location, e.g. prune). */
  invalidateBlobCache(): void {
    this.knownBlobs = null;
  }

  async putBlob(data: Buffer): Promise<PutBlobResult> {
    const id = await computeBlobId(data, this.keys);
    const known = await this.known();
    const skipped: PutBlobResult = { id, size: data.length, stored: false, storedBytes: 0 };
    if (known.has(id)) return skipped;
    const running = this.inflight.get(id);
    if (running) {
      await running; // the same data is being written right now
      return skipped;
    }
    const write = (async (): Promise<PutBlobResult> => {
      const { encoded } = await encodeBlobWithId(data, id, this.keys);
      await this.store.put(blobPath(id), encoded);
      known.add(id);
      return { id, size: data.length, stored: true, storedBytes: encoded.length };
    })();
    this.inflight.set(id, write);
    try {
      return await write;
    } finally {
      this.inflight.delete(id);
    }
  }

  /** The plaintext of a blob, verified against its id. Missing or damaged → BACKUP_DAMAGED naming the file. */
  async getBlob(id: string): Promise<Buffer> {
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

  async hasBlob(id: string): Promise<boolean> {
    return BLOB_ID_RE.test(id) && (await this.known()).has(id);
  }

  async *listBlobs(): AsyncGenerator<{ id: string; path: string; size: number }> {
    for await (const obj of this.store.list('blobs/')) {
      const id = blobIdFromPath(obj.path);
      if (id) yield { id, path: obj.path, size: obj.size };
    }
  }

  async deleteBlob(id: string): Promise<void> {
    await this.store.delete(blobPath(id));
    this.knownBlobs?.delete(id);
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
