// Backs up PCI File Manager's configuration folders: every file (content chunked like R2 objects),
// directory and symbolic link with its permission bits and modification time. Symbolic links are
// recorded as links (their text), never followed: a link to "/" must not pull in the whole disk.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../../shared/errors';
import type { OperationContext } from '../../../shared/jobs';
import type { ChunkRef, ManifestEntry } from '../repository';
import { errorText } from './retry';
import { PhaseProgress, storeFileChunks, type BackupSink, type SourceReport } from './sink';

export const FOLDERS_PHASE = 'Backing up configuration folders';

export interface FolderBackupOptions {
  hook?: (point: string) => Promise<void>;
}

/**
 * The name each folder gets under `files/`: its own name, made unique (`config`, `config-2`) when two
 * configured folders share one. A drive root ("/", "C:\") has no name and becomes "root".
 */
export function folderNames(folders: string[]): string[] {
  const used = new Set<string>();
  return folders.map((folder) => {
    const base = path.basename(path.resolve(folder)).replace(/[/\\]/g, '') || 'root';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}

function readError(err: unknown, file: string): Error {
  if (err instanceof UserError) return err;
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UserError({ code: 'NOT_FOUND', title: 'Folder not found', message: `The configuration folder ${file} does not exist.`, hint: 'Check the folders listed in the profile (Settings → Connections), or remove this one.', details: errorText(err) }, { cause: err });
  }
  return new UserError(
    {
      code: 'SOURCE_NOT_READABLE',
      title: 'Cannot read a file',
      message: `PCI Maintenance could not read ${file}.`,
      hint: code === 'EACCES' || code === 'EPERM' ? 'Run the backup as a user who may read this file, or remove its folder from the profile.' : 'Check the disk, then try again.',
      details: errorText(err),
    },
    { cause: err },
  );
}

interface Counted {
  files: number;
  bytes: number;
}

/** A quick walk for the totals of the progress bar (configuration folders are small). */
async function count(dir: string, into: Counted): Promise<void> {
  for (const entry of await fsp.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) await count(abs, into);
    else if (entry.isFile()) {
      into.files += 1;
      into.bytes += (await fsp.lstat(abs).catch(() => null))?.size ?? 0;
    } else if (entry.isSymbolicLink()) into.files += 1;
  }
}

const byName = (a: { name: string }, b: { name: string }): number => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));

export async function backupFolders(folders: string[], sink: BackupSink, ctx: OperationContext, options: FolderBackupOptions = {}): Promise<SourceReport[]> {
  const names = folderNames(folders);
  const totals: Counted = { files: 0, bytes: 0 };
  for (const folder of folders) await count(path.resolve(folder), totals);
  const progress = new PhaseProgress(ctx, FOLDERS_PHASE, 'files', totals.files, totals.bytes);
  const reports: SourceReport[] = [];

  for (let i = 0; i < folders.length; i++) {
    const root = path.resolve(folders[i]);
    const report: SourceReport = { kind: 'files', name: names[i], entries: 0, bytes: 0, newBytes: 0 };
    const rootStat = await fsp.stat(root).catch((err: unknown) => Promise.reject(readError(err, root)));
    if (!rootStat.isDirectory()) throw readError(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }), root);
    ctx.log('info', `Backing up configuration folder ${root} as files/${names[i]}`);

    const add = async (entry: ManifestEntry) => {
      await sink.add(entry);
      report.entries += 1;
      if ('size' in entry) report.bytes += entry.size;
    };

    const walk = async (dir: string, rel: string): Promise<void> => {
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch((err: unknown) => Promise.reject(readError(err, dir)));
      for (const dirent of entries.sort(byName)) {
        ctx.signal.throwIfAborted();
        const abs = path.join(dir, dirent.name);
        const relPath = rel ? `${rel}/${dirent.name}` : dirent.name;
        const repoPath = `files/${names[i]}/${relPath}`;
        let st;
        try {
          st = await fsp.lstat(abs);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted since the listing
          throw readError(err, abs);
        }
        const mtime = st.mtime.toISOString();
        if (st.isSymbolicLink()) {
          const target = await fsp.readlink(abs).catch((err: unknown) => Promise.reject(readError(err, abs)));
          await add({ kind: 'symlink', path: repoPath, target, mtime });
          progress.add(1, 0, relPath);
        } else if (st.isDirectory()) {
          await add({ kind: 'dir', path: repoPath, mode: st.mode & 0o7777, mtime });
          await walk(abs, relPath);
        } else if (st.isFile()) {
          const { chunks, size } = await storeFile(abs, sink, ctx, progress, report, options);
          await add({ kind: 'file', path: repoPath, mode: st.mode & 0o7777, mtime, size, chunks });
          progress.add(1, 0, relPath);
        } else {
          ctx.log('warn', `Skipped ${abs}: not a file, folder or link (a socket, pipe or device).`);
        }
      }
    };
    await walk(root, '');
    reports.push(report);
  }
  progress.emit('');
  return reports;
}

/** A file's bytes through the chunker, its read errors in the folders' words. */
async function storeFile(abs: string, sink: BackupSink, ctx: OperationContext, progress: PhaseProgress, report: SourceReport, options: FolderBackupOptions): Promise<{ chunks: ChunkRef[]; size: number }> {
  try {
    return await storeFileChunks(abs, sink, ctx, progress, report, async () => options.hook?.('file-chunk-stored'));
  } catch (err) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    throw readError(err, abs);
  }
}
