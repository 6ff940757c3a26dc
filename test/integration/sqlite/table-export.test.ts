// The weekly table export read back by the real sqlite3 shell (Debian's): every value of every row
// comes back the same, with its type — awkward text, exact reals, 64-bit integers, blobs, NULLs — and
// the export's own retention removes only its own old files.
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/native/sqlite';
import { dayOf, exportSqliteTables, expiredExports } from '../../../electron/core/export/sqlite-tables';
import { removeTempDirs, tempDir, testContext } from '../../support/backup';

afterEach(removeTempDirs);

/** Every row of a table, each value with its SQLite type; text as its bytes (so nothing is smoothed over). */
function rowsOf(file: string, table: string): unknown[][] {
  const db = openDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const cols = (db.prepare('SELECT name FROM pragma_table_xinfo(?)').all(table) as { name: string }[]).map((c) => `"${c.name.replace(/"/g, '""')}"`);
    const select = cols.map((c) => `typeof(${c}), CASE WHEN typeof(${c}) = 'text' THEN CAST(${c} AS BLOB) ELSE ${c} END`).join(', ');
    return db.prepare(`SELECT ${select} FROM "${table.replace(/"/g, '""')}"`).raw(true).safeIntegers(true).all() as unknown[][];
  } finally {
    db.close();
  }
}

function makeSocialDb(file: string): void {
  const db = openDatabase(file);
  db.pragma('journal_mode = wal');
  db.exec(`
    CREATE TABLE "com""ments" (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT, score REAL, raw BLOB, anything, shout TEXT GENERATED ALWAYS AS (upper(body)) VIRTUAL);
    CREATE INDEX comments_score ON "com""ments"(score);
    CREATE TABLE likes (who TEXT NOT NULL, what INTEGER NOT NULL, at TEXT, PRIMARY KEY (who, what)) WITHOUT ROWID;
    CREATE TABLE audit (n INTEGER);
    CREATE TRIGGER likes_audit AFTER INSERT ON likes BEGIN INSERT INTO audit VALUES (new.what); END;
    CREATE TABLE private_notes (x TEXT);
    INSERT INTO private_notes VALUES ('not exported');
  `);
  const add = db.prepare('INSERT INTO "com""ments" (body, score, raw, anything) VALUES (?, ?, ?, ?)');
  const texts = ["plain", "it's \"quoted\"", 'line one\nline two', 'carriage\r\nreturn', 'nul\0inside', 'emoji 📷 ünïcödé', '', '-- not a comment; DROP TABLE likes;'];
  const reals = [0.1, 1 / 3, 1e300, -2.5e-308, 5e-324, 3.0, -0.0, 123456789.12345679, Number.MAX_VALUE, Infinity, -Infinity];
  const anything = [9223372036854775807n, -9223372036854775808n, 2n ** 53n + 1n, 0n, null, 'text in an untyped column', Buffer.from([0, 1, 2, 255]), 42.5, 7.0, -0.0];
  for (let i = 0; i < 40; i++) {
    add.safeIntegers(true).run(texts[i % texts.length], reals[i % reals.length], i % 5 === 0 ? null : Buffer.from(Array.from({ length: i * 7 }, (_, k) => (k * 31 + i) & 255)), anything[i % anything.length]);
  }
  db.exec(`INSERT INTO "com""ments" (body) VALUES (CAST(X'6E6F7420C3A9FF7574662D38' AS TEXT))`); // not valid UTF-8
  db.exec("INSERT INTO \"com\"\"ments\" (body, raw) VALUES (NULL, X'')"); // an empty blob
  const like = db.prepare('INSERT INTO likes VALUES (?, ?, ?)');
  for (let i = 0; i < 25; i++) like.run(`user ${i % 4}`, i, `2026-12-0${(i % 9) + 1}`);
  db.close();
}

describe('SQLite table export', () => {
  it('writes SQL text that the sqlite3 shell reads back into the same tables, row by row', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'site.db');
    makeSocialDb(file);
    const folder = path.join(dir, 'exports');
    const now = new Date(2026, 11, 4, 3, 0, 0);
    const result = await exportSqliteTables({ path: file, exportTables: ['com"ments', 'likes'], exportKeepWeeks: 12 }, testContext(), { folder, now });
    expect(result.file).toBe(path.join(folder, 'site-tables-2026-12-04.sql'));
    expect(result.tables).toEqual([
      { name: 'com"ments', rows: 42 },
      { name: 'likes', rows: 25 },
    ]);
    expect(await fsp.readdir(folder)).toEqual(['site-tables-2026-12-04.sql']);
    expect((await fsp.readdir(dir)).sort()).toEqual(['exports', 'site.db']);

    const back = path.join(dir, 'read-back.db');
    const shell = spawnSync('sqlite3', ['-bail', back, `.read '${result.file}'`], { encoding: 'utf8' });
    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
    for (const table of ['com"ments', 'likes']) {
      const want = rowsOf(file, table);
      expect(want.length).toBeGreaterThan(20);
      expect(rowsOf(back, table)).toEqual(want);
    }
    // The trigger came along and was not fired by the export's own inserts; unchosen tables stayed home.
    const db = openDatabase(back, { readonly: true, fileMustExist: true });
    const names = (db.prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite%' ORDER BY name").all() as { type: string; name: string }[]).map((r) => `${r.type} ${r.name}`);
    db.close();
    expect(names).toEqual(['table com"ments', 'index comments_score', 'table likes', 'trigger likes_audit']);
  });

  it('says which tables there are when a chosen one is not in the database', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'site.db');
    makeSocialDb(file);
    await expect(exportSqliteTables({ path: file, exportTables: ['likes', 'guestbook'], exportKeepWeeks: 12 }, testContext(), { folder: path.join(dir, 'out') })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `The database ${file} has no table guestbook.`,
      hint: 'Choose among its tables: audit, com"ments, likes, private_notes.',
    });
    expect(await fsp.readdir(path.join(dir, 'out'))).toEqual([]);
  });

  it('keeps its own exports for the chosen number of weeks and never touches other files', async () => {
    const dir = await tempDir('pci-sqlite-live-');
    const file = path.join(dir, 'site.db');
    makeSocialDb(file);
    const folder = path.join(dir, 'exports');
    await fsp.mkdir(folder);
    const now = new Date(2026, 11, 4, 3, 0, 0);
    const daysAgo = (n: number) => dayOf(new Date(2026, 11, 4 - n));
    const old = [`site-tables-${daysAgo(7 * 12 + 1)}.sql`, `site-tables-${daysAgo(400)}.sql`];
    const kept = [`site-tables-${daysAgo(7)}.sql`, `site-tables-${daysAgo(7 * 12)}.sql`, `other-tables-${daysAgo(400)}.sql`, 'notes.txt', `site-tables-${daysAgo(400)}.sql.bak`];
    for (const name of [...old, ...kept]) await fsp.writeFile(path.join(folder, name), 'x');
    const result = await exportSqliteTables({ path: file, exportTables: ['likes'], exportKeepWeeks: 12 }, testContext(), { folder, now });
    expect(result.removed.sort()).toEqual(old.sort());
    expect((await fsp.readdir(folder)).sort()).toEqual([...kept, 'site-tables-2026-12-04.sql'].sort());
    expect(expiredExports(['site-tables-2026-11-26.sql', 'site-tables-2026-11-28.sql'], 'site', 1, now)).toEqual(['site-tables-2026-11-26.sql']);
  });
});
