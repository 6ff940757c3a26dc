// Who has a live SQLite database open, asked without harm: its companion files (`-wal`/`-shm`, a
// "hot" `-journal`), the processes holding it (Linux), and SQLite itself (the write lock; whether the
// log is still there once our own connection has closed). A restore swaps a file only when nobody
// has it open (restore/sqlite-restore.ts).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { companions, isBusy, openExisting } from '../sources/sqlite-file';

/** The first bytes of a rollback journal that holds an unfinished change (a "hot" journal). */
const JOURNAL_MAGIC = Buffer.from([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

export type InUseReason = 'open' | 'lock' | 'journal' | 'process';

const REASON_WORDS: Record<InUseReason, string> = {
  open: 'the app has it open (its -wal and -shm files are there)',
  lock: 'the app is writing to it right now (it holds the write lock)',
  journal: 'a change to it is in progress (its -journal file is there)',
  process: 'a program has the file open',
};

export interface InUse {
  inUse: boolean;
  reasons: InUseReason[];
  /** Processes seen holding the file open (Linux): id and program name. */
  processes: { pid: number; name: string }[];
  /** The reasons in plain words, for a warning. */
  words: string;
}

export const inUseOf = (reasons: InUseReason[], processes: InUse['processes'] = []): InUse => ({
  inUse: reasons.length > 0,
  reasons,
  processes,
  words: reasons.map((r) => (r === 'process' ? `${REASON_WORDS[r]}: ${processes.map((p) => `${p.name} (process ${p.pid})`).join(', ')}` : REASON_WORDS[r])).join('; '),
});

/**
 * The other processes that have `file` open, where the system shows it (Linux: /proc/<pid>/fd; only
 * the processes this user may look into). A database with a rollback journal that the app keeps open
 * between changes leaves no other trace, and swapping it would leave the app writing to the old file.
 * Elsewhere an empty list (Windows refuses to rename a file another program has open anyway).
 */
export async function processesWithOpen(file: string): Promise<InUse['processes']> {
  if (process.platform !== 'linux') return [];
  const st = await fsp.stat(file).catch(() => null);
  if (!st) return [];
  const found: InUse['processes'] = [];
  for (const name of await fsp.readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const fds = await fsp.readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await fsp.stat(`/proc/${name}/fd/${fd}`).catch(() => null);
      if (target && target.ino === st.ino && target.dev === st.dev) {
        const comm = await fsp.readFile(`/proc/${name}/comm`, 'utf8').catch(() => '');
        found.push({ pid: Number(name), name: comm.trim() || 'a program' });
        break;
      }
    }
  }
  return found;
}

async function hotJournal(file: string): Promise<boolean> {
  const fh = await fsp.open(companions(file).journal, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(JOURNAL_MAGIC.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(JOURNAL_MAGIC);
  } finally {
    await fh.close();
  }
}

/** What can be seen without opening the database: its companion files, the processes holding it. Changes nothing (the preview uses it). */
export async function signsOfUse(file: string): Promise<InUse> {
  const { wal, shm } = companions(file);
  const reasons: InUseReason[] = [];
  if (fs.existsSync(wal) || fs.existsSync(shm)) reasons.push('open');
  if (await hotJournal(file)) reasons.push('journal');
  const processes = await processesWithOpen(file);
  if (processes.length > 0) reasons.push('process');
  return inUseOf(reasons, processes);
}

/**
 * Whether another program has the live database open, asked of SQLite itself: our connection reads
 * (which finishes a change a crashed app left behind), tries the write lock with a short wait, folds
 * the write-ahead log into the file (checkpoint) and closes. SQLite removes `-wal`/`-shm` when the
 * last connection closes, so if they are still there, someone else has the file open.
 */
export async function probeInUse(file: string, lockWaitMs = 200): Promise<InUse> {
  if (!fs.existsSync(file)) return inUseOf([]);
  const reasons: InUseReason[] = [];
  let db;
  try {
    db = openExisting(file, { readonly: false, timeoutMs: lockWaitMs });
  } catch {
    db = null; // not a database any more (damaged): only its companion files can tell
  }
  if (db) {
    try {
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
      if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (err) {
      if (isBusy(err)) reasons.push('lock');
      // a damaged file: the restore is what will mend it
    } finally {
      db.close();
    }
  }
  const signs = await signsOfUse(file);
  for (const r of signs.reasons) if (!reasons.includes(r)) reasons.push(r);
  return inUseOf(reasons, signs.processes);
}
