// Verification of a SQLite database in a restore point: rebuilt from its chunks, checked by SQLite,
// rows counted against the restore point — and each kind of damage reported in plain words.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportSnapshot } from '../../../electron/core/export/export';
import { openDatabase } from '../../../electron/core/native/sqlite';
import { FolderStore, blobPath } from '../../../electron/core/repository';
import { verifyBackup } from '../../../electron/core/verify/verify';
import { sinkFor } from '../../../electron/core/sources/sink';
import { backupSqliteSources } from '../../../electron/core/sources/sqlite';
import { verifySqliteEntry, verifySqliteSnapshot } from '../../../electron/core/verify/sqlite-verify';
import { newRepo, removeTempDirs, tempDir, testContext } from '../../support/backup';
import { backupInto, makeShopDb, source } from '../../support/sqlite';

afterEach(removeTempDirs);

async function backedUp(options: { orders?: number; bytes?: number } = {}) {
  const dir = await tempDir('pci-sqlite-live-');
  const file = path.join(dir, 'shop.db');
  makeShopDb(file, { journal: 'wal', orders: options.orders ?? 500, bytes: options.bytes ?? 1024 * 1024 });
  // A version-1 location: these tests damage single blob files (pack files are covered by verify/damage.test.ts).
  const { repo, dir: repoDir } = await newRepo({ formatVersion: 1 });
  const { entry, header } = await backupInto(repo, source(file));
  return { file, repo, repoDir, entry, header };
}

describe('SQLite verification', () => {
  it('passes a sound restore point and leaves no temporary file', async () => {
    const { repo, entry, header } = await backedUp();
    const tmp = await tempDir('pci-sqlite-scratch-');
    const result = await verifySqliteEntry(repo, entry, testContext(), { snapshotId: header.id, tmpDir: tmp });
    expect(result).toMatchObject({ ok: true, problems: [] });
    expect(result.tables).toEqual(entry.tables);
    expect(await fsp.readdir(tmp)).toEqual([]);
  });

  it('names the damaged piece when a stored chunk was changed on the backup drive', async () => {
    const { repo, repoDir, entry, header } = await backedUp({ bytes: 3 * 1024 * 1024 });
    const victim = entry.chunks[entry.chunks.length - 1];
    const blobFile = path.join(repoDir, blobPath(victim.id));
    const bytes = await fsp.readFile(blobFile);
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    await fsp.writeFile(blobFile, bytes);
    const result = await verifySqliteEntry(repo, entry, testContext(), { snapshotId: header.id });
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ snapshotId: header.id, path: 'sqlite/shop.db', blob: victim.id, file: blobPath(victim.id) });
    expect(['hash-mismatch', 'cannot-decompress']).toContain(result.problems[0].code);
    expect(result.problems[0].message).toContain('cannot be restored');
  });

  it('catches a copy that SQLite finds damaged even when every chunk is intact', async () => {
    const { repo, entry } = await backedUp({ orders: 3000 });
    // The database's bytes with one page in the middle overwritten, stored as proper chunks.
    const parts: Buffer[] = [];
    for (const c of entry.chunks) parts.push(await repo.getBlob(c.id));
    const data = Buffer.concat(parts);
    data.fill(0x5a, Math.floor(data.length / 4096 / 2) * 4096, Math.floor(data.length / 4096 / 2) * 4096 + 4096);
    const chunks = [];
    for await (const piece of repo.chunk([data])) {
      const r = await repo.putBlob(piece);
      chunks.push({ id: r.id, size: r.size });
    }
    const result = await verifySqliteEntry(repo, { ...entry, chunks }, testContext());
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ code: 'damaged', path: 'sqlite/shop.db', blob: null });
    expect(result.problems[0].message).toMatch(/SQLite’s check of the database shop\.db rebuilt from the backup found damage|cannot be opened by SQLite/);
  });

  it('reports tables whose rows differ from the numbers recorded at backup time', async () => {
    const { repo, entry } = await backedUp();
    const tables = entry.tables.map((t) => (t.name === 'orders' ? { ...t, rows: t.rows + 1 } : t)).filter((t) => t.name !== 'filler');
    const result = await verifySqliteEntry(repo, { ...entry, tables: [...tables, { name: 'gone', rows: 4 }] }, testContext());
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.code, p.message])).toEqual([
      ['restore-count-mismatch', 'The table orders of the database shop.db has 500 rows in the copy rebuilt from the backup; the restore point says 501.'],
      ['restore-count-mismatch', 'The table gone is missing from the database shop.db rebuilt from the backup (it had 4 rows).'],
      ['restore-count-mismatch', expect.stringContaining('has a table filler')],
    ]);
  });

  it('is covered by the location’s full verification, and exported as a database file SQLite opens', async () => {
    const { repo, repoDir, entry, header } = await backedUp({ bytes: 2 * 1024 * 1024 });
    const out = await tempDir('pci-sqlite-export-');
    await exportSnapshot(repo, { snapshot: header.id, to: out, zip: false }, testContext());
    const db = openDatabase(path.join(out, 'sqlite', 'shop.db'), { fileMustExist: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT count(*) AS n FROM orders').get() as { n: number }).n).toBe(500);
    db.close();

    const verify = () => verifyBackup({ store: new FolderStore(repoDir) }, { snapshot: header.id, depth: 'full' }, testContext());
    expect((await verify()).problems).toEqual([]);
    await fsp.rm(path.join(repoDir, blobPath(entry.chunks[0].id)));
    const found = await verify();
    expect(found.problems.map((p) => [p.code, p.path])).toEqual([['missing', 'sqlite/shop.db']]);
  });

  it('backs up and checks several databases of one restore point, each under its own name', async () => {
    const a = path.join(await tempDir('pci-sqlite-a-'), 'app.db');
    const b = path.join(await tempDir('pci-sqlite-b-'), 'app.db');
    makeShopDb(a, { journal: 'wal', orders: 10 });
    makeShopDb(b, { journal: 'delete', orders: 20 });
    const { repo } = await newRepo();
    const writer = repo.createManifestWriter();
    const reports = await backupSqliteSources([source(a), source(b)], sinkFor(repo, writer), testContext());
    const header = await writer.finish({ tags: ['manual'], profile: 'Portfolio', appVersion: 'test', consistency: 'point-in-time' });
    expect(reports.map((r) => [r.name, r.tables?.find((t) => t.name === 'orders')?.rows])).toEqual([['app.db', 10], ['app-2.db', 20]]);
    expect(header.stats.sources).toEqual([
      { kind: 'sqlite', name: 'app.db', entries: 1, bytes: reports[0].bytes },
      { kind: 'sqlite', name: 'app-2.db', entries: 1, bytes: reports[1].bytes },
    ]);
    expect(await verifySqliteSnapshot(repo, header, testContext())).toEqual({ ok: true, databases: 2, problems: [] });
  });
});
