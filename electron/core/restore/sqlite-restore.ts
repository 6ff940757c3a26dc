// Puts a SQLite database from a restore point back in place, with swap-in: the file is rebuilt beside
// the live one (`<file>.restoring-<id>`), flushed to the disk and checked by SQLite, the live file is
// kept as the safety copy (`<file>.before-restore-<time>`, a hard link, so the live name never goes
// missing), and the new file is renamed over the live one. A rename is atomic, so at every moment the
// live name holds either the old database or the new one, never a torn file — even after kill -9.
//
// A database the app still has open must not be swapped: its write-ahead log (`-wal`) belongs to the
// old file and SQLite would replay it into the new one, and an app holding the old file keeps writing
// to it. So the restore first makes sure nobody has the file open (no `-wal`/`-shm` left after our
// own connection closes, no write lock, no change in progress, no process holding it:
// sqlite-in-use.ts), folds a leftover log into the live file (a checkpoint, so the safety copy is
// complete), and otherwise says so in plain words — and can wait for the app to close it
// (`waitForCloseMs`).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { SqliteDatabaseEntry } from '../repository';
import { checkCopy, companions, noSpaceError, syncDir, uniqueSuffix, writeChunks } from '../sources/sqlite-file';
import { describeSqlite } from '../sources/sqlite';
import { inUseOf, probeInUse, signsOfUse, type InUse } from './sqlite-in-use';
import { setTimeout as sleep } from 'node:timers/promises';

export const SQLITE_RESTORE_PHASE = 'Restoring the SQLite database';

export interface SqliteRestorePlan {
  name: string;
  /** The file that will be replaced (or created). */
  target: string;
  exists: boolean;
  /** The live file now, or null when it does not exist or cannot be read (`nowProblem` says why). */
  now: { size: number; tables: { name: string; rows: number }[] } | null;
  nowProblem: string | null;
  restorePoint: { size: number; journalMode: string; tables: { name: string; rows: number }[] };
  /** Every table of either side: rows now and in the restore point (null: the table is not there). */
  tables: { name: string; rowsNow: number | null; rowsThen: number | null }[];
  /** Where the live file will be kept (the time is filled in when the restore runs). */
  safetyCopy: string | null;
  /** Signs that the app has the file open, seen without touching it. */
  inUse: InUse;
}

/**
 * The file a restore replaces: the given place or where the database was backed up from. A link is
 * followed, so the new file is written beside the real one and the link stays a link.
 */
export async function restoreTarget(entry: SqliteDatabaseEntry, target?: string): Promise<string> {
  const wanted = path.resolve(target ?? entry.originalPath);
  return fsp.realpath(wanted).catch(() => wanted);
}

/** The preview: tables and rows now and in the restore point, the file that will be replaced. Changes nothing. */
export async function planSqliteRestore(entry: SqliteDatabaseEntry, options: { target?: string } = {}): Promise<SqliteRestorePlan> {
  const target = await restoreTarget(entry, options.target);
  const exists = fs.existsSync(target);
  const inUse = exists ? await signsOfUse(target) : inUseOf([]);
  let now: SqliteRestorePlan['now'] = null;
  let nowProblem: string | null = null;
  if (exists) {
    try {
      const d = await describeSqlite(target);
      now = { size: d.size, tables: d.tables };
    } catch (err) {
      nowProblem = err instanceof Error ? err.message : String(err);
    }
  }
  const names = [...new Set([...(now?.tables ?? []).map((t) => t.name), ...entry.tables.map((t) => t.name)])].sort();
  const rows = (list: { name: string; rows: number }[] | undefined, name: string) => list?.find((t) => t.name === name)?.rows ?? null;
  return {
    name: entry.name,
    target,
    exists,
    now,
    nowProblem,
    restorePoint: { size: entry.size, journalMode: entry.journalMode, tables: entry.tables },
    tables: names.map((name) => ({ name, rowsNow: rows(now?.tables, name), rowsThen: rows(entry.tables, name) })),
    safetyCopy: exists ? `${target}.before-restore-<time>` : null,
    inUse,
  };
}

export interface SqliteRestoreOptions {
  /** Where to put the database; default: where it was backed up from. */
  target?: string;
  /** When the app has the file open: how long to wait for it to close it (0: do not wait, say so). */
  waitForCloseMs?: number;
  /** How often to look again while waiting. */
  pollMs?: number;
  /** The clock for the safety copy's name (tests). */
  now?: () => Date;
  /** Test hook, called at named points: 'sqlite-written', 'sqlite-checked', 'sqlite-safety-copied', 'sqlite-swapped'. */
  hook?: (point: string) => Promise<void>;
}

export interface SqliteRestoreResult {
  target: string;
  /** The live file as it was, kept beside it; null when there was none. */
  safetyCopy: string | null;
  bytes: number;
  tables: { name: string; rows: number }[];
  /** How long the restore waited for the app to close the database. */
  waitedMs: number;
}

const stampOf = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

function inUseError(target: string, use: InUse, waitedMs: number | null) {
  const waited = waitedMs === null ? '' : ` PCI Maintenance waited ${Math.round(waitedMs / 1000)} seconds for it to close the database.`;
  return userError(
    'BUSY',
    'The app still has the database open',
    `The database ${target} cannot be replaced now: ${use.words}. Nothing was changed.${waited}`,
    waitedMs === null
      ? 'Close the app that uses this database (or stop its service), then restore again — or let PCI Maintenance wait for it to close the database.'
      : 'Close the app that uses this database (or stop its service), then restore again, or wait longer.',
  );
}

/** Removes what an interrupted restore of `target` left beside it (its `.restoring-…` files). */
async function removeLeftovers(target: string, ctx: OperationContext): Promise<void> {
  const dir = path.dirname(target);
  const prefix = `${path.basename(target)}.restoring-`;
  for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix)) continue;
    await fsp.rm(path.join(dir, name), { force: true });
    ctx.log('info', `Removed ${name}, left by a restore that was interrupted.`);
  }
}

async function removeWithCompanions(file: string): Promise<void> {
  const c = companions(file);
  await Promise.all([file, c.wal, c.shm, c.journal].map((f) => fsp.rm(f, { force: true })));
}

export async function restoreSqlite(blobs: { getBlob(id: string): Promise<Buffer> }, entry: SqliteDatabaseEntry, ctx: OperationContext, options: SqliteRestoreOptions = {}): Promise<SqliteRestoreResult> {
  const target = await restoreTarget(entry, options.target);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw userError('NOT_FOUND', 'Folder not found', `The folder ${dir}, where the database goes, does not exist.`, 'Create the folder, or choose another place for the database.');
  const waitFor = Math.max(0, options.waitForCloseMs ?? 0);
  const progress = (message: string, bytesDone = 0) => ctx.onProgress({ phase: SQLITE_RESTORE_PHASE, unit: 'bytes', done: bytesDone, total: entry.size, bytesDone, bytesTotal: entry.size, message });
  progress(entry.name);

  // Say at once, before writing anything, when the app has the file open and waiting was not asked for.
  const first = await probeInUse(target);
  if (first.inUse) {
    ctx.log('warn', `The database ${target} is in use: ${first.words}.`);
    if (waitFor === 0) throw inUseError(target, first, null);
  }

  await removeLeftovers(target, ctx);
  const restoring = `${target}.restoring-${(ctx.jobId ?? uniqueSuffix()).replace(/[^A-Za-z0-9-]/g, '')}`;
  let swapped = false;
  try {
    const bytes = await writeChunks(blobs, entry.chunks, restoring, ctx.signal).catch((err: unknown) => Promise.reject(noSpaceError(err, dir, entry.size, 'the restored database beside the live one')));
    progress(entry.name, bytes);
    await options.hook?.('sqlite-written');
    if (bytes !== entry.size) throw damaged(entry, `the file came out ${bytes} bytes long instead of ${entry.size}`);
    const checked = checkCopy(restoring);
    // A read-only check of a WAL database leaves an empty log of its own: not part of the file.
    await Promise.all([companions(restoring).wal, companions(restoring).shm].map((f) => fsp.rm(f, { force: true })));
    if (checked.problems.length > 0) throw damaged(entry, `SQLite found damage: ${checked.problems[0]}`);
    const mismatch = entry.tables.find((t) => checked.shape.tables.find((c) => c.name === t.name)?.rows !== t.rows);
    if (mismatch) throw damaged(entry, `the table ${mismatch.name} does not have the ${mismatch.rows} rows recorded at backup time`);
    await options.hook?.('sqlite-checked');
    await takeOverAccess(target, restoring);

    // Nobody may have the live file open at the swap (see the top of this file).
    const started = Date.now();
    let use = await probeInUse(target);
    while (use.inUse) {
      const waited = Date.now() - started;
      if (waited >= waitFor) throw inUseError(target, use, waitFor > 0 ? waited : null);
      progress(`Waiting for the app to close ${path.basename(target)}: ${use.words}.`, bytes);
      await sleep(Math.min(options.pollMs ?? 250, waitFor - waited));
      ctx.signal.throwIfAborted();
      use = await probeInUse(target);
    }
    const waitedMs = Date.now() - started;

    let safetyCopy: string | null = null;
    if (fs.existsSync(target)) {
      safetyCopy = await keepSafetyCopy(target, (options.now ?? (() => new Date()))());
      ctx.log('info', `The database as it was is kept as ${safetyCopy}.`);
      await options.hook?.('sqlite-safety-copied');
    }
    // A last look, as close to the swap as can be: an app that opened the file meanwhile has its log there.
    const last = await signsOfUse(target);
    if (last.inUse) throw inUseError(target, last, waitFor > 0 ? waitedMs : null);
    ctx.signal.throwIfAborted();
    try {
      await fsp.rename(restoring, target);
    } catch (err) {
      // Windows refuses to replace a file another program has open.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES') throw inUseError(target, inUseOf(['process']), waitFor > 0 ? waitedMs : null);
      throw err;
    }
    swapped = true;
    await syncDir(dir);
    await options.hook?.('sqlite-swapped');
    progress(entry.name, bytes);
    ctx.log('info', `Restored the SQLite database ${entry.name} to ${target}: ${checked.shape.tables.length} tables, ${bytes} bytes.`);
    return { target, safetyCopy, bytes, tables: checked.shape.tables, waitedMs };
  } finally {
    if (!swapped) await removeWithCompanions(restoring);
  }
}

/**
 * The new file gets the live file's permissions and, where this process may set it, its owner: the
 * app often runs as a user of its own and must still be able to open its database after the swap.
 */
async function takeOverAccess(target: string, restoring: string): Promise<void> {
  const st = await fsp.stat(target).catch(() => null);
  if (!st) return;
  await fsp.chmod(restoring, st.mode & 0o7777).catch(() => undefined); // not every file system keeps modes
  if (process.platform !== 'win32' && typeof process.getuid === 'function' && (st.uid !== process.getuid() || st.gid !== process.getgid?.())) {
    await fsp.chown(restoring, st.uid, st.gid).catch(() => undefined); // only the superuser may give a file away
  }
}

function damaged(entry: SqliteDatabaseEntry, why: string) {
  return userError(
    'BACKUP_DAMAGED',
    'The backup of the database is damaged',
    `The database ${entry.name} rebuilt from this restore point is not sound (${why}), so it was not put in place. Nothing was changed.`,
    'Verify the backup location, and restore from another restore point.',
  );
}

/** The live file kept under a new name: a hard link (instant, and the live name never goes missing), else a flushed copy. */
async function keepSafetyCopy(target: string, at: Date): Promise<string> {
  const base = `${target}.before-restore-${stampOf(at)}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    try {
      await fsp.link(target, name);
      await syncDir(path.dirname(target));
      return name;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') throw err;
    }
    // A file system without hard links (FAT, exFAT, some network shares): a copy, flushed.
    await fsp.copyFile(target, name, fs.constants.COPYFILE_EXCL);
    const fh = await fsp.open(name, 'r+');
    await fh.sync();
    await fh.close();
    await syncDir(path.dirname(target));
    return name;
  }
}
