// Manifests stream both ways: 100k entries are written part by part and read back part by part.
import { describe, expect, it } from 'vitest';
import { Repository } from '../../../electron/core/repository/repository';
import type { R2ObjectEntry } from '../../../electron/core/repository/schemas';
import { flipBit, expectUserError, newRepo, storedAt } from './helpers';

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

/** Counts reads of blobs, so the test can see how much of the manifest was fetched. */
function countingBlobReads(repo: Repository): { reads: string[] } {
  const reads: string[] = [];
  const original = repo.getBlob.bind(repo);
  repo.getBlob = (id: string) => {
    reads.push(id);
    return original(id);
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
    // Half-way through, manifest parts were already handed to the store: the writer does not hold
    // everything. (Format 2 collects them in a pack file first, whose memory is bounded by its size.)
    if (!repo.packed) expect(blobsMidway).toBeGreaterThan(10 + 5);
    const snapshot = await writer.finish({ tags: ['scheduled'], profile: 'p', appVersion: '0.1.0', consistency: 'point-in-time' });
    expect(snapshot.stats.entries).toBe(ENTRIES);
    expect(snapshot.manifest.length).toBeGreaterThan(10);
    expect(snapshot.stats.sources).toEqual([{ kind: 'r2', name: 'pci-files', entries: ENTRIES, bytes: snapshot.stats.bytes }]);

    const reopened = await Repository.open(store);
    const { reads } = countingBlobReads(reopened);
    const manifestReads = () => reads.filter((id) => snapshot.manifest.includes(id)).length;
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
    const at = await storedAt(repo, dir, snapshot.manifest[0]);
    const part = at.rel;
    await flipBit(at.file, at.offset + 60);
    const read = async () => {
      for await (const _ of repo.readManifest(snapshot)) void _;
    };
    expect((await expectUserError(read(), 'BACKUP_DAMAGED')).message).toContain(part);
  });
});
