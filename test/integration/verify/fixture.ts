// A real backup location for the verification tests: two backups of a small PCI File Manager (MongoDB
// test double + S3 test server) made by the backup engine, and helpers to damage copies of it on disk.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Document } from 'mongodb';
import { runBackup } from '../../../electron/core/backup/backup';
import { FolderStore, Repository, type FormatVersion, type ManifestEntry, type SnapshotHeader } from '../../../electron/core/repository';
import { DB, FAST_RETRY, entriesOf, everyType, noise, putObject, startServers, tempDir, testContext, TEST_SCRYPT_N, type Servers } from '../../support/backup';

export interface Fixture {
  servers: Servers;
  dir: string;
  passphrase?: string;
  first: SnapshotHeader;
  latest: SnapshotHeader;
  entries: Map<string, ManifestEntry>;
}

export const PROFILE = 'Office';

export async function makeFixture(options: { passphrase?: string; servers?: Servers; formatVersion?: FormatVersion } = {}): Promise<Fixture> {
  const servers = options.servers ?? (await startServers());
  const db = servers.mongoClient.db(DB);
  if (!options.servers) {
    await db.collection('files').insertMany(Array.from({ length: 120 }, (_, i) => everyType(i)));
    await db.collection('files').createIndex({ storageKey: 1 }, { unique: true, sparse: true });
    await db.collection<{ _id: string } & Document>('settings').insertOne({ _id: 'general', siteName: 'PCI' });
    await putObject(servers.s3Client, 'photos/a.jpg', noise(40_000, 1), { contentType: 'image/jpeg' });
    await putObject(servers.s3Client, 'photos/b.jpg', noise(40_000, 2), { contentType: 'image/jpeg' });
    await putObject(servers.s3Client, 'docs/report.txt', Buffer.from('quarterly report line\n'.repeat(5000)), { contentType: 'text/plain' });
    await putObject(servers.s3Client, 'videos/big.bin', noise(1_600_000, 3));
  }
  const dir = await tempDir('pci-verify-');
  const store = new FolderStore(dir);
  await Repository.init(store, { passphrase: options.passphrase, testOnlyScryptN: TEST_SCRYPT_N, formatVersion: options.formatVersion });
  const repo = await Repository.open(store, { passphrase: options.passphrase });
  const backup = () => runBackup(repo, servers.sources(), testContext(), { profile: PROFILE, appVersion: 'test', retry: FAST_RETRY, tags: ['manual'] });
  const one = await backup();
  await putObject(servers.s3Client, 'photos/c.jpg', noise(30_000, 4));
  const two = await backup();
  const latest = await repo.readSnapshot(two.snapshotId);
  return { servers, dir, passphrase: options.passphrase, first: await repo.readSnapshot(one.snapshotId), latest, entries: new Map((await entriesOf(repo, latest)).map((e) => [e.path, e])) };
}

/** A private copy of the fixture's backup location, for a test to damage. */
export async function copyOf(fx: Fixture): Promise<string> {
  const dir = await tempDir('pci-verify-copy-');
  await fs.cp(fx.dir, dir, { recursive: true });
  return dir;
}

/** A blob's own file in a version 1 location (fixtures made with `formatVersion: 1`). */
export function blobFile(dir: string, id: string): string {
  return path.join(dir, 'blobs', id.slice(0, 2), id);
}

export function chunkOf(fx: Fixture, logicalPath: string, index = 0): string {
  const entry = fx.entries.get(logicalPath);
  if (!entry || !('chunks' in entry)) throw new Error(`no data entry ${logicalPath}`);
  return entry.chunks[index].id;
}
