// A full backup read back from the backup location: every BSON byte, every object byte with its
// metadata, every configuration file with its mode, and names that are hostile as paths.
import fs from 'node:fs/promises';
import path from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BSON, EJSON, type Document } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, type BackupResult } from '../../electron/core/backup/backup';
import { Repository, S3Store, type ManifestEntry, type R2ObjectEntry } from '../../electron/core/repository';
import { BUCKET, DB, FAST_RETRY, TEST_SCRYPT_N, byPath, contentOf, entriesOf, everyType, newRepo, noise, putObject, rawCollection, removeTempDirs, startServers, tempDir, testContext, type Servers } from '../support/backup';

let servers: Servers;
let repo: Repository;
let configDir: string;
let result: BackupResult;
let entries: Map<string, ManifestEntry>;
const objects = new Map<string, { body: Buffer; contentType?: string; metadata?: Record<string, string> }>();

const HOSTILE_KEYS = ['../x', '/abs', 'a\\b', 'a//b', 'ünïcødé/東京 report.txt', 'with space+plus%20.txt', 'C:\\Windows\\win.ini', `${'long-segment-'.repeat(15)}/`.repeat(5) + 'end'];

beforeAll(async () => {
  servers = await startServers({ replSetName: 'rs0', buckets: [BUCKET, 'offsite'] });
  const db = servers.mongoClient.db(DB);
  await db.collection('files').insertMany(Array.from({ length: 300 }, (_, i) => everyType(i)));
  await db.collection<{ _id: number }>('activity').insertMany(Array.from({ length: 6000 }, (_, i) => ({ _id: i, at: new Date(Date.UTC(2024, 0, 1) + i * 60_000), text: noise(250, i + 1).toString('hex') })));
  await db.collection('files').createIndex({ key: 1 }, { unique: true, partialFilterExpression: { deleted: false } });
  await db.collection('Users').insertOne({ _id: 'upper', name: 'Upper' } as Document);
  await db.collection('users').insertOne({ _id: 'lower', name: 'lower' } as Document);
  await db.collection('up/../evil').insertOne({ _id: 1 } as Document);
  await db.createCollection('empty');
  await db.createCollection('capped', { capped: true, size: 65536 });
  await db.createCollection('live_files', { viewOn: 'files', pipeline: [{ $match: { yes: true } }] });

  const add = async (key: string, body: Buffer, contentType?: string, metadata?: Record<string, string>) => {
    await putObject(servers.s3Client, key, body, { contentType, metadata });
    objects.set(key, { body, contentType, metadata });
  };
  await add('2024/03/report.pdf', Buffer.from('%PDF-1.7\n' + 'report '.repeat(2000)), 'application/pdf', { 'uploaded-by': 'anna', 'x-note': 'Grüße' });
  await add('empty.txt', Buffer.alloc(0), 'text/plain');
  await add('photos/dup-1.jpg', noise(300_000, 7), 'image/jpeg');
  await add('photos/dup-2.jpg', noise(300_000, 7), 'image/jpeg'); // same bytes: stored once
  for (const [i, key] of HOSTILE_KEYS.entries()) await add(key, Buffer.from(`content of hostile key ${i}`), 'application/octet-stream');
  // ≥ 12 MiB through a multipart upload: several chunks, and an ETag that is not an MD5.
  const big = noise(12 * 1024 * 1024 + 12345, 99);
  await new Upload({ client: servers.s3Client, params: { Bucket: BUCKET, Key: 'videos/site walkthrough.mp4', Body: big, ContentType: 'video/mp4', Metadata: { owner: 'ben' } }, partSize: 5 * 1024 * 1024, queueSize: 2 }).done();
  objects.set('videos/site walkthrough.mp4', { body: big, contentType: 'video/mp4', metadata: { owner: 'ben' } });

  configDir = path.join(await tempDir(), 'config');
  await fs.mkdir(path.join(configDir, 'settings'), { recursive: true });
  await fs.mkdir(path.join(configDir, 'empty dir'));
  await fs.writeFile(path.join(configDir, 'settings', 'app.json'), '{"port": 8080}\n', { mode: 0o640 });
  await fs.writeFile(path.join(configDir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  await fs.writeFile(path.join(configDir, 'secret.key'), 'not really', { mode: 0o600 });
  await fs.writeFile(path.join(configDir, 'a\\b ñ.txt'), 'odd name');
  await fs.writeFile(path.join(configDir, 'large.log'), noise(2 * 1024 * 1024, 3));
  await fs.symlink('settings/app.json', path.join(configDir, 'current'));
  await fs.symlink('/nonexistent/elsewhere', path.join(configDir, 'dangling'));
  await fs.utimes(path.join(configDir, 'secret.key'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));

  ({ repo } = await newRepo());
  result = await runBackup(repo, servers.sources([configDir]), testContext(), { profile: 'Office', tags: ['manual'], appVersion: '0.0.0-test', retry: FAST_RETRY, listPageSize: 5 });
  entries = byPath(await entriesOf(repo, result.snapshotId));
});

afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

describe('backup round trip', () => {
  it('writes one restore point, read at one point in time, with per-source stats', async () => {
    const snapshots = await repo.listSnapshots();
    expect(snapshots.map((s) => s.id)).toEqual([result.snapshotId]);
    expect(result.consistency).toBe('point-in-time');
    expect(result.tags).toEqual(['manual']);
    expect(result.parent).toBeNull();
    const kinds = result.stats.sources.map((s) => `${s.kind}:${s.name}`);
    expect(kinds).toEqual([`mongo:${DB}`, `r2:${BUCKET}`, 'files:config']);
    expect(result.stats.sources[1].entries).toBe(objects.size);
    // The two identical photos are stored once.
    expect(result.stats.reusedBytes).toBeGreaterThanOrEqual(300_000);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps every collection byte for byte, including every BSON type', async () => {
    for (const coll of ['files', 'activity', 'Users', 'users', 'up/../evil', 'empty', 'capped']) {
      const entry = entries.get(`mongo/${DB}/${coll}.bson`);
      expect(entry, coll).toBeDefined();
      expect((await contentOf(repo, entry!)).equals(await rawCollection(servers.mongoClient, coll)), coll).toBe(true);
    }
    const activity = entries.get(`mongo/${DB}/activity.bson`) as Extract<ManifestEntry, { kind: 'mongo-collection' }>;
    expect(activity.docs).toBe(6000);
    expect(activity.chunks.length).toBeGreaterThan(1);
    // Decoding without promotion shows the types survived (not just equal bytes of the same thing).
    const bytes = await contentOf(repo, entries.get(`mongo/${DB}/files.bson`)!);
    const first = BSON.deserialize(bytes.subarray(0, bytes.readInt32LE(0)), { promoteValues: false, bsonRegExp: true });
    expect(Object.is(first.negativeZero.valueOf(), -0)).toBe(true);
    expect(first.before1970.getTime()).toBe(-1_234_567_890_123);
    expect(first.int64._bsontype).toBe('Long');
    expect(first.decimal._bsontype).toBe('Decimal128');
    expect(first.binOldUuid.sub_type).toBe(3);
    expect(first.binUser.sub_type).toBe(0x80);
    // Views have no data file, only metadata.
    expect(entries.has(`mongo/${DB}/live_files.bson`)).toBe(false);
  });

  it('writes metadata.json as mongodump does', async () => {
    const meta = async (coll: string) => (await contentOf(repo, entries.get(`mongo/${DB}/${coll}.metadata.json`)!)).toString('utf8');
    const catalog = await servers.mongoClient.db(DB).listCollections().toArray();
    const uuidOf = (name: string) => Buffer.from((catalog.find((c) => c.name === name) as Document).info.uuid.buffer).toString('hex');

    const files = await meta('files');
    expect(Object.keys(JSON.parse(files))).toEqual(['indexes', 'uuid', 'collectionName', 'type', 'options']);
    expect(files.startsWith('{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},')).toBe(true);
    const parsed = EJSON.parse(files, { relaxed: false }) as Document;
    expect(parsed.uuid).toBe(uuidOf('files'));
    expect(parsed.uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(parsed.collectionName).toBe('files');
    expect(parsed.type).toBe('collection');
    expect(parsed.options).toEqual({});
    expect(parsed.indexes[1]).toMatchObject({ name: 'key_1', unique: true, partialFilterExpression: { deleted: false } });

    expect(JSON.parse(await meta('capped')).options).toEqual({ capped: true, size: { $numberInt: '65536' } });
    const view = JSON.parse(await meta('live_files'));
    expect(view).toEqual({ indexes: [], collectionName: 'live_files', type: 'view', options: { viewOn: 'files', pipeline: [{ $match: { yes: true } }] } });
    expect(JSON.parse(await meta('empty')).indexes).toHaveLength(1);
    expect(JSON.parse(await meta('Users')).collectionName).toBe('Users');
  });

  it('keeps every object byte for byte with its content type, metadata, size, ETag and date', async () => {
    const listed = await servers.s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const etags = new Map((listed.Contents ?? []).map((o) => [o.Key!, o]));
    for (const [key, expected] of objects) {
      const entry = entries.get(`r2/${BUCKET}/${key}`) as R2ObjectEntry | undefined;
      expect(entry, key).toBeDefined();
      expect(entry!.key).toBe(key);
      expect((await contentOf(repo, entry!)).equals(expected.body), key).toBe(true);
      expect(entry!.size).toBe(expected.body.length);
      expect(entry!.contentType).toBe(expected.contentType ?? 'binary/octet-stream');
      expect(entry!.userMetadata).toEqual(expected.metadata ?? {});
      expect(entry!.etag).toBe(etags.get(key)!.ETag);
      expect(entry!.lastModified).toBe(etags.get(key)!.LastModified!.toISOString());
    }
    const big = entries.get(`r2/${BUCKET}/videos/site walkthrough.mp4`) as R2ObjectEntry;
    expect(big.etag).toMatch(/-3"$/); // multipart ETag: never a content hash
    expect(big.chunks.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps configuration files, folders and links with their modes and times', async () => {
    const file = (rel: string) => entries.get(`files/config/${rel}`);
    expect(file('settings/app.json')).toMatchObject({ kind: 'file', mode: 0o640 });
    expect(file('run.sh')).toMatchObject({ kind: 'file', mode: 0o755 });
    expect(file('secret.key')).toMatchObject({ kind: 'file', mode: 0o600, mtime: '2001-02-03T04:05:06.000Z' });
    expect(file('settings')).toMatchObject({ kind: 'dir' });
    expect(file('empty dir')).toMatchObject({ kind: 'dir' });
    expect(file('current')).toEqual(expect.objectContaining({ kind: 'symlink', target: 'settings/app.json' }));
    expect(file('dangling')).toEqual(expect.objectContaining({ kind: 'symlink', target: '/nonexistent/elsewhere' }));
    for (const rel of ['settings/app.json', 'run.sh', 'a\\b ñ.txt', 'large.log']) {
      expect((await contentOf(repo, file(rel)!)).equals(await fs.readFile(path.join(configDir, rel))), rel).toBe(true);
    }
    expect((file('large.log') as { chunks: unknown[] }).chunks.length).toBeGreaterThan(1);
  });

  it('records hostile keys and names exactly, as data', () => {
    for (const key of HOSTILE_KEYS) expect(entries.get(`r2/${BUCKET}/${key}`)).toMatchObject({ kind: 'r2-object', key });
    expect(entries.get(`mongo/${DB}/up/../evil.bson`)).toMatchObject({ collection: 'up/../evil' });
    expect(entries.get(`mongo/${DB}/Users.bson`)).not.toBe(entries.get(`mongo/${DB}/users.bson`));
  });

  it('backs up into a bucket prefix as well (an off-site copy on a second R2 bucket)', async () => {
    const store = new S3Store({ client: servers.s3Client, bucket: 'offsite', prefix: 'pci/backups' });
    const offsite = await Repository.init(store, { passphrase: 'off-site secret', testOnlyScryptN: TEST_SCRYPT_N });
    const r = await runBackup(offsite, servers.sources([configDir]), testContext(), { profile: 'Office', appVersion: '0', retry: FAST_RETRY });
    const reopened = await Repository.open(store, { passphrase: 'off-site secret' });
    const remote = byPath(await entriesOf(reopened, r.snapshotId));
    const key = 'videos/site walkthrough.mp4';
    expect((await contentOf(reopened, remote.get(`r2/${BUCKET}/${key}`)!)).equals(objects.get(key)!.body)).toBe(true);
    expect(remote.size).toBe(entries.size);
  });

  it('reports progress in the four phases with totals', async () => {
    const ctx = testContext();
    await runBackup(repo, servers.sources([configDir]), ctx, { profile: 'Office', appVersion: '0', retry: FAST_RETRY });
    const phases = [...new Set(ctx.progress.map((p) => p.phase))];
    expect(phases).toEqual(['Backing up the database', 'Backing up files in R2', 'Backing up configuration folders', 'Saving the restore point']);
    const r2 = ctx.progress.filter((p) => p.phase === 'Backing up files in R2' && p.bytesTotal);
    expect(r2.at(-1)).toMatchObject({ done: objects.size, total: objects.size });
  });
});
