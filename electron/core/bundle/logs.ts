// The app's log files for a support bundle: the current log, the rotated ones beside it, and
// compressed archives (decompressed here, so the redaction can read them and so can the helper).
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { archiveDir } from '../maintenance/logs';

/** More would make the bundle too big to send; the newest logs matter most. */
export const MAX_LOG_BYTES = 50 * 1024 * 1024;
// zlib's callback API runs in the thread pool: the event loop stays free while archives unpack.
const gunzip = promisify(gunzipCb);
const LOG_FILE = /\.(log|txt)(\.\d+)?(\.gz)?$|\.gz$/i;

export interface LogFile {
  /** Name inside the bundle's logs/ folder (without .gz). */
  name: string;
  text: string;
  note: string | null;
}

export async function readLogs(logsDir: string, warnings: string[]): Promise<LogFile[]> {
  // The maintenance task's archives (gzipped rotated logs) may live in their own folder.
  const dirs = [...new Set([logsDir, archiveDir(logsDir)])];
  const files: Array<{ name: string; full: string; mtime: number; size: number }> = [];
  for (const dir of dirs) {
    const prefix = dir === logsDir ? '' : `${path.relative(logsDir, dir).split(path.sep).join('/')}/`;
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!LOG_FILE.test(name)) continue;
      const full = path.join(dir, name);
      const st = await fs.stat(full).catch(() => null);
      if (st?.isFile()) files.push({ name: prefix + name, full, mtime: st.mtimeMs, size: st.size });
    }
  }
  files.sort((a, b) => b.mtime - a.mtime);
  const out: LogFile[] = [];
  let total = 0;
  for (const f of files) {
    let data: Buffer;
    try {
      data = await fs.readFile(f.full);
      if (f.name.endsWith('.gz')) data = await gunzip(data, { maxOutputLength: MAX_LOG_BYTES });
    } catch (err) {
      warnings.push(`The log file ${f.name} could not be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
      continue;
    }
    if (total + data.length > MAX_LOG_BYTES) {
      warnings.push(`The log file ${f.name} was left out: the logs already take ${Math.round(total / 1e6)} MB.`);
      continue;
    }
    total += data.length;
    const plain = f.name.replace(/\.gz$/i, '');
    out.push({ name: plain.endsWith('.log') || plain.endsWith('.txt') || /\.\d+$/.test(plain) ? plain : `${plain}.log`, text: data.toString('utf8'), note: f.name.endsWith('.gz') ? `decompressed from ${f.name}` : null });
  }
  return out;
}
