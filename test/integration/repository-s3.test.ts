// The S3 backend of a backup location against the S3 test server on loopback (a stand-in for a
// second R2 bucket): basic operations, paging, error mapping, and a whole repository on a bucket.
import { inspect } from 'node:util';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors';
import { MissingObjectError } from '../../electron/core/repository/errors';
import { acquire } from '../../electron/core/repository/locks';
import { prune } from '../../electron/core/repository/prune';
import { Repository } from '../../electron/core/repository/repository';
import { S3Store } from '../../electron/core/repository/s3-store';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { TEST_SCRYPT_N, expectUserError, pseudoRandom, testContext } from '../unit/repository/helpers';

let server: S3TestServer;

function client(overrides: { secretAccessKey?: string; endpoint?: string } = {}): S3Client {
  // The configuration the app uses for R2: region 'auto', path-style, checksums only when required.
  return new S3Client({
    endpoint: overrides.endpoint ?? server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: overrides.secretAccessKey ?? server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

async function paths(store: S3Store, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.path);
  return out;
}

beforeAll(async () => {
  server = await startS3TestServer({ buckets: ['offsite', 'offsite-2', 'empty'] });
});

afterAll(async () => {
  await server?.close();
});

describe('S3Store', () => {
  it('puts, gets, stats, lists (with paging) and deletes under a prefix', async () => {
    const store = new S3Store({ client: client(), bucket: 'offsite', prefix: '/pci/backups/', listPageSize: 3 });
    expect(store.describe()).toBe('s3://offsite/pci/backups');
    for (let i = 0; i < 7; i++) await store.put(`blobs/0${i}/0${i}abc`, Buffer.from(`blob ${i}`));
    await store.put('config', Buffer.from('{}'));
    await new S3Store({ client: client(), bucket: 'offsite', prefix: 'other' }).put('config', Buffer.from('not ours'));

    expect((await store.get('blobs/03/03abc')).toString()).toBe('blob 3');
    expect(await store.stat('blobs/03/03abc')).toEqual({ size: 6 });
    expect(await store.stat('blobs/99/none')).toBeNull();
    expect(await store.exists('config')).toBe(true);
    const listed: Array<{ path: string; size: number }> = [];
    for await (const o of store.list('blobs/')) listed.push(o);
    expect(listed).toHaveLength(7);
    expect(listed[0]).toEqual({ path: 'blobs/00/00abc', size: 6 });
    expect(await paths(store, '')).toHaveLength(8); // the other prefix is not listed

    const chunks: Buffer[] = [];
    for await (const c of await store.getStream('config')) chunks.push(Buffer.from(c as Uint8Array));
    expect(Buffer.concat(chunks).toString()).toBe('{}');

    await store.delete('blobs/00/00abc');
    await store.delete('blobs/00/00abc'); // idempotent
    await expect(store.get('blobs/00/00abc')).rejects.toBeInstanceOf(MissingObjectError);
    expect(await paths(store, 'blobs/')).toHaveLength(6);
    expect(await store.freeSpace()).toBeNull();
  });

  it('a missing bucket is DEST_NOT_FOUND', async () => {
    const store = new S3Store({ client: client(), bucket: 'no-such-bucket' });
    await expectUserError(store.get('config'), 'DEST_NOT_FOUND');
    await expectUserError(paths(store, 'snapshots/'), 'DEST_NOT_FOUND');
    await expectUserError(store.put('config', Buffer.from('{}')), 'DEST_NOT_FOUND');
    await expectUserError(Repository.open(store), 'DEST_NOT_FOUND');
  });

  it('wrong credentials are DEST_NOT_WRITABLE, and the secret appears nowhere in the error', async () => {
    const secret = 'sentinel-secret-0123456789abcdef';
    const store = new S3Store({ client: client({ secretAccessKey: secret }), bucket: 'offsite' });
    for (const attempt of [() => store.get('config'), () => store.put('x', Buffer.from('1')), () => paths(store, '')]) {
      const err = await expectUserError(attempt(), 'DEST_NOT_WRITABLE');
      // Neither the error nor its cause chain (which a log may print) carries the keys or the signature.
      const everything = `${JSON.stringify(err.toJSON())} ${inspect(err, { depth: 10 })}`;
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(server.accessKeyId);
      expect(everything).not.toMatch(/Signature=/);
    }
  });

  it('an unreachable endpoint says so', async () => {
    const store = new S3Store({ client: client({ endpoint: 'http://127.0.0.1:1' }), bucket: 'offsite' });
    const err = await expectUserError(store.get('config'), 'DEST_NOT_FOUND');
    expect(err.message).toBe('The backup location could not be reached.');
  });
});

describe('a backup location on a bucket', () => {
  it('an empty bucket has no backups yet', async () => {
    await expectUserError(Repository.open(new S3Store({ client: client(), bucket: 'empty' })), 'REPO_NOT_FOUND');
  });

  it('sets up, backs up, reads back, locks and prunes', async () => {
    const store = new S3Store({ client: client(), bucket: 'offsite-2', prefix: 'office' });
    const repo = await Repository.init(store, { passphrase: 'pw', testOnlyScryptN: TEST_SCRYPT_N });
    await expectUserError(Repository.open(store, { passphrase: 'nope' }), 'WRONG_PASSPHRASE');

    const data = pseudoRandom(6 * 1024 * 1024, 11);
    const snapshots = [];
    for (let n = 0; n < 2; n++) {
      const writer = repo.createManifestWriter();
      const chunks = [];
      for await (const chunk of repo.chunk([data, Buffer.from(`version ${n}`)])) {
        const put = await writer.putBlob(chunk);
        chunks.push({ id: put.id, size: put.size });
      }
      const size = chunks.reduce((s, c) => s + c.size, 0);
      await writer.add({ kind: 'file', path: 'files/config/big.bin', mode: 0o644, mtime: new Date().toISOString(), size, chunks });
      snapshots.push(await writer.finish({ createdAt: new Date(Date.UTC(2025, 0, 1 + n)), tags: ['manual'], profile: 'p', appVersion: '0', consistency: 'best-effort' }));
    }
    // The second backup reused the chunks before the changed tail. (Cut points depend on the secret
    // chunker key, so which chunks exist varies per run; the first chunk always ends ≤ 4 MiB, before the tail.)
    expect(snapshots[1].stats.reusedBytes).toBeGreaterThanOrEqual(repo.config.chunker.minSize);
    expect(snapshots[1].stats.newBlobs).toBeLessThanOrEqual(3); // at most two data chunks + the manifest

    const reopened = await Repository.open(store, { passphrase: 'pw' });
    expect((await reopened.listSnapshots()).map((s) => s.id)).toEqual(snapshots.map((s) => s.id));
    for await (const entry of reopened.readManifest(snapshots[1])) {
      if (entry.kind !== 'file') throw new Error('unexpected entry');
      const parts = [];
      for (const c of entry.chunks) parts.push(await reopened.getBlob(c.id));
      expect(Buffer.concat(parts).equals(Buffer.concat([data, Buffer.from('version 1')]))).toBe(true);
    }

    const lock = await acquire(store, 'shared', { refreshIntervalMs: 0 });
    await expectUserError(prune(reopened, { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 }, { ctx: testContext(), group: { profile: 'p' } }), 'BUSY');
    await lock.release();
    const result = await prune(reopened, { keepLast: 1, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepTaggedDays: {} }, { ctx: testContext(), group: { profile: 'p' } });
    expect(result.forgetSnapshots.map((s) => s.id)).toEqual([snapshots[0].id]);
    // The old tail chunk and the old manifest: version 1 deletes their files; version 2 keeps them in
    // the first backup's pack, which the kept restore point still mostly uses.
    if (reopened.packed) expect(result.deleteBlobs).toBe(0);
    else expect(result.deleteBlobs).toBeGreaterThanOrEqual(2);
    expect((await reopened.listSnapshots()).map((s) => s.id)).toEqual([snapshots[1].id]);
    expect(await paths(store, 'locks/')).toEqual([]);
  });

  it('a server error that outlasts the retries is a UserError a person can act on', async () => {
    server.faults.failNext(1, { status: 503 });
    const store = new S3Store({ client: client(), bucket: 'offsite' });
    const err = await store.get('config').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).hint).toMatch(/Try again later/);
  });
});
