// One step of an app log's rotation: the bytes archived are gzipped into the archive (temp name →
// fsync → rename), then cut off the live file; a small record beside the archives says which bytes
// of which file an archive holds until the cut is durable, so a crash in between neither loses the
// lines (they are still in the file) nor archives them twice (the next run finishes the cut).
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip, gzipSync } from 'node:zlib';
import { z } from 'zod';
import os from 'node:os';
import { writeFileAtomic } from '../profiles/atomic';
import { pidIsAlive } from '../repository/locks';

export type RotationMethod = 'in-place' | 'copy-truncate';

/** Test pause points (backup/test-hooks.ts): `app-log-before-rename`, `app-log-before-cut`. */
export type RotationHook = (point: string) => Promise<void>;

/** Cancel (between reads of a large file; the temp file goes, nothing is cut) and test pauses. */
export interface StepControl {
  signal?: AbortSignal;
  hook?: RotationHook;
}

/** The record of an archive whose bytes may still be in the live file. */
const Pending = z.object({
  file: z.string(),
  archive: z.string(),
  method: z.enum(['in-place', 'copy-truncate']),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  sha256: z.string(),
});
type Pending = z.infer<typeof Pending>;

/** `.app.rotating`: hidden, and not a name the log analysis reads. */
export const pendingFile = (folder: string, base: string) => path.join(folder, `.${base}.rotating`);

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

const Holder = z.object({ pid: z.number().int(), host: z.string() });

/**
 * One rotation of a log at a time, across processes (the app's nightly run and a cron job of the
 * CLI may meet): a lock file `.<name>.lock` beside the archives. One left by a process of this
 * machine that is gone is taken over. Returns the release, or who holds it.
 */
export async function lockLog(folder: string, base: string): Promise<{ release: () => Promise<void> } | { heldBy: string }> {
  const file = path.join(folder, `.${base}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fsp.open(file, 'wx', 0o600);
      await handle.writeFile(JSON.stringify({ pid: process.pid, host: os.hostname() }));
      await handle.close();
      return { release: () => fsp.unlink(file).catch(() => undefined) };
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw err;
    }
    const holder = Holder.safeParse(JSON.parse(await fsp.readFile(file, 'utf8').catch(() => '{}')));
    const gone = holder.success && holder.data.host === os.hostname() && !pidIsAlive(holder.data.pid);
    if (!gone) return { heldBy: holder.success ? `process ${holder.data.pid} on ${holder.data.host}` : 'another process' };
    await fsp.unlink(file).catch(() => undefined);
  }
  return { heldBy: 'another process' };
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

/** SHA-256 of bytes [start, end) of the open file. */
async function hashRange(log: FileHandle, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  if (end > start) for await (const chunk of fs.createReadStream('', { fd: log.fd, start, end: end - 1, autoClose: false })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Gzip bytes [start, end) of the log (to its end when `end` is null) into `archive`, and write the
 * pending record before the archive gets its name. Returns the end offset read.
 */
async function writeArchive(log: FileHandle, file: string, method: RotationMethod, start: number, end: number | null, archive: string, record: string, ctl: StepControl): Promise<number> {
  const temp = `${archive}.partial`;
  let bytes = 0;
  const hash = createHash('sha256');
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // A temp file left by a run that died while writing it holds nothing that is not still in the log.
  await fsp.unlink(temp).catch(() => undefined);
  try {
    // Read through the descriptor already open (the same file even if the app renames it meanwhile);
    // a stream of a FileHandle would keep the handle from closing.
    const input = fs.createReadStream('', { fd: log.fd, start, ...(end === null ? {} : { end: end - 1 }), autoClose: false });
    await pipeline(input, count, createGzip(), fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 }), { signal: ctl.signal });
    const out = await fsp.open(temp, 'r+');
    try {
      await out.sync();
    } finally {
      await out.close();
    }
    const pending: Pending = { file, archive, method, start, end: start + bytes, sha256: hash.digest('hex') };
    await writeFileAtomic(record, JSON.stringify(pending));
  } catch (err) {
    await fsp.unlink(temp).catch(() => undefined);
    throw err;
  }
  await ctl.hook?.('app-log-before-rename');
  await fsp.rename(temp, archive);
  await syncDir(path.dirname(archive));
  await ctl.hook?.('app-log-before-cut');
  return start + bytes;
}

/** FALLOC_FL_COLLAPSE_RANGE through util-linux's `fallocate`; null when done, else why not. */
async function collapseHead(file: string, length: number): Promise<string | null> {
  if (process.platform !== 'linux') return 'this system cannot remove the start of a file in place';
  try {
    await promisify(execFile)('fallocate', ['--collapse-range', '--offset', '0', '--length', String(length), file], { timeout: 120_000 });
    return null;
  } catch (err) {
    if (errno(err) === 'ENOENT') return 'the fallocate tool (util-linux) is not installed';
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    if (/not supported/i.test(stderr)) return "the drive's file system cannot remove the start of a file in place";
    return `removing the start of the file in place failed (${stderr || (err as Error).message})`;
  }
}

async function finish(log: FileHandle, record: string): Promise<void> {
  await log.sync();
  await fsp.unlink(record);
  await syncDir(path.dirname(record));
}

/**
 * Archive the first `head` bytes and cut them off in place. Null when done; otherwise why not, and
 * then the archive is removed again (nothing was cut, so every byte is still in the file).
 */
export async function archiveInPlace(log: FileHandle, file: string, head: number, archive: string, record: string, ctl: StepControl = {}): Promise<string | null> {
  await writeArchive(log, file, 'in-place', 0, head, archive, record, ctl);
  const why = await collapseHead(file, head);
  if (why) {
    await fsp.unlink(archive);
    await fsp.unlink(record);
    return why;
  }
  await finish(log, record);
  return null;
}

/**
 * Archive from `start` to the end, then empty the file. What the app appended while the archive was
 * made durable is read and the file truncated straight after, and that tail goes into the archive
 * as a second gzip member: a line is lost only if written between that read and the truncate.
 */
export async function archiveCopyTruncate(log: FileHandle, file: string, start: number, archive: string, record: string, ctl: StepControl = {}): Promise<number> {
  const end = await writeArchive(log, file, 'copy-truncate', start, null, archive, record, ctl);
  const size = (await log.stat()).size;
  const tail = Buffer.alloc(Math.max(0, size - end));
  const { bytesRead } = tail.length ? await log.read(tail, 0, tail.length, end) : { bytesRead: 0 };
  await log.truncate(0);
  if (bytesRead > 0) {
    const out = await fsp.open(archive, 'a');
    try {
      await out.write(gzipSync(tail.subarray(0, bytesRead)));
      await out.sync();
    } finally {
      await out.close();
    }
  }
  await finish(log, record);
  return end - start + bytesRead;
}

/**
 * After a crash between archiving and cutting: finish what the record says. Returns the offset from
 * which the file still has to be archived (0, or the end of an archive whose copy was not emptied).
 */
export async function recoverPending(log: FileHandle, file: string, record: string): Promise<number> {
  let pending: Pending;
  try {
    pending = Pending.parse(JSON.parse(await fsp.readFile(record, 'utf8')));
  } catch (err) {
    if (errno(err) === 'ENOENT') return 0;
    if (!(err instanceof SyntaxError || err instanceof z.ZodError)) throw err;
    // Written atomically, so never half; if damaged anyway, rotating on risks one archive twice,
    // never a lost line, where keeping it would stop this log's rotation for good.
    await fsp.unlink(record);
    return 0;
  }
  if (pending.file !== file) return 0;
  const archived = await fsp.stat(pending.archive).then(
    () => true,
    () => false,
  );
  await fsp.unlink(`${pending.archive}.partial`).catch(() => undefined);
  const size = (await log.stat()).size;
  const stillThere = archived && size >= pending.end && (await hashRange(log, pending.start, pending.end)) === pending.sha256;
  if (!stillThere) {
    // Not archived (the crash came before the rename), or already cut: nothing to finish.
    await fsp.unlink(record);
    return 0;
  }
  if (pending.method === 'in-place' && pending.start === 0 && !(await collapseHead(file, pending.end))) {
    await finish(log, record);
    return 0;
  }
  // Archived but not cut: the next archive starts where this one ended.
  await fsp.unlink(record);
  return pending.end;
}
