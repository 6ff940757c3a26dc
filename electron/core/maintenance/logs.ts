// PCI Maintenance's own logs: electron-log keeps main.log under 5 MB and renames a full one with a
// time stamp (log.ts). This task gzips those rotated files in place (zlib works off the main thread)
// and deletes archives older than the retention (7 days by default, like the plans ask). The archives
// stay beside main.log, where "Open Log Folder" and the support bundle already look.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** Rotated files: ours (`main-<iso stamp>.log`) and electron-log's default name (`main.old.log`). */
const ROTATED_RE = /^[\w.-]+-\d{4}-\d{2}-\d{2}T[\d-]+Z\.log$|^[\w.-]+\.old\.log$/;

export interface LogArchiveResult {
  compressed: number;
  compressedBytes: number;
  deleted: number;
}

export function archiveDir(logsDir: string): string {
  return logsDir;
}

export async function archiveLogs(logsDir: string, options: { retentionDays: number; now?: number; signal?: AbortSignal }): Promise<LogArchiveResult> {
  const now = options.now ?? Date.now();
  const archive = archiveDir(logsDir);
  await fsp.mkdir(archive, { recursive: true, mode: 0o700 });
  const result: LogArchiveResult = { compressed: 0, compressedBytes: 0, deleted: 0 };

  for (const name of (await fsp.readdir(logsDir)).filter((n) => ROTATED_RE.test(n)).sort()) {
    options.signal?.throwIfAborted();
    const source = path.join(logsDir, name);
    const stat = await fsp.stat(source);
    // `.old.log` is overwritten by the next rotation, so its archive gets the time it was last written.
    const target = path.join(archive, name.endsWith('.old.log') ? `${name.slice(0, -'.old.log'.length)}-${stat.mtime.toISOString().replace(/[:.]/g, '-')}.log.gz` : `${name}.gz`);
    const temp = `${target}.partial`;
    await pipeline(fs.createReadStream(source), createGzip(), fs.createWriteStream(temp, { mode: 0o600 }));
    await fsp.rename(temp, target);
    // The archive keeps the log's own time, so "kept 7 days" counts from when it was written.
    await fsp.utimes(target, stat.atime, stat.mtime);
    await fsp.unlink(source);
    result.compressed += 1;
    result.compressedBytes += stat.size;
  }

  const cutoff = now - options.retentionDays * 86_400_000;
  for (const name of await fsp.readdir(archive)) {
    const file = path.join(archive, name);
    const stat = await fsp.stat(file);
    if (stat.isFile() && stat.mtimeMs < cutoff && /\.log\.gz(\.partial)?$/.test(name)) {
      await fsp.unlink(file);
      result.deleted += 1;
    }
  }
  return result;
}

/** Delete what is in the data folder's tmp/ and older than `maxAgeMs` (files or whole folders). */
export async function cleanTmp(tmpDir: string, options: { maxAgeMs: number; now?: number }): Promise<{ removed: number; bytes: number }> {
  const now = options.now ?? Date.now();
  let removed = 0;
  let bytes = 0;
  let names: string[];
  try {
    names = await fsp.readdir(tmpDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { removed, bytes };
    throw err;
  }
  for (const name of names) {
    const entry = path.join(tmpDir, name);
    const stat = await fsp.lstat(entry);
    if (now - stat.mtimeMs < options.maxAgeMs) continue;
    bytes += stat.isDirectory() ? await sizeOf(entry) : stat.size;
    await fsp.rm(entry, { recursive: true, force: true });
    removed += 1;
  }
  return { removed, bytes };
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? await sizeOf(full) : (await fsp.lstat(full)).size;
  }
  return total;
}
