// Backs up one SQLite database file (an app such as a portfolio site keeps everything in one): a
// consistent copy through SQLite's online backup API into a private temporary folder, checked with
// `PRAGMA integrity_check` before anything is stored, rows counted per table, then stored through the
// location's content-defined chunker, so a daily backup of a large file that changed a little stores
// little. The entry is `sqlite/<name>` (docs/backup-format.md §6).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { SqliteDatabaseEntry } from '../repository';
import { assertSqliteFile, checkCopy, describeDatabase, noSpaceError, onlineCopy, scratchDir, sqliteError, withReadOnly, type DatabaseShape } from './sqlite-file';
import { PhaseProgress, storeFileChunks, type BackupSink, type SourceReport } from './sink';

/** A SQLite source as a profile holds it. */
export interface SqliteSourceConfig {
  /** The database file of the app. */
  path: string;
  /** Tables exported each week as SQL text (export/sqlite-tables.ts); may be empty. */
  exportTables: string[];
  /** How many weeks of those exports are kept. */
  exportKeepWeeks: number;
}

export const DEFAULT_EXPORT_KEEP_WEEKS = 12;
export const SQLITE_PHASE = 'Backing up the SQLite database';

export interface SqliteBackupOptions {
  /** The entry's name (`sqlite/<name>`), unique in the restore point; see sqliteNames. Default: the file's name. */
  name?: string;
  /** Where the temporary copy is made (the data folder's tmp); default: the system's temporary folder. */
  tmpDir?: string;
  /** Test hook, called at named points: 'sqlite-copied' (the copy is made, nothing stored yet), 'sqlite-chunk-stored'. */
  hook?: (point: string) => Promise<void>;
}

/** The names of several database files in one restore point: their file names, made unique (`app.db`, `app-2.db`). */
export function sqliteNames(files: string[]): string[] {
  const used = new Set<string>();
  return files.map((file) => {
    const raw = path.basename(path.resolve(file)).replace(/[/\\\0]/g, '');
    const base = raw === '' || raw === '.' || raw === '..' ? 'database' : raw;
    const ext = path.extname(base); // '' for "app" and ".hidden"
    const stem = base.slice(0, base.length - ext.length);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}${ext}`;
    used.add(name);
    return name;
  });
}

export interface SqliteDescription extends DatabaseShape {
  path: string;
  size: number;
}

/**
 * Sizes and counts of the live database (connection test, health, the checklist's baseline, the
 * restore preview): read through a read-only connection, nothing written. Plain-words errors.
 */
export async function describeSqlite(file: string): Promise<SqliteDescription> {
  const abs = path.resolve(file);
  const size = await assertSqliteFile(abs);
  return withReadOnly(abs, (db) => {
    try {
      return { path: abs, size, ...describeDatabase(db) };
    } catch (err) {
      throw sqliteError(err, abs);
    }
  });
}

export async function backupSqlite(source: SqliteSourceConfig, sink: BackupSink, ctx: OperationContext, options: SqliteBackupOptions = {}): Promise<SourceReport> {
  const file = path.resolve(source.path);
  const name = options.name ?? sqliteNames([file])[0];
  const liveSize = await assertSqliteFile(file);
  const progress = new PhaseProgress(ctx, SQLITE_PHASE, 'databases', 1, liveSize);
  const report: SourceReport = { kind: 'sqlite', name, entries: 0, bytes: 0, newBytes: 0, tables: [] };
  ctx.log('info', `Backing up the SQLite database ${file} as sqlite/${name}`);

  const dir = await scratchDir(options.tmpDir);
  try {
    const copy = path.join(dir, 'copy.sqlite');
    const { journalMode } = await onlineCopy(file, copy, ctx.signal, (m) => ctx.log('warn', m)).catch((err: unknown) => Promise.reject(noSpaceError(err, dir, liveSize, 'the temporary copy of the database')));
    await options.hook?.('sqlite-copied');
    ctx.signal.throwIfAborted();

    const checked = (() => {
      try {
        return checkCopy(copy);
      } catch (err) {
        throw sqliteError(err, file);
      }
    })();
    if (checked.problems.length > 0) {
      throw userError(
        'SOURCE_NOT_READABLE',
        'The database is damaged',
        `SQLite’s check of a fresh copy of ${file} found damage, so it was not stored: ${checked.problems[0]}.`,
        'Stop the app and ask whoever looks after it for help; an earlier restore point may hold an undamaged copy.',
        checked.problems.join('\n'),
      );
    }
    const { size: copySize } = await fsp.stat(copy);
    progress.setTotals(1, copySize);

    const { chunks, size } = await storeFileChunks(copy, sink, ctx, progress, report, async () => options.hook?.('sqlite-chunk-stored'));

    const entry: SqliteDatabaseEntry = {
      kind: 'sqlite-database',
      path: `sqlite/${name}`,
      name,
      originalPath: file,
      size,
      pageSize: checked.shape.pageSize,
      // The copy keeps the file's own mode (WAL is recorded in the file header); this says what it was.
      journalMode: journalMode || checked.shape.journalMode,
      tables: checked.shape.tables,
      chunks,
    };
    await sink.add(entry);
    report.entries = 1;
    report.bytes = size;
    report.tables = checked.shape.tables;
    progress.add(1, 0, name);
    const rows = checked.shape.tables.reduce((n, t) => n + t.rows, 0);
    ctx.log('info', `SQLite database ${name}: ${checked.shape.tables.length} tables, ${rows} rows, ${size} bytes (${report.newBytes} new).`);
    return report;
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw err;
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Every SQLite source of a profile, one after another, each under its own name (sqliteNames). */
export async function backupSqliteSources(sources: SqliteSourceConfig[], sink: BackupSink, ctx: OperationContext, options: Omit<SqliteBackupOptions, 'name'> = {}): Promise<SourceReport[]> {
  const names = sqliteNames(sources.map((s) => s.path));
  const reports: SourceReport[] = [];
  for (let i = 0; i < sources.length; i++) reports.push(await backupSqlite(sources[i], sink, ctx, { ...options, name: names[i] }));
  return reports;
}
