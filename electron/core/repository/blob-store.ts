// The storage port of a backup location: a flat namespace of immutable files addressed by
// repository paths ('blobs/ab/ab12…'). A folder and an S3 bucket prefix both implement it.
import type { Readable } from 'node:stream';

export interface StoredObject {
  path: string;
  size: number;
}

export interface BlobStore {
  readonly kind: 'folder' | 's3';
  /** Where this is, for people and logs ("/media/usb/backups", "s3://bucket/prefix"); no secrets. */
  describe(): string;
  /** The whole file. A missing file rejects with MissingObjectError. */
  get(path: string): Promise<Buffer>;
  getStream?(path: string): Promise<Readable>;
  /**
   * `length` bytes from `offset` (one blob of a pack file). Fewer when the file is shorter (a
   * truncated file: the decoder then reports the damage). A missing file rejects with MissingObjectError.
   * Stores without it are read whole.
   */
  getRange?(path: string, offset: number, length: number): Promise<Buffer>;
  /** Atomic: a reader sees either the old content, or all of the new one; durable when it resolves. */
  put(path: string, data: Buffer): Promise<void>;
  /**
   * Create-exclusive put: writes only when no file is at `path`, atomically against every other
   * writer, and resolves true when this call wrote it, false when a file was already there. Setting
   * up a location needs it (two first backups must not both write a config). Read-only views omit it.
   */
  putIfAbsent?(path: string, data: Buffer): Promise<boolean>;
  /** Create the location's root on a first backup where that is safe (folders); a bucket must exist already. */
  ensureRoot?(): Promise<void>;
  exists(path: string): Promise<boolean>;
  stat(path: string): Promise<{ size: number } | null>;
  /** Every file whose path starts with `prefix` (use a trailing '/' for a folder), in path order. */
  list(prefix: string): AsyncIterable<StoredObject>;
  /** Idempotent: deleting a missing file is not an error. */
  delete(path: string): Promise<void>;
  /**
   * Temporary files that interrupted writes left behind (never shown by `list`), with their last
   * change. Only folders have them: an object store's put is atomic and leaves nothing half-written.
   */
  listTemps?(): AsyncIterable<StoredObject & { modifiedAt: number }>;
  /** Bytes still free for this location, or null when the backend cannot tell. */
  freeSpace?(): Promise<number | null>;
}

/** A byte range of a file, with or without the store's ranged read. */
export async function readRange(store: BlobStore, path: string, offset: number, length: number): Promise<Buffer> {
  if (store.getRange) return store.getRange(path, offset, length);
  return (await store.get(path)).subarray(offset, offset + length);
}

/**
 * Repository paths are built from hex ids and fixed names, never from untrusted input; this guard
 * makes sure that stays true, so no backend ever writes outside its root.
 */
export function assertRepoPath(path: string): void {
  if (!isRepoPath(path)) throw new Error(`Invalid repository path: ${JSON.stringify(path)}`);
}

export function isRepoPath(path: string): boolean {
  if (typeof path !== 'string' || path.length === 0 || path.length > 512) return false;
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || path.includes(':')) return false;
  return path.split('/').every((seg) => seg.length > 0 && seg !== '.' && seg !== '..');
}

/** A list prefix: '' (everything), or a path that may end in '/'. */
export function assertRepoPrefix(prefix: string): void {
  if (prefix === '') return;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertRepoPath(trimmed);
}

/** Run `fn` over `items` with at most `limit` in flight (stores are I/O bound; a little parallelism helps a lot). */
export async function forEachLimit<T>(items: Iterable<T> | AsyncIterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { err: unknown } | null = null;
  for await (const item of items) {
    if (failure) break;
    const p: Promise<void> = fn(item).then(
      () => {
        running.delete(p);
      },
      (err: unknown) => {
        running.delete(p);
        failure ??= { err };
      },
    );
    running.add(p);
    if (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) throw (failure as { err: unknown }).err;
}
