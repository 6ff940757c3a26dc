// "Test connection" against real servers on 127.0.0.1 (MongoDB wire test double, S3 gateway), closed
// ports, unresolvable names and real folders: every failure here is the real one, nothing is mocked.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMongoTestServer, type MongoTestServer } from '../support/mongo-wire';
import { startS3TestServer, type S3TestServer } from '../support/s3';
import { checkMongo } from '../../electron/core/connections/mongo-checks';
import { checkBucket } from '../../electron/core/connections/r2-checks';
import { checkDestination } from '../../electron/core/connections/destination';
import type { CheckReport } from '../../shared/api/profiles';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const BUCKET = 'pci-files';
let mongo: MongoTestServer;
let secured: MongoTestServer;
let s3: S3TestServer;
let closedPort: number;
let silent: net.Server;
let silentPort: number;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-checks-'));

async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

beforeAll(async () => {
  [mongo, secured, s3] = await Promise.all([
    startMongoTestServer(),
    startMongoTestServer({ auth: { username: 'pci', password: 'right-password' } }),
    startS3TestServer({ buckets: [BUCKET, 'pci-backups'] }),
  ]);
  const client = new MongoClient(mongo.uri);
  await client.db('pcifiles').collection('files').insertMany([{ key: 'a/1.pdf', size: 3 }, { key: 'a/2.pdf', size: 4 }]);
  await client.close();
  closedPort = await freePort();
  // Accepts connections and never answers: what a firewall that swallows packets looks like to a client.
  silent = net.createServer(() => undefined).listen(0, '127.0.0.1');
  await new Promise((r) => silent.once('listening', r));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterEach(() => s3.faults.clear());
afterAll(async () => {
  silent.close();
  await Promise.all([mongo?.close(), secured?.close(), s3?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function failing(r: CheckReport) {
  const f = r.checks.find((c) => c.status === 'fail');
  expect(f, JSON.stringify(r.checks, null, 1)).toBeDefined();
  return f!;
}

describe('MongoDB checks', () => {
  it('pass on a reachable server, with the database facts', async () => {
    const r = await checkMongo({ uri: mongo.uri + 'pcifiles' });
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([['mongo.uri', 'pass'], ['mongo.reachable', 'pass'], ['mongo.auth', 'pass'], ['mongo.database', 'pass'], ['mongo.read', 'pass'], ['mongo.privileges', 'pass']]);
    expect(r.checks.at(-1)?.message).toBe('This server does not check users: everything is allowed (back up, restore, test-restore, pre-update checks).');
    expect(r.ok).toBe(true);
    expect(r.mongo).toMatchObject({ version: '7.0.0', database: 'pcifiles', collections: 1, documents: 2 });
  });

  it('malformed connection string', async () => {
    const f = failing(await checkMongo({ uri: 'mongo://localhost/pci' }));
    expect(f).toMatchObject({ id: 'mongo.uri', code: 'MONGO_BAD_URI' });
    expect(f.message).toContain('not a valid MongoDB connection string');
    const g = failing(await checkMongo({ uri: 'mongodb://pci:p@ss@localhost/pci' }));
    expect(g).toMatchObject({ id: 'mongo.uri', code: 'MONGO_BAD_URI' });
    expect(g.hint).toContain('%40');
  });

  it('DNS failure names the server that cannot be found', async () => {
    const f = failing(await checkMongo({ uri: 'mongodb://db.pci-test.invalid:27017/pci' }));
    expect(f).toMatchObject({ id: 'mongo.reachable', code: 'MONGO_UNREACHABLE' });
    expect(f.message).toBe('The server name in the connection string (db.pci-test.invalid:27017) cannot be found.');
  });

  it('connection refused on a closed port', async () => {
    const f = failing(await checkMongo({ uri: `mongodb://127.0.0.1:${closedPort}/pci` }));
    expect(f).toMatchObject({ id: 'mongo.reachable', code: 'MONGO_UNREACHABLE' });
    expect(f.message).toContain('MongoDB is not running there, or the port is wrong');
  });

  it('timeout when the server never answers', async () => {
    const f = failing(await checkMongo({ uri: `mongodb://127.0.0.1:${silentPort}/pci` }, { timeoutMs: 600 }));
    expect(f).toMatchObject({ id: 'mongo.reachable', code: 'MONGO_UNREACHABLE' });
    expect(f.message).toContain('did not answer in time');
  });

  it('wrong password: reachable, but not signed in (code 18)', async () => {
    const uri = secured.uri.replace('mongodb://', 'mongodb://pci:wrong-password@') + 'pcifiles';
    const r = await checkMongo({ uri });
    expect(r.checks.find((c) => c.id === 'mongo.reachable')?.status).toBe('pass');
    const f = failing(r);
    expect(f).toMatchObject({ id: 'mongo.auth', code: 'MONGO_AUTH_FAILED' });
    expect(f.message).toBe('MongoDB did not accept the user name or password in the connection string. It has no authSource option, so MongoDB looked for the user "pci" in the database "pcifiles" (the name after the server), but users are usually created in the database "admin".');
    expect(f.hint).toBe('Add ?authSource=admin to the end of the connection string and test again. If it still fails, check the user name and password.');
    expect(JSON.stringify(r)).not.toContain('wrong-password');
  });

  it('the right password signs in', async () => {
    const r = await checkMongo({ uri: secured.uri.replace('mongodb://', 'mongodb://pci:right-password@') + 'admin' });
    expect(r.checks.find((c) => c.id === 'mongo.auth')).toMatchObject({ status: 'pass', message: 'Signed in as "pci".' });
  });

  it('a database that does not exist', async () => {
    const f = failing(await checkMongo({ uri: mongo.uri, database: 'pcifile' }));
    expect(f).toMatchObject({ id: 'mongo.database', code: 'MONGO_DB_NOT_FOUND' });
    expect(f.message).toBe('There is no database named "pcifile" on this server.');
    expect(f.hint).toContain('pcifiles');
  });
});

describe('R2 checks', () => {
  const good = () => ({ endpoint: s3.endpoint, bucket: BUCKET, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });

  it('pass, and the probe object is gone afterwards', async () => {
    const r = await checkBucket(good());
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([
      ['r2.reachable', 'pass'], ['r2.credentials', 'pass'], ['r2.bucket', 'pass'], ['r2.list', 'pass'], ['r2.write', 'pass'], ['r2.read', 'pass'], ['r2.delete', 'pass'],
    ]);
    expect(s3.stats.byOperation.DeleteObject).toBeGreaterThan(0);
  });

  it('DNS failure', async () => {
    const f = failing(await checkBucket({ ...good(), endpoint: 'https://acct.r2.pci-test.invalid' }));
    expect(f).toMatchObject({ id: 'r2.reachable', code: 'R2_UNREACHABLE' });
    expect(f.message).toBe('The storage address (acct.r2.pci-test.invalid) cannot be found.');
  });

  it('connection refused', async () => {
    const f = failing(await checkBucket({ ...good(), endpoint: `http://127.0.0.1:${closedPort}` }));
    expect(f).toMatchObject({ id: 'r2.reachable', code: 'R2_UNREACHABLE' });
    expect(f.message).toBe(`Nothing answers at 127.0.0.1:${closedPort}.`);
  });

  it('timeout', async () => {
    s3.faults.delay(3000, { times: 4 });
    const f = failing(await checkBucket(good(), { timeoutMs: 400 }));
    expect(f).toMatchObject({ id: 'r2.credentials', code: 'R2_UNREACHABLE' });
    expect(f.message).toContain('did not answer in time');
  });

  it('unknown access key (InvalidAccessKeyId)', async () => {
    const f = failing(await checkBucket({ ...good(), accessKeyId: 'AKIAWRONGWRONGWRONG1' }));
    expect(f).toMatchObject({ id: 'r2.credentials', code: 'R2_AUTH_FAILED', message: 'The storage service does not know this Access Key ID.' });
  });

  it('wrong secret key (SignatureDoesNotMatch)', async () => {
    const f = failing(await checkBucket({ ...good(), secretAccessKey: 'not-the-secret-key-at-all' }));
    expect(f).toMatchObject({ id: 'r2.credentials', code: 'R2_AUTH_FAILED', message: 'The Secret Access Key does not belong to this Access Key ID.' });
  });

  it('missing bucket: keys pass, bucket fails', async () => {
    const r = await checkBucket({ ...good(), bucket: 'pci-filez' });
    expect(r.checks.find((c) => c.id === 'r2.credentials')?.status).toBe('pass');
    expect(failing(r)).toMatchObject({ id: 'r2.bucket', code: 'R2_BUCKET_NOT_FOUND', message: 'There is no R2 bucket named "pci-filez" at this address.' });
  });

  it('access denied on the bucket, and a read-only key only warns', async () => {
    s3.faults.failNext(1, { status: 403, match: { op: 'ListObjectsV2' } });
    expect(failing(await checkBucket(good()))).toMatchObject({ id: 'r2.bucket', code: 'R2_ACCESS_DENIED', message: `The access key is not allowed to use the R2 bucket "${BUCKET}".` });
    s3.faults.clear();
    s3.faults.failNext(2, { status: 403, match: { op: 'PutObject' } });
    const r = await checkBucket(good());
    expect(r.ok).toBe(true);
    expect(r.checks.at(-1)).toMatchObject({ id: 'r2.write', status: 'warn', code: 'R2_ACCESS_DENIED' });
  });

  it('clock skew (RequestTimeTooSkewed) is explained', async () => {
    s3.faults.clockSkew(40 * 60);
    const r = await checkBucket(good());
    const clock = r.checks.find((c) => c.id === 'r2.clock');
    expect(clock).toMatchObject({ status: 'warn', code: 'R2_CLOCK_SKEW' });
    expect(clock!.message).toContain('The clock of this computer is off by about 40 minutes');
    expect(clock!.hint).toContain('Set the clock to update automatically');
  });
});

describe('backup location checks', () => {
  it('a writable folder passes, with its free space', async () => {
    const r = await checkDestination({ destination: { kind: 'folder', path: tmp } });
    expect(r.checks.map((c) => [c.id, c.status])).toEqual([['dest.exists', 'pass'], ['dest.writable', 'pass'], ['dest.space', 'pass']]);
    expect(r.destination?.freeBytes).toBeGreaterThan(0);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('a folder on a missing drive', async () => {
    // A missing top-level folder is where a drive would be mounted (repository/folder-root.ts).
    const f = failing(await checkDestination({ destination: { kind: 'folder', path: `/pci-no-drive-${path.basename(tmp)}/backups` } }));
    expect(f).toMatchObject({ id: 'dest.exists', code: 'DEST_NOT_FOUND' });
  });

  it('an unwritable folder', async () => {
    // root ignores file modes, so as root use sysfs, which refuses new files to everyone.
    let dir = '/sys/kernel';
    if (process.getuid?.() !== 0) {
      dir = fs.mkdtempSync(path.join(tmp, 'ro-'));
      fs.chmodSync(dir, 0o500);
    }
    const f = failing(await checkDestination({ destination: { kind: 'folder', path: dir } }));
    expect(f).toMatchObject({ id: 'dest.writable', code: 'DEST_NOT_WRITABLE', message: `PCI Maintenance may not write to the folder ${dir}.` });
  });

  it('a drive without room for the next backup', async () => {
    const free = (await fs.promises.statfs(tmp)).bavail * (await fs.promises.statfs(tmp)).bsize;
    const f = failing(await checkDestination({ destination: { kind: 'folder', path: tmp }, requiredBytes: free * 2 + 1e9 }));
    expect(f).toMatchObject({ id: 'dest.space', code: 'DEST_FULL' });
    expect(f.message).toContain('The backup drive is full');
    expect(f.hint).toMatch(/^Free .* or choose another drive\.$/);
  });

  // A really full disk: a 64 KiB tmpfs, filled up. Mounting needs root (CI and this machine have it).
  const small = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-small-disk-'));
  const mounted = process.platform === 'linux' && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [small]);
    fs.rmSync(small, { recursive: true, force: true });
  });
  it.skipIf(!mounted)('a drive with no room left at all (ENOSPC)', async () => {
    const filler = fs.openSync(path.join(small, 'filler'), 'w');
    try {
      for (;;) fs.writeSync(filler, Buffer.alloc(4096, 1));
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(filler);
    }
    const f = failing(await checkDestination({ destination: { kind: 'folder', path: small } }));
    expect(f).toMatchObject({ id: 'dest.writable', code: 'DEST_FULL', message: `The backup drive is full: not even a small test file fits in ${small}.` });
  });

  it('a backup bucket that does not exist', async () => {
    const destination = { kind: 's3' as const, endpoint: s3.endpoint, bucket: 'pci-backupz', prefix: 'office', accessKeyId: s3.accessKeyId, region: 'auto', forcePathStyle: true };
    const f = failing(await checkDestination({ destination, secretAccessKey: s3.secretAccessKey }));
    expect(f).toMatchObject({ id: 'dest.bucket', code: 'R2_BUCKET_NOT_FOUND', message: 'There is no backup bucket named "pci-backupz" at this address.' });
    const ok = await checkDestination({ destination: { ...destination, bucket: 'pci-backups' }, secretAccessKey: s3.secretAccessKey });
    expect(ok.ok).toBe(true);
  });
});
