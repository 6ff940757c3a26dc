// Export of a real backup (hostile object keys and file names included) to a folder and to a zip, read
// back independently: BSON parsed by hand, metadata held to mongodump's rules, every file inside the
// chosen folder, nothing overwritten; and a mongodump folder (plain and gzip) imported back.
import fs from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { BSON, EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../../electron/core/backup/backup';
import { EXPORT_MANIFEST, exportSnapshot } from '../../../electron/core/export/export';
import { importMongodump } from '../../../electron/core/export/import-mongodump';
import { FolderStore, Repository, type SnapshotHeader } from '../../../electron/core/repository';
import { metadataProblems } from '../../../electron/core/verify/bson-check';
import { verifyBackup } from '../../../electron/core/verify/verify';
import { DB, FAST_RETRY, contentOf, entriesOf, everyType, newRepo, noise, putObject, rawCollection, removeTempDirs, startServers, tempDir, testContext, type Servers } from '../../support/backup';
import { readZip } from '../../support/zip';

const HOSTILE = ['../../etc/passwd', '/abs/path.txt', 'C:\\x\\y.txt', 'nul\u0000byte', 'Report.pdf', 'report.pdf', 'a', 'a/b', 'dir/./x', 'a//b', '..', 'CON.txt', 'trailing.', '\u00e9.txt', 'e\u0301.txt', `${'l'.repeat(220)}.bin`, 'plain/ok file.txt'];

let servers: Servers;
let repo: Repository;
let header: SnapshotHeader;
let configDir: string;
const bodies = new Map<string, Buffer>();

beforeAll(async () => {
  servers = await startServers();
  const db = servers.mongoClient.db(DB);
  await db.collection('files').insertMany(Array.from({ length: 80 }, (_, i) => everyType(i)));
  await db.collection('files').createIndex({ storageKey: 1 }, { unique: true, sparse: true });
  await db.collection('Files').insertOne({ _id: 'case collision' } as never);
  for (const [i, key] of HOSTILE.entries()) {
    const body = i % 2 ? noise(3000 + i, i) : Buffer.from(`object ${i}: ${key}`);
    await putObject(servers.s3Client, key, body, { contentType: 'application/octet-stream', metadata: { n: String(i) } });
    bodies.set(key, body);
  }
  configDir = path.join(await tempDir(), 'config');
  await fs.mkdir(path.join(configDir, 'sub'), { recursive: true });
  await fs.writeFile(path.join(configDir, 'sub', 'app.json'), '{"port": 8080}\n', { mode: 0o640 });
  await fs.writeFile(path.join(configDir, 'a\\b.txt'), 'backslash');
  await fs.symlink('/etc/passwd', path.join(configDir, 'link'));
  ({ repo } = await newRepo());
  const r = await runBackup(repo, servers.sources([configDir]), testContext(), { profile: 'Office', appVersion: 'test', retry: FAST_RETRY });
  header = await repo.readSnapshot(r.snapshotId);
}, 60_000);
afterAll(async () => {
  await servers?.close();
  await removeTempDirs();
});

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    expect(d.isSymbolicLink()).toBe(false);
    if (d.isDirectory()) out.push(...(await walk(dir, r)));
    else out.push(r);
  }
  return out;
}

/** Documents of a .bson file, split by their length prefixes by hand and decoded one by one. */
function documentsOf(data: Buffer): unknown[] {
  const docs: unknown[] = [];
  for (let at = 0; at < data.length; ) {
    const size = data.readInt32LE(at);
    docs.push(BSON.deserialize(data.subarray(at, at + size), { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true }));
    at += size;
  }
  return docs;
}

const readManifest = async (text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l) as { path?: string; file?: string | null; kind?: string; contentType?: string; userMetadata?: Record<string, string>; target?: string });

describe('export', () => {
  it('writes a mongodump folder, the bucket and the folders, all inside the chosen folder', async () => {
    const parent = await tempDir();
    const target = path.join(parent, 'export');
    const r = await exportSnapshot(repo, { snapshot: 'latest', to: target, zip: false }, testContext());
    expect(await fs.readdir(parent)).toEqual(['export']); // nothing beside it, no leftovers
    const files = await walk(target);
    for (const f of files) expect((await fs.realpath(path.join(target, f))).startsWith(target + path.sep)).toBe(true);
    const folded = files.map((f) => f.normalize('NFC').toLowerCase());
    expect(new Set(folded).size).toBe(files.length); // unique even on case-insensitive file systems

    // The database: byte for byte what the server holds, and decodable document by document.
    for (const coll of ['files', 'Files']) {
      const manifest = await readManifest(await fs.readFile(path.join(target, EXPORT_MANIFEST), 'utf8'));
      const bsonFile = manifest.find((m) => m.path === `mongo/${DB}/${coll}.bson`)!.file!;
      const exported = await fs.readFile(path.join(target, bsonFile));
      const source = await rawCollection(servers.mongoClient, coll);
      expect(exported.equals(source)).toBe(true);
      expect(EJSON.stringify(documentsOf(exported), { relaxed: false })).toBe(EJSON.stringify(documentsOf(source), { relaxed: false }));
      const meta = await fs.readFile(path.join(target, bsonFile.replace(/\.bson$/, '.metadata.json')));
      expect(metadataProblems(meta, coll)).toEqual([]);
      const parsed = EJSON.parse(meta.toString('utf8'), { relaxed: false }) as { indexes: { name: string; key: unknown }[]; collectionName: string; type: string; uuid?: string };
      expect(parsed).toMatchObject({ collectionName: coll, type: 'collection' });
      if (coll === 'files') expect(parsed.indexes.map((i) => i.name)).toEqual(['_id_', 'storageKey_1']);
    }
    // "Files" sorts first (byte order) and keeps its name; "files" would collide with it on Windows and macOS.
    expect(files.filter((f) => f.startsWith('dump/'))).toEqual(expect.arrayContaining([`dump/${DB}/Files.bson`, `dump/${DB}/files~2.bson`, `dump/${DB}/files~2.metadata.json`]));

    // Every object, under its recorded file, with its bytes and metadata in the manifest.
    const manifest = await readManifest(await fs.readFile(path.join(target, EXPORT_MANIFEST), 'utf8'));
    expect(manifest[0]).toMatchObject({ format: 'pci-maintenance-export', snapshot: { id: header.id } });
    for (const [key, body] of bodies) {
      const line = manifest.find((m) => m.path === `r2/pci-files/${key}`)!;
      expect(line).toMatchObject({ kind: 'r2-object', contentType: 'application/octet-stream', userMetadata: { n: String(HOSTILE.indexOf(key)) } });
      expect((await fs.readFile(path.join(target, line.file!))).equals(body)).toBe(true);
    }
    expect(files).toContain('r2/pci-files/plain/ok file.txt');
    // The key ".." took "%2E%2E" first, so the folder of "../../etc/passwd" is "%2E%2E~2".
    expect(manifest.find((m) => m.path === 'r2/pci-files/../../etc/passwd')!.file).toBe('r2/pci-files/%2E%2E~2/%2E%2E/etc/passwd');
    expect(files).toContain('r2/pci-files/%/abs/path.txt');
    expect(files.find((f) => f.startsWith('r2/pci-files/lll'))).toMatch(/^r2\/pci-files\/l{150}~[0-9a-f]{16}\.bin$/);
    expect(files).toContain('r2/pci-files/C%3A%5Cx%5Cy.txt');
    expect(manifest.find((m) => m.kind === 'symlink')).toMatchObject({ target: '/etc/passwd', file: null });
    expect(r).toMatchObject({ snapshotId: header.id, symlinks: 1, files: header.stats.entries - manifest.filter((m) => m.kind === 'dir' || m.kind === 'symlink').length });
    expect(r.renamed).toBeGreaterThanOrEqual(10);
  });

  it('writes the same layout as one zip, with safe names only', async () => {
    const folder = path.join(await tempDir(), 'folder');
    await exportSnapshot(repo, { snapshot: header.id, to: folder, zip: false }, testContext());
    const zipFile = path.join(await tempDir(), 'backup.zip');
    await exportSnapshot(repo, { snapshot: header.id, to: zipFile, zip: true }, testContext());
    const entries = (await readZip(zipFile)).filter((e) => !e.isDirectory);
    expect(entries.map((e) => e.name).sort()).toEqual((await walk(folder)).sort());
    for (const e of entries) {
      expect(e.name.split('/').every((s) => s !== '' && s !== '.' && s !== '..')).toBe(true);
      expect(/^[/\\]|\\|\0|^[A-Za-z]:/.test(e.name)).toBe(false);
      if (e.name !== EXPORT_MANIFEST) expect(e.data.equals(await fs.readFile(path.join(folder, e.name)))).toBe(true);
    }
  });

  it('never overwrites, and leaves nothing behind when cancelled', async () => {
    const busy = await tempDir();
    await fs.writeFile(path.join(busy, 'keep.txt'), 'mine');
    await expect(exportSnapshot(repo, { snapshot: 'latest', to: busy, zip: false }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(exportSnapshot(repo, { snapshot: 'latest', to: path.join(busy, 'keep.txt'), zip: true }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await fs.readdir(busy)).toEqual(['keep.txt']);
    expect(await fs.readFile(path.join(busy, 'keep.txt'), 'utf8')).toBe('mine');

    const parent = await tempDir();
    const ctx = testContext();
    const onProgress = ctx.onProgress;
    ctx.onProgress = (u) => {
      onProgress(u);
      if ((u.done ?? 0) >= 5) ctx.controller.abort();
    };
    await expect(exportSnapshot(repo, { snapshot: 'latest', to: path.join(parent, 'out'), zip: false }, ctx)).rejects.toThrow();
    await expect(exportSnapshot(repo, { snapshot: 'latest', to: path.join(parent, 'out.zip'), zip: true }, { ...ctx, signal: AbortSignal.abort() })).rejects.toThrow();
    expect(await fs.readdir(parent)).toEqual([]);
  });
});

describe('import of a mongodump folder', () => {
  it('imports plain and gzip dumps as restore points that verify and hold the same bytes', async () => {
    const out = path.join(await tempDir(), 'exported');
    await exportSnapshot(repo, { snapshot: 'latest', to: out, zip: false }, testContext());
    const gz = path.join(await tempDir(), 'dump-gz');
    await fs.mkdir(path.join(gz, DB), { recursive: true });
    for (const f of await fs.readdir(path.join(out, 'dump', DB))) await fs.writeFile(path.join(gz, DB, `${f}.gz`), gzipSync(await fs.readFile(path.join(out, 'dump', DB, f))));
    await fs.mkdir(path.join(gz, 'admin'));
    await fs.writeFile(path.join(gz, 'admin', 'system.version.bson'), BSON.serialize({ _id: 'x' }));

    const original = new Map((await entriesOf(repo, header)).filter((e) => e.kind.startsWith('mongo')).map((e) => [e.path, e]));
    for (const from of [path.join(out, 'dump'), gz, path.join(out, 'dump', DB)]) {
      const target = (await newRepo()).repo;
      const r = await importMongodump(target, { from, profile: 'Office', appVersion: 'test' }, testContext());
      expect(r).toMatchObject({ databases: [DB], collections: 2, documents: 81 });
      const imported = await entriesOf(target, r.snapshotId);
      expect(imported.map((e) => e.path).sort()).toEqual([...original.keys()].sort());
      for (const e of imported) expect((await contentOf(target, e)).equals(await contentOf(repo, original.get(e.path)!))).toBe(true);
      const snap = await target.readSnapshot(r.snapshotId);
      expect(snap.tags).toEqual(['imported']);
      const check = await verifyBackup({ store: target.store as FolderStore }, { snapshot: r.snapshotId, depth: 'full' }, testContext());
      expect(check.problems).toEqual([]);
    }
  });

  it('refuses a folder without dump files, and a cut-off .bson file', async () => {
    const target = (await newRepo()).repo;
    await expect(importMongodump(target, { from: await tempDir(), profile: 'Office', appVersion: 'test' }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const cut = path.join(await tempDir(), 'db');
    await fs.mkdir(cut);
    await fs.writeFile(path.join(cut, 'c.bson'), Buffer.concat([BSON.serialize({ _id: 1 }), BSON.serialize({ _id: 2 }).subarray(0, 7)]));
    await expect(importMongodump(target, { from: cut, profile: 'Office', appVersion: 'test' }, testContext())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await target.listSnapshots()).toEqual([]);
  });
});
