// Rotation of an application's own log files (an `app-logs` source): what each file holds so far is
// gzipped into the archive folder the user chose (`<name>-YYYY-MM-DD[-N].log.gz`, temp name → fsync
// → rename), then removed from the live file in place, so the app keeps writing to the same file;
// archives older than `keepDays` are deleted. See docs/app-logs.md for the race this avoids.
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { formatBytes } from '../../../shared/format';
import { systemTimeZone, wallClock } from '../schedule/times';
import { archiveCopyTruncate, archiveInPlace, lockLog, pendingFile, recoverPending, type RotationHook, type RotationMethod } from './app-log-archive';

/** The configuration of one `app-logs` source, as a profile stores it. */
export const AppLogsConfig = z.object({
  paths: z.array(z.string().min(1)).min(1),
  archiveFolder: z.string().min(1),
  keepDays: z.number().int().min(1).max(3650).default(7),
});
export type AppLogsConfig = z.input<typeof AppLogsConfig>;

/**
 * `in-place`: the archived head was cut off the live file with FALLOC_FL_COLLAPSE_RANGE, which the
 * kernel does under the file's lock, so a line appended meanwhile is never lost. `copy-truncate`:
 * the file was copied and emptied; a line written in that instant may be lost.
 */
export type { RotationMethod };

export interface RotatedLog {
  file: string;
  archive: string;
  bytes: number;
  method: RotationMethod;
  /** Why the lossless way could not be used, for `copy-truncate`. */
  fallbackReason?: string;
}

export interface RotationResult {
  rotated: RotatedLog[];
  /** Files left as they are, with why ("empty"), which is not a problem. */
  unchanged: Array<{ file: string; reason: string }>;
  /** Problems in plain words; nothing was changed for these files. */
  findings: Array<{ file: string; message: string }>;
  archivesRemoved: number;
  bytesArchived: number;
}

export interface RotateOptions {
  now?: number;
  timeZone?: string;
  signal?: AbortSignal;
  /** Force copy + truncate (also used where the system has no in-place way). */
  method?: 'auto' | 'copy-truncate';
  hook?: RotationHook;
}

const ARCHIVE_RE = /^(.+)-(\d{4}-\d{2}-\d{2})(?:-(\d+))?\.log\.gz$/;

/** The archive name's stem for a log file: `app.log` → `app`, `server.out` → `server.out`. */
export function archiveBase(file: string): string {
  return path.basename(file).replace(/\.log$/i, '');
}

/** A log's archives in the folder, oldest first (by date, then by the number of the day's rotation). */
export async function archivesOf(folder: string, base: string): Promise<Array<{ file: string; date: string; seq: number }>> {
  let names: string[];
  try {
    names = await fsp.readdir(folder);
  } catch {
    return [];
  }
  const out: Array<{ file: string; date: string; seq: number }> = [];
  for (const name of names) {
    const m = ARCHIVE_RE.exec(name);
    if (m && m[1] === base) out.push({ file: path.join(folder, name), date: m[2], seq: m[3] ? Number(m[3]) : 1 });
  }
  return out.sort((a, b) => a.date.localeCompare(b.date) || a.seq - b.seq);
}

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

async function archiveFolderProblem(folder: string): Promise<string | null> {
  try {
    const st = await fsp.stat(folder);
    if (!st.isDirectory()) return `The archive folder ${folder} is not a folder. Choose a folder for the log archives in the connection's settings; the log files were left as they are.`;
    await fsp.access(folder, fsp.constants.W_OK);
    return null;
  } catch (err) {
    if (errno(err) === 'ENOENT') return `The archive folder ${folder} does not exist. Create it or choose another folder in the connection's settings; the log files were left as they are.`;
    return `PCI Maintenance may not write in the archive folder ${folder}. Give it permission or choose another folder; the log files were left as they are.`;
  }
}

async function nextArchive(folder: string, base: string, date: string): Promise<string> {
  const seq = Math.max(0, ...(await archivesOf(folder, base)).filter((a) => a.date === date).map((a) => a.seq));
  return path.join(folder, `${base}-${date}${seq === 0 ? '' : `-${seq + 1}`}.log.gz`);
}

/** Drives (by device number) that said they cannot cut in place: not tried again by this process. */
const NO_IN_PLACE = new Map<number, string>();

async function rotateOne(file: string, base: string, folder: string, date: string, options: RotateOptions, out: RotationResult): Promise<void> {
  let log: FileHandle;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) {
      out.findings.push({ file, message: `${file} is not a file. Check the log file's path in the connection's settings.` });
      return;
    }
    if (st.size === 0) {
      out.unchanged.push({ file, reason: 'empty: nothing to archive' });
      return;
    }
    log = await fsp.open(file, 'r+');
  } catch (err) {
    const code = errno(err);
    if (code === 'ENOENT') out.findings.push({ file, message: `The log file ${file} does not exist. Check its path in the connection's settings; nothing was changed.` });
    else if (code === 'EROFS') out.findings.push({ file, message: `The log file ${file} is on a read-only drive, so it cannot be emptied after archiving; nothing was changed.` });
    else out.findings.push({ file, message: `PCI Maintenance may not read and change the log file ${file}. Give it permission (read and write); nothing was changed.` });
    return;
  }
  try {
    const record = pendingFile(folder, base);
    const start = await recoverPending(log, file, record);
    const size = (await log.stat()).size;
    if (size === start) {
      out.unchanged.push({ file, reason: size === 0 ? 'empty: nothing to archive' : 'already archived' });
      return;
    }
    const { dev } = await log.stat();
    let fallbackReason = options.method === 'copy-truncate' ? 'copy and truncate was asked for' : process.platform === 'linux' ? NO_IN_PLACE.get(dev) : 'this system cannot remove the start of a file in place';
    if (!fallbackReason && start === 0) {
      // Collapsing works in whole blocks of the file system and must leave at least one byte.
      const block = Number((await fsp.statfs(file)).bsize) || 4096;
      const head = Math.floor((size - 1) / block) * block;
      if (head === 0) {
        out.unchanged.push({ file, reason: `${formatBytes(block)} or less: kept as it is until it grows` });
        return;
      }
      const archive = await nextArchive(folder, base, date);
      fallbackReason = (await archiveInPlace(log, file, head, archive, record, options)) ?? undefined;
      if (!fallbackReason) {
        out.rotated.push({ file, archive, bytes: head, method: 'in-place' });
        out.bytesArchived += head;
        return;
      }
      if (!fallbackReason.startsWith('removing')) NO_IN_PLACE.set(dev, fallbackReason);
    }
    const archive = await nextArchive(folder, base, date);
    const bytes = await archiveCopyTruncate(log, file, start, archive, record, options);
    fallbackReason ??= 'an earlier rotation was interrupted before it could empty the file';
    out.rotated.push({ file, archive, bytes, method: 'copy-truncate', fallbackReason });
    out.bytesArchived += bytes;
  } finally {
    await log.close();
  }
}

/** Archives dated `keepDays` or more calendar days before today are deleted (only this source's own archives). */
async function removeOld(folder: string, base: string, cutoffDate: string): Promise<number> {
  let removed = 0;
  // A temp archive left by a process that died while writing it (its bytes are still in the log).
  for (const name of await fsp.readdir(folder)) {
    const m = ARCHIVE_RE.exec(name.replace(/\.partial$/, ''));
    if (name.endsWith('.partial') && m?.[1] === base) await fsp.unlink(path.join(folder, name)).catch(() => undefined);
  }
  for (const a of await archivesOf(folder, base)) {
    if (a.date > cutoffDate) continue;
    await fsp.unlink(a.file);
    removed += 1;
  }
  return removed;
}

export async function rotateAppLogs(input: AppLogsConfig, options: RotateOptions = {}): Promise<RotationResult> {
  const config = AppLogsConfig.parse(input);
  const now = options.now ?? Date.now();
  const tz = options.timeZone ?? systemTimeZone();
  const dateOf = (t: number) => new Date(wallClock(t, tz)).toISOString().slice(0, 10);
  const folder = path.resolve(config.archiveFolder);
  const out: RotationResult = { rotated: [], unchanged: [], findings: [], archivesRemoved: 0, bytesArchived: 0 };
  const files = config.paths.map((p) => path.resolve(p));

  const problem = await archiveFolderProblem(folder);
  if (problem) {
    for (const file of files) out.findings.push({ file, message: problem });
    return out;
  }
  const cutoff = dateOf(now - config.keepDays * 86_400_000);
  const bases = new Map<string, string>();
  for (const file of files) {
    options.signal?.throwIfAborted();
    const base = archiveBase(file);
    const other = bases.get(base);
    if (other !== undefined) {
      if (other !== file) out.findings.push({ file, message: `${file} and ${other} have the same name, so their archives would mix in ${folder}. Give one of them its own archive folder; ${file} was left as it is.` });
      continue;
    }
    bases.set(base, file);
    let lock: Awaited<ReturnType<typeof lockLog>> | null = null;
    try {
      lock = await lockLog(folder, base);
      if ('heldBy' in lock) out.findings.push({ file, message: `${file} is being rotated by ${lock.heldBy} right now; it was left to that one.` });
      else {
        await rotateOne(file, base, folder, dateOf(now), options, out);
        out.archivesRemoved += await removeOld(folder, base, cutoff);
      }
    } catch (err) {
      if (options.signal?.aborted) throw err;
      out.findings.push({ file, message: `${file} could not be rotated: ${(err as Error).message}.` });
    } finally {
      if (lock && 'release' in lock) await lock.release();
    }
  }
  return out;
}
