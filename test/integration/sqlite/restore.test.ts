// Restoring a SQLite database with swap-in, against real files and real processes: the preview, the
// safety copy, the app still holding the file open (a warning, then waiting for it), and kill -9 at
// every step and at random moments, which leaves the old or the new database, never a torn one.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findAppRoot } from '../../../electron/core/app-root';
import { openDatabase } from '../../../electron/core/native/sqlite';
import { probeInUse } from '../../../electron/core/restore/sqlite-in-use';
import { planSqliteRestore, restoreSqlite } from '../../../electron/core/restore/sqlite-restore';
import { newRepo, removeTempDirs, tempDir, testContext } from '../../support/backup';
import { mountSupport, mountTmpfs } from '../../support/mounts';
import { backupInto, holdOpen, makeShopDb, shopCounts, source, type AppProcess, type JournalMode } from '../../support/sqlite';

let apps: AppProcess[] = [];
afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await removeTempDirs();
});

/** A database with 100 orders backed up, then changed to 150 orders: "then" is 100, "now" 150. */
async function changedSinceBackup(journal: JournalMode, bytes = 256 * 1024) {
  const dir = await tempDir('pci-sqlite-live-');
  const file = path.join(dir, 'site.db');
  makeShopDb(file, { journal, orders: 100, bytes });
  const { repo, dir: location } = await newRepo();
  const { entry, header } = await backupInto(repo, source(file));
  const db = openDatabase(file);
  const add = db.prepare("INSERT INTO orders (customer) VALUES ('later')");
  db.transaction(() => {
    for (let i = 0; i < 50; i++) add.run();
    db.prepare('UPDATE counter SET n = n + 50').run();
  })();
  db.close();
  return { dir, file, repo, location, entry, header };
}

const sound = (file: string) => {
  const db = openDatabase(file, { fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};

describe('SQLite restore', () => {
  it('previews the tables and rows now and in the restore point, changing nothing', async () => {
    const { dir, file, entry } = await changedSinceBackup('wal');
    const before = await fsp.readdir(dir);
    const plan = await planSqliteRestore(entry);
    expect(plan).toMatchObject({ target: file, exists: true, nowProblem: null, safetyCopy: `${file}.before-restore-<time>`, inUse: { inUse: false } });
    expect(plan.tables.find((t) => t.name === 'orders')).toEqual({ name: 'orders', rowsNow: 150, rowsThen: 100 });
    expect(await fsp.readdir(dir)).toEqual(before);
  });

  for (const journal of ['wal', 'delete'] as JournalMode[]) {
    it(`swaps the restored ${journal === 'wal' ? 'WAL' : 'rollback-journal'} database in and keeps the live one as the safety copy`, async () => {
      const { dir, file, repo, entry } = await changedSinceBackup(journal);
      await fsp.chmod(file, 0o640);
      const ctx = testContext();
      const result = await restoreSqlite(repo, entry, ctx, { now: () => new Date('2026-12-04T01:02:03.456Z') });
      expect(fs.statSync(file).mode & 0o777).toBe(0o640); // the app's access to its file stays as it was
      expect(result).toMatchObject({ target: file, safetyCopy: `${file}.before-restore-20261204T010203Z`, bytes: entry.size, tables: entry.tables });
      expect(shopCounts(file)).toEqual({ orders: 100, lines: 100, counter: 100 });
      expect(shopCounts(result.safetyCopy!)).toEqual({ orders: 150, lines: 100, counter: 150 });
      expect(sound(file)).toBe('ok');
      expect((await fsp.readdir(dir)).sort()).toEqual(['site.db', 'site.db.before-restore-20261204T010203Z']);
      // The restored file is a file of its own, not the safety copy under another name.
      expect(fs.statSync(file).ino).not.toBe(fs.statSync(result.safetyCopy!).ino);
    });
  }

  it('restores to another place when asked, with nothing to keep there', async () => {
    const { file, repo, entry } = await changedSinceBackup('wal');
    const elsewhere = path.join(await tempDir('pci-sqlite-elsewhere-'), 'copy.db');
    const result = await restoreSqlite(repo, entry, testContext(), { target: elsewhere });
    expect(result).toMatchObject({ target: elsewhere, safetyCopy: null });
    expect(shopCounts(elsewhere).orders).toBe(100);
    expect(shopCounts(file).orders).toBe(150);
    await expect(restoreSqlite(repo, entry, testContext(), { target: path.join(path.dirname(elsewhere), 'no', 'such', 'x.db') })).rejects.toMatchObject({ code: 'NOT_FOUND', title: 'Folder not found' });
  });

  it('follows a link to the database and leaves the link as it was', async () => {
    const { dir, file, repo, entry } = await changedSinceBackup('delete');
    const linkDir = await tempDir('pci-sqlite-link-');
    const link = path.join(linkDir, 'current.db');
    await fsp.symlink(file, link);
    const result = await restoreSqlite(repo, entry, testContext(), { target: link });
    expect(result.target).toBe(await fsp.realpath(file));
    expect((await fsp.lstat(link)).isSymbolicLink()).toBe(true);
    expect(shopCounts(link).orders).toBe(100);
    expect(await fsp.readdir(linkDir)).toEqual(['current.db']);
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.before-restore-'))).toHaveLength(1);
  });

  it.runIf(mountSupport().ok)('says the drive is full when the restored file does not fit beside the live one, changing nothing', async () => {
    const mount = mountTmpfs(8);
    try {
      const { file, repo, entry } = await changedSinceBackup('delete', 3 * 1024 * 1024);
      const live = path.join(mount.dir, 'site.db');
      await fsp.copyFile(file, live);
      await mount.fill();
      await expect(restoreSqlite(repo, entry, testContext(), { target: live })).rejects.toMatchObject({ code: 'DEST_FULL', message: expect.stringContaining(`There is not enough free space in ${mount.dir} for the restored database beside the live one`) });
      await mount.unfill();
      expect(await fsp.readdir(mount.dir)).toEqual(['site.db']);
      expect(shopCounts(live).orders).toBe(150);
    } finally {
      mount.teardown();
    }
  });

  it('puts nothing in place when the restore point’s database is not sound', async () => {
    const { dir, file, repo, entry } = await changedSinceBackup('delete');
    const before = (await fsp.readdir(dir)).sort();
    const wrong = { ...entry, tables: entry.tables.map((t) => (t.name === 'orders' ? { ...t, rows: 99 } : t)) };
    await expect(restoreSqlite(repo, wrong, testContext())).rejects.toMatchObject({ code: 'BACKUP_DAMAGED', message: expect.stringContaining('the table orders does not have the 99 rows recorded at backup time') });
    expect((await fsp.readdir(dir)).sort()).toEqual(before);
    expect(shopCounts(file).orders).toBe(150);
  });

  it('keeps the changes still in the write-ahead log in the safety copy', async () => {
    const { file, repo, entry } = await changedSinceBackup('wal');
    // A crashed app: its last changes are only in site.db-wal.
    const child = spawn(process.execPath, ['-e', `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(${JSON.stringify(file)});
      db.pragma('wal_autocheckpoint = 0');
      db.prepare("INSERT INTO orders (customer) VALUES ('only in the log')").run();
      process.kill(process.pid, 'SIGKILL');
    `]);
    await new Promise((r) => child.once('exit', r));
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const result = await restoreSqlite(repo, entry, testContext());
    expect(shopCounts(result.safetyCopy!).orders).toBe(151);
    expect(shopCounts(file).orders).toBe(100);
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
  });

  it('says in plain words that the app has the file open, changes nothing, and waits for it when asked', async () => {
    const { dir, file, repo, entry } = await changedSinceBackup('wal');
    const app = holdOpen(file);
    apps.push(app);
    await app.lines(1);
    const before = (await fsp.readdir(dir)).sort();
    expect(before).toEqual(['site.db', 'site.db-shm', 'site.db-wal']);
    const use = await probeInUse(file);
    expect(use.reasons).toEqual(process.platform === 'linux' ? ['open', 'process'] : ['open']);
    if (process.platform === 'linux') expect(use.processes).toEqual([{ pid: app.child.pid, name: 'node' }]);

    await expect(restoreSqlite(repo, entry, testContext())).rejects.toMatchObject({
      code: 'BUSY',
      title: 'The app still has the database open',
      message: expect.stringMatching(/: the app has it open \(its -wal and -shm files are there\)(; a program has the file open: node \(process \d+\))?\. Nothing was changed\.$/),
      hint: expect.stringContaining('let PCI Maintenance wait'),
    });
    expect((await fsp.readdir(dir)).sort()).toEqual(before);
    expect(shopCounts(file).orders).toBe(150);

    // Waiting: the app closes the file once the restore says it is waiting for that.
    const ctx = testContext();
    const onProgress = ctx.onProgress;
    let asked = false;
    ctx.onProgress = (u) => {
      onProgress(u);
      if (!asked && u.message?.startsWith('Waiting for the app to close site.db')) {
        asked = true;
        void app.stop();
      }
    };
    const result = await restoreSqlite(repo, entry, ctx, { waitForCloseMs: 30_000, pollMs: 50 });
    expect(asked).toBe(true);
    expect(result.waitedMs).toBeGreaterThan(0);
    expect(shopCounts(file).orders).toBe(100);
    expect(shopCounts(result.safetyCopy!).orders).toBe(150);
    expect(ctx.logs.some((l) => l.startsWith('warn: The database') && l.includes('is in use'))).toBe(true);
  });

  it.runIf(process.platform === 'linux')('sees an app that keeps a rollback-journal database open between changes', async () => {
    const { dir, file, repo, entry } = await changedSinceBackup('delete');
    const app = holdOpen(file);
    apps.push(app);
    await app.lines(1);
    await expect(restoreSqlite(repo, entry, testContext())).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringContaining(`a program has the file open: node (process ${app.child.pid}). Nothing was changed.`),
    });
    expect((await fsp.readdir(dir)).sort()).toEqual(['site.db']);
    await app.stop();
    await restoreSqlite(repo, entry, testContext());
    expect(shopCounts(file).orders).toBe(100);
  });

  it('does not swap while the app holds the write lock, and says how long it waited', async () => {
    const { dir, file, repo, entry } = await changedSinceBackup('delete');
    const app = holdOpen(file, { writeLock: true });
    apps.push(app);
    await app.lines(1);
    await expect(restoreSqlite(repo, entry, testContext(), { waitForCloseMs: 300, pollMs: 50 })).rejects.toMatchObject({
      code: 'BUSY',
      message: expect.stringMatching(/the app is writing to it right now \(it holds the write lock\)(; a program has the file open: node \(process \d+\))?\. Nothing was changed\. PCI Maintenance waited \d+ seconds/),
    });
    expect((await fsp.readdir(dir)).sort()).toEqual(['site.db']);
    await app.stop();
    expect(shopCounts(file).orders).toBe(150);
  });

  it('leaves the old or the new database after kill -9 at every step, never a torn one', async () => {
    const { dir, file, location, header, repo, entry } = await changedSinceBackup('wal', 4 * 1024 * 1024);
    const root = findAppRoot();
    let live = 150; // orders in the live file: the old database until a restore got past its swap
    // The restore runs in a process of its own (node with tsx's loader: killing it kills the restore itself).
    for (const point of ['sqlite-checked', 'sqlite-safety-copied', 'sqlite-swapped', 'sqlite-written']) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/sqlite-restore-child.ts'), location, header.id, point], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes(`at ${point}\n`)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`the restore ended (${code}) before ${point}: ${out}`)));
      });
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      if (point === 'sqlite-swapped') live = 100;
      expect(sound(file)).toBe('ok');
      expect(shopCounts(file).orders).toBe(live);
    }
    // The last one was killed before its swap: its new file is left beside the live one, and the next
    // restore removes it.
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.restoring-'))).toHaveLength(1);
    await restoreSqlite(repo, entry, testContext());
    expect((await fsp.readdir(dir)).filter((n) => n.includes('.restoring-'))).toEqual([]);
    expect(shopCounts(file).orders).toBe(100);
  });

  it('leaves the old or the new database after kill -9 at a random moment', async () => {
    const { file, location, header } = await changedSinceBackup('delete', 8 * 1024 * 1024);
    const root = findAppRoot();
    // Killed once it has started (its first line), after a pause that moves further into the restore each time.
    for (const delayMs of [0, 60, 250]) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/sqlite-restore-child.ts'), location, header.id, '-'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      const ended = new Promise((r) => child.once('exit', r));
      await new Promise<void>((resolve) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', () => resolve());
      });
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await ended;
      expect(sound(file)).toBe('ok');
      expect([100, 150]).toContain(shopCounts(file).orders);
    }
  });
});
