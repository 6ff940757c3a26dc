// What the SQLite source, its verification, restore and table export share: opening a database file
// through the project's loader, a consistent copy through SQLite's online backup API, the check of a
// copy (integrity and rows per table), rebuilding a file from its chunks, and plain-words errors.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { UserError, userError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { openDatabase } from '../native/sqlite';
import { errorText } from './retry';
import { setTimeout as sleep } from 'node:timers/promises';

export type SqliteDb = Database.Database;

/** The first 16 bytes of every SQLite 3 database file. */
const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A file's companions: the write-ahead log and its index (WAL mode), the rollback journal. */
export function companions(file: string): { wal: string; shm: string; journal: string } {
  return { wal: `${file}-wal`, shm: `${file}-shm`, journal: `${file}-journal` };
}

const exists = (file: string): boolean => fs.existsSync(file);

/** SQLite's error code (SQLITE_BUSY, SQLITE_NOTADB, …) or the file system's (ENOENT), when it has one. */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : '';
}

export function isBusy(err: unknown): boolean {
  return /^SQLITE_(BUSY|LOCKED)/.test(codeOf(err));
}

/** A failure to open or read `file` (the database of the app), in words a person can act on. */
export function sqliteError(err: unknown, file: string): UserError {
  if (err instanceof UserError) return err;
  const code = codeOf(err);
  const details = errorText(err);
  if (code === 'ENOENT' || (code === 'SQLITE_CANTOPEN' && !exists(file))) {
    return userError('NOT_FOUND', 'Database file not found', `The database file ${file} does not exist.`, 'Check the path of the SQLite database in the connection settings (the app may keep it somewhere else).', details);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_CANTOPEN' || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_AUTH') {
    return userError('SOURCE_NOT_READABLE', 'Cannot read the database', `PCI Maintenance may not read the database file ${file} (or the folder it is in).`, 'Run PCI Maintenance as a user who may read this file and its folder.', details);
  }
  if (code === 'SQLITE_NOTADB') {
    return userError('SOURCE_NOT_READABLE', 'Not a SQLite database', `${file} is not a SQLite database file.`, 'Check the path in the connection settings: it should name the app’s database file (often ending in .db, .sqlite or .sqlite3).', details);
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return userError('SOURCE_NOT_READABLE', 'The database is damaged', `SQLite reports that the database file ${file} is damaged.`, 'Stop the app and ask whoever looks after it for help; an earlier restore point may hold an undamaged copy.', details);
  }
  if (isBusy(err)) {
    return userError('BUSY', 'The database is busy', `The app kept the database ${file} locked for too long, so no copy could be taken.`, 'Try again in a few minutes, or when the app is less busy.', details);
  }
  return userError('SOURCE_NOT_READABLE', 'Cannot read the database', `PCI Maintenance could not read the database file ${file}.`, 'Check the disk and the file, then try again.', details);
}

/** A full disk while writing a copy of `bytes` into `folder`, in plain words; other errors unchanged. */
export function noSpaceError(err: unknown, folder: string, bytes: number, what: string): unknown {
  const code = codeOf(err);
  if (code !== 'ENOSPC' && code !== 'SQLITE_FULL' && code !== 'EDQUOT') return err;
  return userError('DEST_FULL', 'Not enough free space', `There is not enough free space in ${folder} for ${what} (${formatBytes(bytes)}).`, `Free at least ${formatBytes(bytes)} there, then try again.`, errorText(err));
}

/** Refuses, in plain words, a path that is missing, not a file or not a SQLite database (before SQLite sees it). */
export async function assertSqliteFile(file: string): Promise<number> {
  let size: number;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) throw userError('SOURCE_NOT_READABLE', 'Not a database file', `${file} is a folder or a device, not a database file.`, 'Check the path of the SQLite database in the connection settings.');
    size = st.size;
  } catch (err) {
    throw sqliteError(err, file);
  }
  if (size === 0) throw userError('SOURCE_NOT_READABLE', 'The database is empty', `The database file ${file} is empty: the app has not written anything to it yet.`, 'Start the app once so it creates its database, or check the path in the connection settings.');
  const head = Buffer.alloc(MAGIC.length);
  const fh = await fsp.open(file, 'r').catch((err: unknown) => Promise.reject(sqliteError(err, file)));
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  if (!head.equals(MAGIC)) throw sqliteError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), file);
  return size;
}

/** Open a database file that must exist; SQLite errors become plain words. */
export function openExisting(file: string, options: { readonly: boolean; timeoutMs?: number }): SqliteDb {
  try {
    return openDatabase(file, { readonly: options.readonly, fileMustExist: true, timeout: options.timeoutMs ?? 5000 });
  } catch (err) {
    throw sqliteError(err, file);
  }
}

export interface DatabaseShape {
  pageSize: number;
  journalMode: string;
  /** Ordinary tables (not SQLite's own, not virtual ones) with their rows, by name. */
  tables: { name: string; rows: number }[];
}

/** The ordinary tables of a database: SQLite's own (`sqlite_…`) and virtual tables (their module may be missing elsewhere) left out. */
export function tableNames(db: SqliteDb): string[] {
  const rows = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string; sql: string | null }[];
  return rows.filter((r) => !/^\s*CREATE\s+VIRTUAL\s/i.test(r.sql ?? '')).map((r) => r.name);
}

export function describeDatabase(db: SqliteDb): DatabaseShape {
  const tables = tableNames(db).map((name) => ({ name, rows: Number((db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(name)}`).get() as { n: number }).n) }));
  return {
    pageSize: Number(db.pragma('page_size', { simple: true })),
    journalMode: String(db.pragma('journal_mode', { simple: true })).toLowerCase(),
    tables,
  };
}

/** What `PRAGMA integrity_check` found, at most 20 lines; empty when the database is sound. */
export function integrityProblems(db: SqliteDb): string[] {
  const lines = (db.pragma('integrity_check(20)') as { integrity_check: string }[]).map((r) => r.integrity_check);
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

/** Opens `file` read-only, checks it and reads its shape; the connection is always closed. */
export function checkCopy(file: string): { problems: string[]; shape: DatabaseShape } {
  const db = openExisting(file, { readonly: true });
  try {
    const problems = integrityProblems(db);
    return { problems, shape: problems.length === 0 ? describeDatabase(db) : { pageSize: 0, journalMode: '', tables: [] } };
  } finally {
    db.close();
  }
}

/** A private folder for temporary copies, always removed by the caller (`fsp.rm(dir, {recursive})`). */
export async function scratchDir(tmpDir: string | undefined): Promise<string> {
  const base = tmpDir ?? os.tmpdir();
  await fsp.mkdir(base, { recursive: true });
  return fsp.mkdtemp(path.join(base, 'pci-sqlite-'));
}

const BUSY_RETRIES = 20;
/** Pages copied per step of the online backup (4 MiB of 4 KiB pages); the event loop runs between steps. */
const PAGES_PER_STEP = 1024;

/**
 * Copy the live database `file` into `dest` with SQLite's online backup API, inside one read
 * transaction, so the copy is the database at one moment whether the app uses a write-ahead log or a
 * rollback journal. In WAL mode the app keeps writing meanwhile; with a rollback journal its writes
 * wait for the copy (its busy timeout covers that: copying runs at disk speed, 4 MiB a step).
 * The live file is opened read-only (withReadOnly).
 */
export async function onlineCopy(file: string, dest: string, signal?: AbortSignal, log?: (message: string) => void): Promise<{ journalMode: string; pages: number }> {
  return withReadOnly(file, async (live) => {
    let journalMode: string;
    try {
      journalMode = String(live.pragma('journal_mode', { simple: true })).toLowerCase();
    } catch (err) {
      throw sqliteError(err, file);
    }
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      let result: { totalPages: number; remainingPages: number };
      try {
        // One read transaction for the whole copy: every step reads the same moment, so writes by
        // the app meanwhile never restart the copy (without it, a busy app restarts it for ever).
        live.exec('BEGIN');
        live.prepare('SELECT count(*) FROM sqlite_schema').get();
        result = await live.backup(dest, {
          progress: () => {
            if (signal?.aborted) throw signal.reason;
            return PAGES_PER_STEP;
          },
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (!isBusy(err) || attempt >= BUSY_RETRIES) throw sqliteError(err, file);
        result = { totalPages: 0, remainingPages: 0 };
      } finally {
        if (live.inTransaction) live.exec('COMMIT');
      }
      // better-sqlite3 resolves a step that met SQLITE_BUSY (before any page was copied) as "done"
      // with 0 pages and removes the new file: that is not a copy, try again.
      if (result.totalPages > 0 && result.remainingPages === 0 && exists(dest)) return { journalMode, pages: result.totalPages };
      await fsp.rm(dest, { force: true });
      if (attempt >= BUSY_RETRIES) throw sqliteError(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }), file);
      await sleep(Math.min(50 * 2 ** attempt, 1000));
    }
  }, log);
}

/**
 * Runs `fn` with a read-only connection to the live database `file`, never writing to it. A
 * read-only connection cannot remove the `-wal`/`-shm` files it made for a WAL database, so when they
 * were not there before, a short read-write open lets SQLite remove them itself: SQLite deletes them
 * only when no other connection has the database open, so this is safe while the app runs.
 */
export async function withReadOnly<T>(file: string, fn: (db: SqliteDb) => Promise<T> | T, log?: (message: string) => void): Promise<T> {
  const { wal, shm } = companions(file);
  const hadWal = exists(wal) || exists(shm);
  let live = openExisting(file, { readonly: true });
  try {
    try {
      live.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (err) {
      // An app stopped in the middle of a change left it half done (a "hot" journal, or a log to
      // recover): a read-only connection may not undo it. A read-write one does, as the app itself
      // would on its next start, and then the database reads as it was before that change.
      if (!/^SQLITE_READONLY_(ROLLBACK|RECOVERY)/.test(codeOf(err))) throw sqliteError(err, file);
      live.close();
      const mend = openExisting(file, { readonly: false });
      try {
        mend.prepare('SELECT count(*) FROM sqlite_schema').get();
      } catch (again) {
        throw sqliteError(again, file);
      } finally {
        mend.close();
      }
      log?.(`The database ${file} had a change the app left unfinished (it was stopped in the middle of writing); SQLite undid it, as the app would on its next start.`);
      live = openExisting(file, { readonly: true });
    }
    return await fn(live);
  } finally {
    live.close();
    if (!hadWal && (exists(wal) || exists(shm))) {
      try {
        const tidy = openExisting(file, { readonly: false, timeoutMs: 100 });
        tidy.prepare('SELECT count(*) FROM sqlite_schema').get(); // SQLite opens the log on the first read
        tidy.close();
      } catch {
        // left for SQLite to reuse: an empty log next to the database harms nothing
      }
    }
  }
}

/** Writes the concatenated chunks to `dest` (created, never overwritten) and flushes it to the disk. */
export async function writeChunks(blobs: { getBlob(id: string): Promise<Buffer> }, chunks: { id: string }[], dest: string, signal?: AbortSignal): Promise<number> {
  const fh = await fsp.open(dest, 'wx', 0o600);
  let size = 0;
  try {
    for (const c of chunks) {
      signal?.throwIfAborted();
      const data = await blobs.getBlob(c.id);
      await fh.write(data);
      size += data.length;
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return size;
}

/** Flush a folder's entries (a rename or new link in it) to the disk; not every system can. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r').catch(() => null);
  if (!fh) return;
  await fh.sync().catch(() => undefined);
  await fh.close();
}

export const uniqueSuffix = (): string => randomBytes(4).toString('hex');
