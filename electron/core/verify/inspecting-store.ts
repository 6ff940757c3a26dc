// A read-only view of a backup location that remembers the size and first byte of each blob file it
// hands out, so a verification can tell a truncated file ("wrong size") from changed content
// ("hash mismatch") without decoding the file a second time. Writes are refused: verify never writes.
import type { Readable } from 'node:stream';
import type { BlobStore, StoredObject } from '../repository';
import type { StoredShape } from './problems';

export class InspectingStore implements BlobStore {
  readonly kind: BlobStore['kind'];
  private readonly shapes = new Map<string, StoredShape>();

  constructor(private readonly inner: BlobStore) {
    this.kind = inner.kind;
  }

  describe(): string {
    return this.inner.describe();
  }

  async get(path: string): Promise<Buffer> {
    const data = await this.inner.get(path);
    if (path.startsWith('blobs/')) this.shapes.set(path, { length: data.length, flag: data.length > 0 ? data[0] : -1 });
    return data;
  }

  /** A blob of a pack file: remembered as `<pack path>#<offset>` (see Repository.blobReadKey). */
  async getRange(path: string, offset: number, length: number): Promise<Buffer> {
    const data = this.inner.getRange ? await this.inner.getRange(path, offset, length) : (await this.inner.get(path)).subarray(offset, offset + length);
    this.shapes.set(`${path}#${offset}`, { length: data.length, flag: data.length > 0 ? data[0] : -1 });
    return data;
  }

  /** What the last read of `path` saw; forgotten once taken, so memory stays bounded. */
  take(path: string): StoredShape | undefined {
    const shape = this.shapes.get(path);
    this.shapes.delete(path);
    return shape;
  }

  getStream(path: string): Promise<Readable> {
    if (!this.inner.getStream) throw new Error('getStream is not supported by this store');
    return this.inner.getStream(path);
  }

  put(path: string): Promise<void> {
    return Promise.reject(new Error(`Verification never writes (${path})`));
  }

  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }

  stat(path: string): Promise<{ size: number } | null> {
    return this.inner.stat(path);
  }

  list(prefix: string): AsyncIterable<StoredObject> {
    return this.inner.list(prefix);
  }

  delete(path: string): Promise<void> {
    return Promise.reject(new Error(`Verification never deletes (${path})`));
  }
}
