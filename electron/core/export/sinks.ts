// Where an export is written: a new folder, or one zip file. Both are built under a temporary name
// beside the target and only get the chosen name at the very end, so an interrupted export never
// leaves a half folder or half zip that looks complete, and nothing that exists is ever overwritten.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ArchiverError, ZipEntryData } from 'archiver';
import { userError } from '../../../shared/errors';
import { partialName } from './partials';

export interface FileMeta {
  mode?: number;
  mtime?: Date;
  /** Zip only: the content is already compressed (photos, videos, archives): store it as it is. */
  store?: boolean;
}

export interface ExportSink {
  /** Write one file at `rel` (a path SafePaths chose: `/`-separated, no `..`). */
  writeFile(rel: string, content: AsyncIterable<Buffer> | Buffer, meta?: FileMeta): Promise<void>;
  mkdir(rel: string, meta?: FileMeta): Promise<void>;
  /** Give the export its final name. */
  finish(): Promise<void>;
  /** Remove everything written (cancel or failure). */
  abort(): Promise<void>;
}

/** Owner may always read and write what was exported; other bits follow the backup. */
const modeOf = (mode: number | undefined, fallback: number) => ((mode ?? fallback) & 0o777) | 0o600;

function refuseExisting(target: string, what: string): never {
  throw userError('INVALID_INPUT', 'Already exists', `${what} ${target} already exists and has files in it.`, 'Choose a new or empty folder (or a new file name): an export never overwrites anything.');
}

/** Registers the temporary name while the export runs (partials.ts), so a killed export's leftover can be told apart. */
export interface PartialTrackerLike {
  start(partial: string): Promise<void>;
  done(): Promise<void>;
}

export async function folderSink(target: string, tracker?: PartialTrackerLike): Promise<ExportSink> {
  const final = path.resolve(target);
  const stat = await fsp.stat(final).catch(() => null);
  if (stat && (!stat.isDirectory() || (await fsp.readdir(final)).length > 0)) refuseExisting(final, stat.isDirectory() ? 'The folder' : 'A file named');
  const temp = partialName(final);
  await fsp.mkdir(path.dirname(final), { recursive: true });
  await tracker?.start(temp);
  await fsp.mkdir(temp);
  const inside = (rel: string): string => {
    const abs = path.resolve(temp, ...rel.split('/'));
    // Defence in depth: SafePaths never produces such a path, but nothing is written outside, ever.
    if (!abs.startsWith(temp + path.sep)) throw new Error(`Refusing to write outside the export folder: ${JSON.stringify(rel)}`);
    return abs;
  };
  return {
    async writeFile(rel, content, meta = {}) {
      const file = inside(rel);
      await fsp.mkdir(path.dirname(file), { recursive: true });
      // 'wx': fail rather than replace, should two entries ever reach the same name.
      const out = fs.createWriteStream(file, { flags: 'wx', mode: modeOf(meta.mode, 0o644) });
      await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : Readable.from(content), out);
      if (meta.mtime) await fsp.utimes(file, meta.mtime, meta.mtime);
    },
    async mkdir(rel, meta = {}) {
      const dir = inside(rel);
      await fsp.mkdir(dir, { recursive: true, mode: modeOf(meta.mode, 0o755) | 0o700 });
      if (meta.mtime) await fsp.utimes(dir, meta.mtime, meta.mtime);
    },
    async finish() {
      if (stat) await fsp.rmdir(final); // it was empty (checked above); rmdir fails if that changed
      await fsp.rename(temp, final);
      await tracker?.done();
    },
    async abort() {
      await fsp.rm(temp, { recursive: true, force: true });
      await tracker?.done();
    },
  };
}

export async function zipSink(target: string, tracker?: PartialTrackerLike): Promise<ExportSink> {
  const final = path.resolve(target);
  if (await fsp.stat(final).then(() => true, () => false)) refuseExisting(final, 'A file or folder named');
  await fsp.mkdir(path.dirname(final), { recursive: true });
  const temp = partialName(final);
  await tracker?.start(temp);
  const output = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 });
  // Loaded when a zip is written, not at every start (CLI start-up time, issue 13).
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 6 } });
  let failure: Error | null = null;
  archive.on('error', (err: ArchiverError) => (failure ??= err));
  archive.on('warning', (err: ArchiverError) => (failure ??= err));
  output.on('error', (err) => (failure ??= err));
  archive.pipe(output);
  /** Entries are written one at a time; waiting for each keeps memory bounded by one chunk. */
  const add = async (source: Readable | Buffer | string, data: ZipEntryData) => {
    if (failure) throw failure;
    const done = once(archive, 'entry');
    archive.append(source, data);
    await done;
    if (failure) throw failure;
  };
  return {
    async writeFile(rel, content, meta = {}) {
      await add(Buffer.isBuffer(content) ? content : Readable.from(content), { name: rel, mode: modeOf(meta.mode, 0o644), date: meta.mtime, store: meta.store });
    },
    async mkdir(rel, meta = {}) {
      await add(Buffer.alloc(0), { name: `${rel}/`, mode: modeOf(meta.mode, 0o755), date: meta.mtime });
    },
    async finish() {
      const closed = once(output, 'close');
      await archive.finalize();
      await closed;
      if (failure) throw failure;
      // A hard link fails if the name was taken meanwhile: never overwrites, unlike rename.
      await fsp.link(temp, final);
      await fsp.unlink(temp);
      await tracker?.done();
    },
    async abort() {
      archive.abort();
      output.destroy();
      await fsp.rm(temp, { force: true });
      await tracker?.done();
    },
  };
}
