// The second backup after a small change writes only the changed data and downloads only the changed
// objects (DESIGN §5.1, §5.6): asserted on the snapshot's stats, the blob files and the S3 gateway's
// own count of GET requests.
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupResult } from '../../electron/core/backup/backup';
import type { ManifestEntry, R2ObjectEntry, Repository } from '../../electron/core/repository';
import { BUCKET, DB, FAST_RETRY, byPath, contentOf, entriesOf, newRepo, noise, putObject, rawCollection, removeTempDirs, startServers, testContext, type Servers } from '../support/backup';

let servers: Servers;
let repo: Repository;

let first: BackupResult;
let second: BackupResult;
let blobsBefore: Set<string>;
const changed = ['objects/0013.bin', 'objects/0150.bin'];
const added = 'objects/new.bin';
const removed = 'objects/0077.bin';
const retagged = 'objects/0042.bin';
let changedBytes = 0;
let changedCollectionBytes = 0;
let gets: string[] = [];
let heads = 0;

/** The blobs in the location (their own files in format 1, inside pack files in format 2). */
async function blobFiles(): Promise<Set<string>> {
  const out = new Set<string>();
  repo.invalidateBlobCache();
  for await (const o of repo.listBlobs()) out.add(o.id);
  return out;
}

beforeAll(async () => {
  servers = await startServers();
  const db = servers.mongoClient.db(DB);
  for (const name of ['files', 'users', 'activity']) {
    await db.collection<{ _id: number }>(name).insertMany(Array.from({ length: 1500 }, (_, i) => ({ _id: i, name, text: noise(300, i + name.length).toString('base64') })));
  }
  // 200 objects of mixed sizes (a few spanning several chunks).
  for (let i = 0; i < 200; i++) {
    const size = i % 50 === 0 ? 1_500_000 + i : 2000 + ((i * 7919) % 40_000);
    await putObject(servers.s3Client, `objects/${String(i).padStart(4, '0')}.bin`, noise(size, i + 1), { contentType: 'application/octet-stream', metadata: { n: String(i) } });
  }
  ({ repo } = await newRepo());
  first = await runBackup(repo, servers.sources(), testContext(), { profile: 'Office', appVersion: '0', retry: FAST_RETRY });
  blobsBefore = await blobFiles();

  // The change: 1 % of the objects rewritten, one added, one deleted, one with new metadata only,
  // and a few documents of one collection updated.
  for (const [n, key] of changed.entries()) {
    const body = noise(30_000 + n, 1000 + n);
    changedBytes += body.length;
    await putObject(servers.s3Client, key, body, { contentType: 'application/octet-stream' });
  }
  const addedBody = noise(12_345, 4242);
  changedBytes += addedBody.length;
  await putObject(servers.s3Client, added, addedBody, { contentType: 'text/plain' });
  await servers.s3Client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: removed }));
  // Same bytes (so the same size and ETag), new metadata. (A copy onto itself would do the same on S3,
  // but s3rver keeps the old last-modified time then, which S3 does not.)
  await putObject(servers.s3Client, retagged, noise(2000 + ((42 * 7919) % 40_000), 43), { contentType: 'application/x-retagged', metadata: { n: 'retagged' } });
  await db.collection<{ _id: number }>('users').updateMany({ _id: { $in: [10, 700, 1400] } }, { $set: { text: 'changed' } });
  changedCollectionBytes = (await rawCollection(servers.mongoClient, 'users')).length;

  servers.s3.stats.reset();
  second = await runBackup(repo, servers.sources(), testContext(), { profile: 'Office', appVersion: '0', retry: FAST_RETRY, r2MetadataRecheckMarginMs: 0 });
  gets = [...servers.s3.stats.getObjectKeys].sort();
  heads = servers.s3.stats.byOperation.HeadObject ?? 0;
});

afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

describe('incremental backup', () => {
  it('downloads only the changed and new objects', () => {
    expect(gets).toEqual([...changed, added].sort());
    // Objects written in the second the first backup started, and the one with new metadata, are
    // asked for (HEAD) in case their metadata changed unseen; none of them is downloaded.
    expect(heads).toBeGreaterThanOrEqual(1);
    expect(heads).toBeLessThan(200);
    const r2 = second.sources.find((s) => s.kind === 'r2')!;
    expect(r2).toMatchObject({ downloaded: 3, reused: 197, entries: 200 });
  });

  it('writes only the changed data', async () => {
    expect(second.parent).toBe(first.snapshotId);
    // New plaintext: the changed objects, the changed collection (small: all of its chunks), and
    // its metadata.json is unchanged, so nothing else but the manifest.
    expect(second.stats.newBytes).toBeLessThanOrEqual(changedBytes + changedCollectionBytes);
    expect(second.stats.newBytes).toBeGreaterThanOrEqual(changedBytes);
    expect(second.stats.newBytes).toBeLessThan(first.stats.bytes * 0.1);
    const newFiles = [...(await blobFiles())].filter((p) => !blobsBefore.has(p));
    // changed objects (1 chunk each) + the users collection's chunk(s) + manifest part(s)
    expect(newFiles.length).toBeLessThanOrEqual(changed.length + 1 + 2 + 2);
    expect(second.stats.storedBytes).toBeLessThan(first.stats.storedBytes * 0.1);
  });

  it('records the new state of the bucket and the database', async () => {
    const before = byPath(await entriesOf(repo, first.snapshotId));
    const after = byPath(await entriesOf(repo, second.snapshotId));
    expect(after.has(`r2/${BUCKET}/${removed}`)).toBe(false);
    expect(after.has(`r2/${BUCKET}/${added}`)).toBe(true);
    const retaggedEntry = after.get(`r2/${BUCKET}/${retagged}`) as R2ObjectEntry;
    expect(retaggedEntry).toMatchObject({ contentType: 'application/x-retagged', userMetadata: { n: 'retagged' } });
    expect(retaggedEntry.chunks).toEqual((before.get(`r2/${BUCKET}/${retagged}`) as R2ObjectEntry).chunks);
    // Unchanged collections point at the very same blobs; the changed one holds the new bytes.
    const chunks = (m: Map<string, ManifestEntry>, c: string) => (m.get(`mongo/${DB}/${c}.bson`) as { chunks: unknown[] }).chunks;
    expect(chunks(after, 'files')).toEqual(chunks(before, 'files'));
    expect(chunks(after, 'activity')).toEqual(chunks(before, 'activity'));
    expect((await contentOf(repo, after.get(`mongo/${DB}/users.bson`)!)).equals(await rawCollection(servers.mongoClient, 'users'))).toBe(true);
    for (const key of [...changed, added]) {
      const entry = after.get(`r2/${BUCKET}/${key}`)!;
      expect((await contentOf(repo, entry)).length).toBe((entry as R2ObjectEntry).size);
    }
  });
});
