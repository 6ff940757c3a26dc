// Configuration folders written back to their original place (or under a chosen folder), never
// outside it. Names in a backup are untrusted: `..`, absolute paths, drive letters, NUL and
// backslashes are refused when the plan is made, and while writing, a folder on the way that is a
// symbolic link is never followed (it could point anywhere on the disk). Files are written to a
// temporary name and renamed into place, so a file is either the old one or the restored one.
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { RESTORE_PHASES, type PlanFolder, type RestoreSummary } from '../../../shared/api/restore';
import type { OperationContext } from '../../../shared/jobs';
import type { Repository } from '../repository';
import type { FolderEntry } from './snapshot-index';

export const FOLDERS_PHASE = RESTORE_PHASES.folders;

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why a relative path from a backup may not be written, or null when it is safe. */
export function unsafeReason(rel: string, platform: NodeJS.Platform = process.platform): string | null {
  if (rel.length === 0) return 'the name is empty';
  if (rel.includes('\0')) return 'the name contains a NUL character';
  if (rel.startsWith('/') || rel.startsWith('\\')) return 'it is an absolute path';
  if (/^[A-Za-z]:/.test(rel)) return 'it starts with a drive letter';
  if (rel.includes('\\')) return 'it contains a backslash (a folder separator on Windows)';
  const parts = rel.split('/');
  if (parts.includes('..')) return 'it points to a parent folder (..)';
  if (parts.some((p) => p === '' || p === '.')) return 'it has an empty or "." part';
  if (platform === 'win32') {
    // A colon would write to an alternate data stream; device names open devices, not files.
    if (/[:*?"<>|]/.test(rel)) return 'it contains a character Windows does not allow in file names';
    if (parts.some((p) => WINDOWS_RESERVED.test(p) || /[. ]$/.test(p))) return 'it uses a name Windows reserves';
  }
  return null;
}

/** The path of a folder entry relative to its folder (`files/<name>/<rel>`). */
export function relativeOf(entryPath: string): string {
  return entryPath.split('/').slice(2).join('/');
}

/** Refused entries of one folder: unsafe names, and names that differ only in case (they would overwrite each other on Windows and macOS). */
export function refusedEntries(entries: FolderEntry[]): PlanFolder['refused'] {
  const refused: PlanFolder['refused'] = [];
  const seen = new Map<string, string>();
  for (const e of entries) {
    const rel = relativeOf(e.path);
    const why = unsafeReason(rel);
    if (why) {
      refused.push({ path: rel, why });
      continue;
    }
    const folded = rel.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined && other !== rel) refused.push({ path: rel, why: `it differs from ${other} only in upper/lower case` });
    else seen.set(folded, rel);
  }
  return refused;
}

class Refused extends Error {}

/** Create the folders of `segments` under `root` one by one, refusing any that is a link. */
async function ensureDirs(root: string, segments: string[]): Promise<string> {
  let current = root;
  for (const segment of segments) {
    current = path.join(current, segment);
    const stat = await fsp.lstat(current).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
    if (!stat) await fsp.mkdir(current);
    else if (stat.isSymbolicLink()) throw new Refused(`${segment} is a link; nothing is written through links`);
    else if (!stat.isDirectory()) throw new Refused(`${segment} exists and is not a folder`);
  }
  return current;
}

export interface FolderRestoreResult {
  written: number;
  bytes: number;
  failed: RestoreSummary['folders']['failed'];
  /** Absolute paths of the files written, with their entries (for the check afterwards). */
  files: { abs: string; size: number }[];
}

export async function restoreFolders(repo: Repository, planned: PlanFolder[], entriesOf: (name: string) => FolderEntry[], ctx: OperationContext, result: FolderRestoreResult): Promise<void> {
  const total = planned.reduce((n, f) => n + (f.target ? f.files + f.symlinks : 0), 0);
  const bytesTotal = planned.reduce((n, f) => n + (f.target ? f.bytes : 0), 0);
  let done = 0;
  const progress = (message: string) => ctx.onProgress({ phase: FOLDERS_PHASE, unit: 'files', done, total, bytesDone: result.bytes, bytesTotal, message });
  progress('');
  for (const folder of planned) {
    if (!folder.target) continue;
    const root = path.resolve(folder.target);
    await fsp.mkdir(root, { recursive: true });
    const refused = new Set(folder.refused.map((r) => r.path));
    const entries = entriesOf(folder.name).filter((e) => !refused.has(relativeOf(e.path)));
    const dirTimes: { abs: string; mtime: Date }[] = [];
    // Folders first (shallow to deep), then files and links.
    const order = (e: FolderEntry) => (e.kind === 'dir' ? 0 : 1);
    for (const entry of [...entries].sort((a, b) => order(a) - order(b) || a.path.split('/').length - b.path.split('/').length)) {
      ctx.signal.throwIfAborted();
      const rel = relativeOf(entry.path);
      const segments = rel.split('/');
      try {
        if (entry.kind === 'dir') {
          const abs = await ensureDirs(root, segments);
          await fsp.chmod(abs, entry.mode & 0o7777).catch(() => undefined); // not every file system keeps modes
          dirTimes.push({ abs, mtime: new Date(entry.mtime) });
          continue;
        }
        const parent = await ensureDirs(root, segments.slice(0, -1));
        const abs = path.join(parent, segments[segments.length - 1]);
        if (entry.kind === 'symlink') {
          const existing = await fsp.lstat(abs).catch(() => null);
          if (existing?.isDirectory()) throw new Refused('a folder with this name exists');
          if (existing) await fsp.unlink(abs);
          await fsp.symlink(entry.target, abs);
        } else {
          await writeFile(repo, abs, entry.chunks, entry.mode, new Date(entry.mtime), ctx.signal);
          result.bytes += entry.size;
          result.files.push({ abs, size: entry.size });
        }
        result.written += 1;
      } catch (err) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const message = err instanceof Refused ? `Not written: ${err.message}.` : `Could not be written: ${err instanceof Error ? err.message : String(err)}`;
        result.failed.push({ name: `${folder.name}/${rel}`, message });
        ctx.log('warn', `${folder.name}/${rel}: ${message}`);
      }
      if (entry.kind !== 'dir') {
        done += 1;
        progress(`${folder.name}/${rel}`);
      }
    }
    // Folder times last: writing the files inside changed them.
    for (const d of dirTimes.reverse()) await fsp.utimes(d.abs, d.mtime, d.mtime).catch(() => undefined);
  }
}

async function writeFile(repo: Repository, abs: string, chunks: { id: string }[], mode: number, mtime: Date, signal: AbortSignal): Promise<void> {
  const existing = await fsp.lstat(abs).catch(() => null);
  if (existing?.isDirectory()) throw new Refused('a folder with this name exists');
  const temp = path.join(path.dirname(abs), `.${path.basename(abs)}.pcimaint-${randomBytes(4).toString('hex')}`);
  const fh = await fsp.open(temp, 'wx', 0o600);
  try {
    for (const c of chunks) {
      signal.throwIfAborted();
      await fh.write(await repo.getBlob(c.id));
    }
    await fh.sync();
    await fh.close();
    await fsp.chmod(temp, mode & 0o7777).catch(() => undefined);
    await fsp.utimes(temp, mtime, mtime);
    await fsp.rename(temp, abs); // replaces a link itself, never its target
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw err;
  }
}
