// The SQLite source against real database files and a real child process writing to them: the
// restore point is the database at one moment, checked before it is stored, and a second backup of a
// large file that changed a little stores little.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/native/sqlite';
import { writeChunks } from '../../../electron/core/sources/sqlite-file';
import { sqliteNames } from '../../../electron/core/sources/sqlite';
import { newRepo, removeTempDirs, tempDir } from '../../support/backup';
import { BETTER_SQLITE3, backupInto, makeShopDb, shopCounts, source, startWriter, type AppProcess, type JournalMode } from '../../support/sqlite';

let app: AppProcess | null = null;
afterEach(async () => {
  await app?.stop();
  app = null;
  await removeTempDirs();
});

describe('SQLite backup', () => {
  for (const journal of ['wal', 'delete'] as JournalMode[]) {
    it(`copies a ${journal === 'wal' ? 'WAL' : 'rollback-journal'} database at one moment while the app writes to it`, async () => {
      const dir = await tempDir('pci-sqlite-live-');
      const file = path.join(dir, 'shop.db');
      // Large enough to take several steps of the online backup, each a chance for the app to write.
      makeShopDb(file, { journal, orders: 200, bytes: 24 * 1024 * 1024 });
      const { repo } = await newRepo();
      const tmp = path.join(dir, 'scratch');
      app = startWriter(file);
      const before = Number((await app.lines(5)).at(-1)); // the app is writing

      const { entry, report } = await backupInto(repo, source(file), { tmpDir: tmp });
      const after = Number((await app.lines((await app.lines(1)).length + 3)).at(-1)); // and still is
      expect(after).toBeGreaterThan(before);

      // The restore point, rebuilt from its chunks, is a sound database at one moment.
      const out = path.join(await tempDir('pci-sqlite-out-'), 'restored.db');
      await writeChunks(repo, entry.chunks, out);
      const db = openDatabase(out, { readonly: true, fileMustExist: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const counts = shopCounts(out);
      expect(counts.orders).toBe(counts.counter);
      expect(counts.lines).toBe(counts.counter);
      expect(counts.orders).toBeGreaterThan(200 + before - 1);
      // The manifest's row counts are those of the copy.
      expect(entry.tables.find((t) => t.name === 'orders')?.rows).toBe(counts.orders);
      expect(entry.tables.map((t) => t.name)).toEqual(['counter', 'filler', 'order_lines', 'orders']);
      expect(entry).toMatchObject({ kind: 'sqlite-database', path: 'sqlite/shop.db', name: 'shop.db', originalPath: file, journalMode: journal, pageSize: 4096 });
      expect(report).toMatchObject({ kind: 'sqlite', name: 'shop.db', entries: 1, bytes: entry.size });
      // The temporary copy is gone.
      expect(await fsp.readdir(tmp)).toEqual([]);
    });
  }

  it('leaves no -wal or -shm file beside a WAL database nobody has open', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'site.db');
    makeShopDb(file, { journal: 'wal' });
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const { repo } = await newRepo();
    await backupInto(repo, source(file));
    expect((await fsp.readdir(dir)).sort()).toEqual(['site.db']);
  });

  it('backs up a database the app left in the middle of a change (killed while writing), without that change', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'shop.db');
    makeShopDb(file, { journal: 'delete', orders: 10 });
    // The app dies with a big transaction half written to the file: a "hot" rollback journal is left.
    spawnSync(process.execPath, ['-e', `
      const db = new (require(${JSON.stringify(BETTER_SQLITE3)}))(${JSON.stringify(file)});
      db.pragma('cache_size = 1');
      db.exec('BEGIN');
      const add = db.prepare('INSERT INTO filler (data) VALUES (randomblob(5000))');
      for (let i = 0; i < 500; i++) add.run();
      process.kill(process.pid, 'SIGKILL');
    `]);
    expect(fs.statSync(`${file}-journal`).size).toBeGreaterThan(0);
    const { repo } = await newRepo();
    const { entry, ctx } = await backupInto(repo, source(file));
    expect(entry.tables.find((t) => t.name === 'filler')?.rows).toBe(0);
    expect(entry.tables.find((t) => t.name === 'orders')?.rows).toBe(10);
    expect(ctx.logs.some((l) => l.startsWith('warn:') && l.includes('left unfinished'))).toBe(true);
  });

  it('says in plain words when the file is missing, empty or not a database, and stores nothing', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const { repo, dir: repoDir } = await newRepo();
    await expect(backupInto(repo, source(path.join(dir, 'nope.db')))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('does not exist') });
    await fsp.writeFile(path.join(dir, 'empty.db'), '');
    await expect(backupInto(repo, source(path.join(dir, 'empty.db')))).rejects.toMatchObject({ code: 'SOURCE_NOT_READABLE', title: 'The database is empty' });
    await fsp.writeFile(path.join(dir, 'notes.txt'), 'hello, this is not a database at all.....');
    await expect(backupInto(repo, source(path.join(dir, 'notes.txt')))).rejects.toMatchObject({ code: 'SOURCE_NOT_READABLE', title: 'Not a SQLite database' });
    expect(await fsp.readdir(path.join(repoDir, 'snapshots')).catch(() => [])).toEqual([]);
  });

  it('refuses to store a damaged database', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'shop.db');
    makeShopDb(file, { journal: 'delete', orders: 3000 });
    // Overwrite the middle of a table's pages (past the header and the schema page).
    const fh = await fsp.open(file, 'r+');
    const { size } = await fh.stat();
    await fh.write(Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
    await fh.close();
    const { repo } = await newRepo();
    await expect(backupInto(repo, source(file))).rejects.toMatchObject({ code: 'SOURCE_NOT_READABLE', title: 'The database is damaged' });
  });

  it('stores little for a second backup of a 50 MB database after a few rows changed', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'big.db');
    makeShopDb(file, { journal: 'wal', orders: 1000, bytes: 50 * 1024 * 1024 });
    const { repo } = await newRepo();
    const first = await backupInto(repo, source(file));
    expect(first.entry.size).toBeGreaterThan(50 * 1024 * 1024);
    const db = openDatabase(file);
    db.prepare("UPDATE orders SET customer = 'changed' WHERE id IN (3, 500, 999)").run();
    db.prepare("INSERT INTO orders (customer, total) VALUES ('new', 1.5)").run();
    db.prepare('UPDATE counter SET n = n + 1').run();
    db.close();
    const second = await backupInto(repo, source(file));
    // Reported for the record (docs/backup-format.md keeps the measured figure).
    console.log(`SQLite incremental: ${second.entry.size} bytes, ${second.report.newBytes} new bytes stored (first backup: ${first.report.newBytes})`);
    expect(second.report.newBytes).toBeLessThan(second.entry.size * 0.1);
    expect(second.entry.tables.find((t) => t.name === 'orders')?.rows).toBe(1001);
  });

  it('gives several databases with one file name different names', () => {
    expect(sqliteNames(['/a/app.db', '/b/app.db', '/c/app.db', '/d/data', '/e/data'])).toEqual(['app.db', 'app-2.db', 'app-3.db', 'data', 'data-2']);
  });
});
