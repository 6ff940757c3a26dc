// Proves that a SQLite database in a restore point can be restored: the file is rebuilt from its
// chunks in a private temporary folder, SQLite checks it (`PRAGMA integrity_check`) and every
// table's rows are counted against the numbers recorded at backup time. The temporary copy is always
// removed. Problems come back in plain words, in the verification's own problem shape.
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { VerifyProblem } from '../../../shared/api/verify';
import type { OperationContext } from '../../../shared/jobs';
import { blobPath } from '../repository/blob-codec';
import type { Repository, SnapshotHeader, SqliteDatabaseEntry } from '../repository';
import { checkCopy, scratchDir } from '../sources/sqlite-file';
import { classifyBlobError } from './problems';

export const SQLITE_VERIFY_PHASE = 'Checking the SQLite database';

export interface SqliteVerifyOptions {
  /** The restore point the entry belongs to, named in each problem. */
  snapshotId?: string | null;
  /** Where the file is rebuilt (the data folder's tmp); default: the system's temporary folder. */
  tmpDir?: string;
}

export interface SqliteVerifyResult {
  ok: boolean;
  problems: VerifyProblem[];
  /** The tables of the rebuilt file with their rows (empty when it could not be rebuilt or opened). */
  tables: { name: string; rows: number }[];
}

export async function verifySqliteEntry(blobs: { getBlob(id: string): Promise<Buffer> }, entry: SqliteDatabaseEntry, ctx: OperationContext, options: SqliteVerifyOptions = {}): Promise<SqliteVerifyResult> {
  const snapshotId = options.snapshotId ?? null;
  const problems: VerifyProblem[] = [];
  const problem = (code: VerifyProblem['code'], message: string, blob: string | null = null) =>
    problems.push({ snapshotId, path: entry.path, blob, file: blob ? blobPath(blob) : null, code, message });
  const dir = await scratchDir(options.tmpDir);
  try {
    const file = path.join(dir, 'rebuilt.sqlite');
    let bytes = 0;
    ctx.onProgress({ phase: SQLITE_VERIFY_PHASE, unit: 'bytes', done: 0, total: entry.size, bytesDone: 0, bytesTotal: entry.size, message: entry.name });
    const fh = await fsp.open(file, 'wx', 0o600);
    try {
      for (const c of entry.chunks) {
        ctx.signal.throwIfAborted();
        let data: Buffer;
        try {
          data = await blobs.getBlob(c.id);
        } catch (err) {
          const found = classifyBlobError(err, c.size, undefined, false);
          if (!found) throw err;
          problem(found.code, `A piece of the database ${entry.name} cannot be read: ${found.why}. The database cannot be restored from this restore point.`, c.id);
          return { ok: false, problems, tables: [] };
        }
        await fh.write(data);
        bytes += data.length;
        ctx.onProgress({ done: bytes, bytesDone: bytes });
      }
    } finally {
      await fh.close();
    }
    if (bytes !== entry.size) {
      problem('wrong-size', `The database ${entry.name} rebuilt from the backup has ${bytes} bytes; the restore point says ${entry.size}.`);
      return { ok: false, problems, tables: [] };
    }

    let checked: ReturnType<typeof checkCopy>;
    try {
      checked = checkCopy(file);
    } catch (err) {
      problem('damaged', `The database ${entry.name} rebuilt from the backup cannot be opened by SQLite (${err instanceof Error ? err.message : String(err)}).`);
      return { ok: false, problems, tables: [] };
    }
    if (checked.problems.length > 0) {
      problem('damaged', `SQLite’s check of the database ${entry.name} rebuilt from the backup found damage: ${checked.problems.slice(0, 3).join('; ')}.`);
      return { ok: false, problems, tables: [] };
    }

    const found = new Map(checked.shape.tables.map((t) => [t.name, t.rows]));
    for (const t of entry.tables) {
      const rows = found.get(t.name);
      if (rows === undefined) problem('restore-count-mismatch', `The table ${t.name} is missing from the database ${entry.name} rebuilt from the backup (it had ${t.rows} rows).`);
      else if (rows !== t.rows) problem('restore-count-mismatch', `The table ${t.name} of the database ${entry.name} has ${rows} rows in the copy rebuilt from the backup; the restore point says ${t.rows}.`);
      found.delete(t.name);
    }
    for (const [name, rows] of found) problem('restore-count-mismatch', `The database ${entry.name} rebuilt from the backup has a table ${name} (${rows} rows) that the restore point does not list.`);
    if (problems.length === 0) ctx.log('info', `SQLite database ${entry.name}: rebuilt, checked by SQLite, ${entry.tables.length} tables with the rows recorded at backup time.`);
    return { ok: problems.length === 0, problems, tables: checked.shape.tables };
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Every SQLite database of one restore point, rebuilt and checked (the test restore of the SQLite sources). */
export async function verifySqliteSnapshot(repo: Pick<Repository, 'getBlob' | 'readManifest'>, header: SnapshotHeader, ctx: OperationContext, options: Omit<SqliteVerifyOptions, 'snapshotId'> = {}): Promise<{ ok: boolean; databases: number; problems: VerifyProblem[] }> {
  const problems: VerifyProblem[] = [];
  let databases = 0;
  for await (const entry of repo.readManifest(header)) {
    if (entry.kind !== 'sqlite-database') continue;
    databases += 1;
    problems.push(...(await verifySqliteEntry(repo, entry, ctx, { ...options, snapshotId: header.id })).problems);
  }
  return { ok: problems.length === 0, databases, problems };
}
