// Manifests stream both ways: 100k entries are written part by part and read back part by part.
import { describe, expect, it } from 'vitest';
import { blobPath } from '../../../electron/core/repository/blob-codec';
import type { BlobStore } from '../../../electron/core/repository/blob-store';
import { Repository } from '../../../electron/core/repository/repository';
import type { R2ObjectEntry } from '../../../electron/core/repository/schemas';
import { flipBit, expectUserError, newRepo } from './helpers';
import path from 'node:path';

const ENTRIES = 100_000;

function r2Entry(i: number, chunk: { id: string; size: number }): R2ObjectEntry {
  const key = `uploads/${String(i % 97).padStart(2, '0')}/document-${i}.pdf`;
  return {
    kind: 'r2-object',
    path: `r2/pci-files/${key}`,
    bucket: 'pci-files',
    key,
    size: chunk.size,
    etag: `"${i.toString(16).padStart(32, '0')}"`,
    lastModified: new Date(1_700_000_000_000 + i * 1000).toISOString(),
    contentType: 'application/pdf',
    cacheControl: null,
    contentDisposition: null,
    contentEncoding: null,
    contentLanguage: null,
    userMetadata: { 'uploaded-by': `user${i % 13}` },
    chunks: [chunk],
  };
}

/** Counts reads of blob files, so the test can see how much of the manifest was fetched. */
function countingGets(store: BlobStore): { reads: string[] } {
  const reads: string[] = [];
  const original = store.get.bind(store);
  store.get = (p: string) => {
    reads.push(p);
    return original(p);
  };
  return { reads };
}

describe('manifest', () => {
  it('writes and reads 100k entries one part at a time', async () => {
    const { repo, store } = await newRepo();
    const chunks = [];
    for (let i = 0; i < 10; i++) chunks.push(await repo.putBlob(Buffer.from(`object body ${i}`)));

    const writer = repo.createManifestWriter({ partBytes: 1024 * 1024 });
    let blobsMidway = 0;
    for (let i = 0; i < ENTRIES; i++) {
      await writer.add(r2Entry(i, chunks[i % 10]));
      if (i === ENTRIES / 2) for await (const _ of repo.listBlobs()) blobsMidway += 1;
    }
    // Half-way through, manifest parts were already flushed to the store: the writer does not hold everything.
    expect(blobsMidway).toBeGreaterThan(10 + 5);
    const snapshot = await writer.finish({ tags: ['scheduled'], profile: 'p', appVersion: '0.1.0', consistency: 'point-in-time' });
    expect(snapshot.stats.entries).toBe(ENTRIES);
    expect(snapshot.manifest.length).toBeGreaterThan(10);
    expect(snapshot.stats.sources).toEqual([{ kind: 'r2', name: 'pci-files', entries: ENTRIES, bytes: snapshot.stats.bytes }]);

    const reopened = await Repository.open(store);
    const { reads } = countingGets(store);
    const manifestReads = () => reads.filter((p) => snapshot.manifest.some((id) => p === blobPath(id))).length;
    let n = 0;
    let outOfOrder = 0;
    let readsAtFirst = -1;
    for await (const entry of reopened.readManifest(snapshot)) {
      if (n === 0) readsAtFirst = manifestReads();
      if (entry.kind !== 'r2-object' || entry.key !== `uploads/${String(n % 97).padStart(2, '0')}/document-${n}.pdf`) outOfOrder += 1;
      n += 1;
    }
    expect(n).toBe(ENTRIES);
    expect(outOfOrder).toBe(0);
    // The first entry arrived after reading one part (plus the one fetched ahead), not the whole manifest.
    expect(readsAtFirst).toBeLessThanOrEqual(2);
    expect(manifestReads()).toBe(snapshot.manifest.length);

    // Stopping early reads no further than needed.
    reads.length = 0;
    for await (const _ of reopened.readManifest(snapshot)) break;
    expect(manifestReads()).toBeLessThanOrEqual(2);
  });

  it('a damaged manifest part is BACKUP_DAMAGED naming its blob file', async () => {
    const { repo, dir } = await newRepo();
    const chunk = await repo.putBlob(Buffer.from('x'));
    const snapshot = await repo.writeSnapshot(
      { tags: [], profile: 'p', appVersion: '0', consistency: 'best-effort' },
      Array.from({ length: 50 }, (_, i) => r2Entry(i, chunk)),
    );
    const part = blobPath(snapshot.manifest[0]);
    await flipBit(path.join(dir, ...part.split('/')), 60);
    const read = async () => {
      for await (const _ of repo.readManifest(snapshot)) void _;
    };
    expect((await expectUserError(read(), 'BACKUP_DAMAGED')).message).toContain(part);
  });
});
