// Chosen tables of a SQLite source (a portfolio site's "social tables") written as SQL text that
// the `sqlite3` shell reads back with `.read`: the tables' CREATE statements, one INSERT per row,
// their indexes and triggers, in one transaction. The rows are read from a consistent copy (SQLite's
// online backup), so the app is never held up while the text is written. One dated file per export
// (`<name>-tables-YYYY-MM-DD.sql`) in a folder of its own, kept for `exportKeepWeeks` weeks.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { userError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { SqliteSourceConfig } from '../sources/sqlite';
import { assertSqliteFile, onlineCopy, openExisting, quoteIdent, scratchDir, syncDir, tableNames, uniqueSuffix, type SqliteDb } from '../sources/sqlite-file';

export const TABLE_EXPORT_PHASE = 'Exporting tables';

export interface TableExportOptions {
  /** The folder the dated files go to (created when missing). */
  folder: string;
  /** Where the temporary copy is made (the data folder's tmp); default: the system's temporary folder. */
  tmpDir?: string;
  /** The clock, for the file's date and the retention (tests). */
  now?: Date;
}

export interface TableExportResult {
  file: string;
  tables: { name: string; rows: number }[];
  bytes: number;
  /** Older exports removed by the retention (file names). */
  removed: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
/** The local calendar date, as in the file names. */
export const dayOf = (d: Date): string => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The file names' common part: the database's file name without its extension (`site.db` → `site`). */
export function exportStem(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return (ext ? base.slice(0, -ext.length) : base) || 'database';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The exports in `names` older than `keepWeeks` weeks before `now` (only files this export writes, never others). */
export function expiredExports(names: string[], stem: string, keepWeeks: number, now: Date): string[] {
  const pattern = new RegExp(`^${escapeRe(stem)}-tables-(\\d{4})-(\\d{2})-(\\d{2})\\.sql$`);
  const cutoff = new Date(now.getFullYear(), now.getMonth(), now.getDate() - Math.max(1, keepWeeks) * 7);
  return names.filter((name) => {
    const m = pattern.exec(name);
    return m !== null && new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) < cutoff;
  });
}

/** A REAL as SQL text that reads back as the same REAL: shortest round-trip digits, never mistaken for an integer. */
export function realLiteral(x: number): string {
  if (Number.isNaN(x)) return 'NULL'; // SQLite stores NaN as NULL
  if (!Number.isFinite(x)) return x > 0 ? '1e999' : '-1e999'; // what the sqlite3 shell's .dump writes
  if (Object.is(x, -0)) return '-0.0';
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Text for a `--` comment line: a newline in a name must not end the comment. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');

const hex = (b: Buffer) => `X'${b.toString('hex').toUpperCase()}'`;

/** TEXT from its UTF-8 bytes: a quoted string, or the bytes cast back to TEXT when a string literal could not carry them exactly. */
export function textLiteral(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  // NUL ends a string for the shell; a carriage return may be lost with the line ending; invalid
  // UTF-8 would come back changed. Those go as their bytes.
  if (/[\0\r]/.test(text) || !Buffer.from(text, 'utf8').equals(bytes)) return `CAST(${hex(bytes)} AS TEXT)`;
  return `'${text.replace(/'/g, "''")}'`;
}

function valueLiteral(type: string, value: unknown, utf8: boolean): string {
  switch (type) {
    case 'null':
      return 'NULL';
    case 'integer':
      return String(value); // a BigInt: exact for every 64-bit value
    case 'real':
      return realLiteral(Number(value));
    case 'text':
      return utf8 ? textLiteral(value as Buffer) : `'${String(value).replace(/'/g, "''")}'`;
    default:
      return hex(value as Buffer);
  }
}

/** Buffers text and writes it out in large pieces. */
class Writer {
  private parts: string[] = [];
  private size = 0;
  bytes = 0;
  constructor(private readonly fh: fsp.FileHandle) {}
  async add(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const data = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.size = 0;
    await this.fh.write(data);
    this.bytes += data.length;
  }
}

async function writeTable(db: SqliteDb, table: string, out: Writer, signal: AbortSignal, utf8: boolean): Promise<number> {
  const { sql } = db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table) as { sql: string };
  await out.add(`${sql};\n`);
  // Generated columns (hidden 2 and 3) are computed again by SQLite; they are not written.
  const columns = (db.prepare(`SELECT name, hidden FROM pragma_table_xinfo(?)`).all(table) as { name: string; hidden: number }[]).filter((c) => c.hidden === 0).map((c) => c.name);
  const select = columns.map((c) => `typeof(${quoteIdent(c)}), CASE WHEN typeof(${quoteIdent(c)}) = 'text' THEN CAST(${quoteIdent(c)} AS BLOB) ELSE ${quoteIdent(c)} END`).join(', ');
  const from = `SELECT ${select} FROM ${quoteIdent(table)}`;
  let stmt;
  try {
    stmt = db.prepare(`${from} ORDER BY _rowid_`); // the order rows were added in
  } catch {
    stmt = db.prepare(from); // WITHOUT ROWID: primary key order
  }
  const head = `INSERT INTO ${quoteIdent(table)}(${columns.map(quoteIdent).join(',')}) VALUES(`;
  let rows = 0;
  for (const row of stmt.raw(true).safeIntegers(true).iterate() as Iterable<unknown[]>) {
    const values: string[] = [];
    for (let i = 0; i < row.length; i += 2) values.push(valueLiteral(String(row[i]), row[i + 1], utf8));
    await out.add(`${head}${values.join(',')});\n`);
    if (++rows % 1000 === 0) signal.throwIfAborted();
  }
  return rows;
}

export async function exportSqliteTables(source: SqliteSourceConfig, ctx: OperationContext, options: TableExportOptions): Promise<TableExportResult> {
  const file = path.resolve(source.path);
  const chosen = [...new Set(source.exportTables)];
  if (chosen.length === 0) throw userError('INVALID_INPUT', 'No tables chosen', `No tables of ${file} are chosen for the weekly export.`, 'Choose the tables to export in the connection settings.');
  await assertSqliteFile(file);
  const now = options.now ?? new Date();
  const folder = path.resolve(options.folder);
  try {
    await fsp.mkdir(folder, { recursive: true });
  } catch (err) {
    throw userError('DEST_NOT_WRITABLE', 'Cannot write the export', `PCI Maintenance cannot create the export folder ${folder}.`, 'Choose a folder you may write to.', String(err));
  }
  const stem = exportStem(file);
  const name = `${stem}-tables-${dayOf(now)}.sql`;
  const target = path.join(folder, name);
  ctx.onProgress({ phase: TABLE_EXPORT_PHASE, unit: 'tables', done: 0, total: chosen.length, bytesDone: 0, bytesTotal: null, message: name });

  const dir = await scratchDir(options.tmpDir);
  const temp = path.join(folder, `.${name}.tmp-${uniqueSuffix()}`);
  try {
    const copy = path.join(dir, 'copy.sqlite');
    await onlineCopy(file, copy, ctx.signal, (m) => ctx.log('warn', m));
    const db = openExisting(copy, { readonly: true });
    try {
      const known = tableNames(db);
      const missing = chosen.filter((t) => !known.includes(t));
      if (missing.length > 0) {
        throw userError('NOT_FOUND', 'Table not found', `The database ${file} has no table ${missing.join(', ')}.`, `Choose among its tables: ${known.join(', ') || '(none)'}.`);
      }
      const utf8 = String(db.pragma('encoding', { simple: true })).toUpperCase() === 'UTF-8';
      const fh = await fsp.open(temp, 'wx', 0o600);
      const tables: TableExportResult['tables'] = [];
      let out: Writer;
      try {
        out = new Writer(fh);
        await out.add(`-- Tables ${oneLine(chosen.join(', '))} of ${oneLine(file)}, exported by PCI Maintenance on ${now.toISOString()}.\n`);
        await out.add(`-- To read them into a new database: sqlite3 new.db ".read ${name}"\n`);
        await out.add('PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n');
        for (const table of chosen) {
          ctx.signal.throwIfAborted();
          const rows = await writeTable(db, table, out, ctx.signal, utf8);
          tables.push({ name: table, rows });
          ctx.onProgress({ done: tables.length, bytesDone: out.bytes, message: table });
        }
        const extras = db.prepare("SELECT sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?)) ORDER BY type, name").all(JSON.stringify(chosen)) as { sql: string }[];
        for (const { sql } of extras) await out.add(`${sql};\n`);
        await out.add('COMMIT;\n');
        await out.flush();
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(temp, target);
      await syncDir(folder);
      const removed = expiredExports(await fsp.readdir(folder), stem, source.exportKeepWeeks, now);
      for (const old of removed) await fsp.rm(path.join(folder, old), { force: true });
      ctx.log('info', `Exported ${tables.map((t) => `${t.name} (${t.rows} rows)`).join(', ')} of ${file} to ${target}${removed.length ? `; removed ${removed.length} exports older than ${source.exportKeepWeeks} weeks` : ''}.`);
      return { file: target, tables, bytes: out.bytes, removed };
    } finally {
      db.close();
    }
  } finally {
    await fsp.rm(temp, { force: true });
    await fsp.rm(dir, { recursive: true, force: true });
  }
}
