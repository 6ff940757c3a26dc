// Setting up a backup location is atomic (issue 21, item 3): the config is written create-exclusive on
// a folder (hard link, or 'wx' without hard links) and on a bucket (If-None-Match: *, against the S3
// test server), racing set-ups end with one config that every racer opens, and a backup whose config
// was replaced under it is not reported as saved.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../electron/core/backup/backup';
import { openBackupLocation } from '../../electron/core/backup/location';
import { FolderStore, MissingObjectError, nodeFolderFs, type BlobStore } from '../../electron/core/repository';
import { Repository } from '../../electron/core/repository/repository';
import { S3Store } from '../../electron/core/repository/s3-store';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { r2Client } from '../support/s3/client';
import { TEST_SCRYPT_N, expectUserError, tempDir, testContext } from '../unit/repository/helpers';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
let server: S3TestServer;
let client: S3Client;
let prefixes = 0;

beforeAll(async () => {
  server = await startS3TestServer({ buckets: ['offsite'] });
  client = r2Client(server);
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

/** Without hard links (FAT32/exFAT on Linux answer EPERM): the 'wx' fallback. */
const noLinks = { ...nodeFolderFs, link: () => Promise.reject(Object.assign(new Error('operation not permitted'), { code: 'EPERM' })) };

const kinds: [string, () => Promise<BlobStore>][] = [
  ['folder', async () => new FolderStore(await tempDir())],
  ['folder without hard links', async () => new FolderStore(await tempDir(), { fs: noLinks })],
  ['bucket prefix', async () => new S3Store({ client, bucket: 'offsite', prefix: `race-${++prefixes}` })],
];

describe.each(kinds)('create-exclusive writes on a %s', (_kind, makeStore) => {
  it('writes once, and never replaces what is there', async () => {
    const store = await makeStore();
    expect(await store.putIfAbsent!('config', Buffer.from('first'))).toBe(true);
    expect(await store.putIfAbsent!('config', Buffer.from('second'))).toBe(false);
    expect((await store.get('config')).toString()).toBe('first');
    const names: string[] = [];
    for await (const o of store.list('')) names.push(o.path);
    expect(names).toEqual(['config']); // no temp file left behind
  });

  it('lets exactly one of many racing writers win', async () => {
    const store = await makeStore();
    const won = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putIfAbsent!('config', Buffer.from(`writer ${i}`))));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect((await store.get('config')).toString()).toBe(`writer ${won.indexOf(true)}`);
  });

  it('sets a location up once when several first backups race; each opens the one config', async () => {
    const store = await makeStore();
    const racers = await Promise.all(Array.from({ length: 4 }, () => Repository.initOrOpen(store, { passphrase: 'same secret', testOnlyScryptN: TEST_SCRYPT_N })));
    expect(racers.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(racers.map((r) => r.repo.id)).size).toBe(1);
    // What any racer writes, a later reader decrypts.
    const loser = racers.find((r) => !r.created)!.repo;
    const { id } = await loser.putBlob(Buffer.from('written by the process that lost the race'));
    await loser.flush();
    const reader = await Repository.open(store, { passphrase: 'same secret' });
    expect((await reader.getBlob(id)).toString()).toBe('written by the process that lost the race');
    // Racing with another passphrase: the existing WRONG_PASSPHRASE, nothing replaced.
    await expectUserError(Repository.initOrOpen(store, { passphrase: 'other secret', testOnlyScryptN: TEST_SCRYPT_N }), 'WRONG_PASSPHRASE');
    expect((await Repository.open(store, { passphrase: 'same secret' })).id).toBe(reader.id);
  });

  it('a first backup that finds the location set up since it looked opens it (no "other files" error)', async () => {
    const store = await makeStore();
    const first = await Repository.init(store, { testOnlyScryptN: TEST_SCRYPT_N });
    // Its first look found no config: the other backup wrote it just after.
    const lateView: BlobStore = Object.create(store);
    let looks = 0;
    lateView.get = (p) => (p === 'config' && looks++ === 0 ? Promise.reject(new MissingObjectError(p)) : store.get(p));
    const { repo, created } = await openBackupLocation(lateView, { createIfEmpty: true, testOnlyScryptN: TEST_SCRYPT_N });
    expect(created).toBe(false);
    expect(repo.id).toBe(first.id);
  });
});

describe('a backup checks the config it used before it reports success', () => {
  it('fails plainly, and keeps no restore point, when the config was replaced during the backup', async () => {
    const dir = await tempDir();
    const source = await tempDir();
    await fs.writeFile(path.join(source, 'settings.json'), '{"a":1}');
    const store = new FolderStore(dir);
    const repo = await Repository.init(store, { passphrase: 'ours', testOnlyScryptN: TEST_SCRYPT_N });
    // What an older app version (no create-exclusive write) racing with this one could do.
    const other = await Repository.init(new FolderStore(await tempDir()), { passphrase: 'ours', testOnlyScryptN: TEST_SCRYPT_N });
    const replaced = await other.store.get('config');
    const hook = async (point: string) => {
      if (point === 'before-snapshot') await store.put('config', replaced);
    };
    const err = await expectUserError(runBackup(repo, { folders: [source] }, testContext(), { profile: 'Office', appVersion: '0.0.0-test', hook }), 'BACKUP_DAMAGED');
    expect(err.message).toContain('settings file of the backup location was replaced');
    expect(err.hint).toContain('Run the backup again');
    const reopened = await Repository.open(store, { passphrase: 'ours' });
    expect(await reopened.listSnapshots()).toEqual([]);
  });

  it('succeeds when the config is the one it used', async () => {
    const source = await tempDir();
    await fs.writeFile(path.join(source, 'settings.json'), '{"a":1}');
    const repo = await Repository.init(new FolderStore(await tempDir()), { passphrase: 'ours', testOnlyScryptN: TEST_SCRYPT_N });
    const result = await runBackup(repo, { folders: [source] }, testContext(), { profile: 'Office', appVersion: '0.0.0-test' });
    expect((await repo.readSnapshot(result.snapshotId)).id).toBe(result.snapshotId);
  });
});
