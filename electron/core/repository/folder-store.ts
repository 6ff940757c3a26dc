// A backup location in a local folder (disk, USB drive, network share). Writes are crash-safe:
// temp file in the same directory → write → fsync → rename → fsync directory.
import fsp from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { UserError } from '../../../shared/errors';
import { assertRepoPath, assertRepoPrefix, type BlobStore, type StoredObject } from './blob-store';
import { MissingObjectError, backupDamaged, describeCause, destFull, destNotFound, destNotWritable } from './errors';
import { driveMissingError, planFolder } from './folder-root';

/** Files being written; readers and listings skip them (an interrupted write can leave one behind). */
export const TEMP_PREFIX = '.tmp-';

export interface FileHandleLike {
  writeFile(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface DirEntryLike {
  name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** The few filesystem calls this store makes, injectable so tests can simulate a full or read-only disk. */
export interface FolderFs {
  open(file: string, flags: string): Promise<FileHandleLike>;
  readFile(file: string): Promise<Buffer>;
  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  readRange(file: string, offset: number, length: number): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<DirEntryLike[]>;
  stat(file: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean; isDirectory(): boolean }>;
  unlink(file: string): Promise<void>;
  statfs(dir: string): Promise<{ bavail: number; bsize: number }>;
}

export const nodeFolderFs: FolderFs = {
  open: (file, flags) => fsp.open(file, flags),
  readFile: (file) => fsp.readFile(file),
  readRange: async (file, offset, length) => {
    const handle = await fsp.open(file, 'r');
    try {
      const out = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(out, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? out : out.subarray(0, got);
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, newPath) => fsp.link(existing, newPath),
  mkdir: async (dir) => {
    await fsp.mkdir(dir);
  },
  readdir: (dir) => fsp.readdir(dir, { withFileTypes: true }),
  stat: (file) => fsp.stat(file),
  unlink: (file) => fsp.unlink(file),
  statfs: (dir) => fsp.statfs(dir),
};

const WRITE_ERRORS_FULL = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);
const WRITE_ERRORS_DENIED = new Set(['EACCES', 'EPERM', 'EROFS']);
/** What link() says on filesystems without hard links (FAT32 and exFAT USB drives, some network shares). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EINVAL']);

export class FolderStore implements BlobStore {
  readonly kind = 'folder' as const;
  readonly root: string;
  private readonly fs: FolderFs;
  /** Directories known to exist, so a backup of 100k blobs does not mkdir 100k times. */
  private readonly knownDirs = new Set<string>();

  constructor(root: string, options: { fs?: FolderFs } = {}) {
    this.root = path.resolve(root);
    this.fs = options.fs ?? nodeFolderFs;
  }

  describe(): string {
    return this.root;
  }

  /**
   * Create the root folder (mkdir -p) for a first backup, unless its drive is missing (the rule is in
   * folder-root.ts). Other writes never create the root: on an unplugged USB drive that would silently
   * write backups onto the system disk.
   */
  async ensureRoot(): Promise<void> {
    const plan = await planFolder(this.root);
    if (plan.kind === 'exists') return;
    if (plan.kind === 'drive-missing') throw driveMissingError(this.root, plan);
    try {
      await fsp.mkdir(this.root, { recursive: true });
    } catch (err) {
      throw await this.mapError(err, 'mkdir', '.', 'write');
    }
  }

  async get(rel: string): Promise<Buffer> {
    try {
      return await this.fs.readFile(this.abs(rel));
    } catch (err) {
      throw await this.mapError(err, 'read', rel, 'read');
    }
  }

  async getRange(rel: string, offset: number, length: number): Promise<Buffer> {
    try {
      return await this.fs.readRange(this.abs(rel), offset, length);
    } catch (err) {
      throw await this.mapError(err, 'read', rel, 'read');
    }
  }

  async getStream(rel: string): Promise<Readable> {
    // Open first so a missing file fails here, not later inside the stream.
    await this.stat(rel).then((s) => {
      if (!s) throw new MissingObjectError(rel);
    });
    return createReadStream(this.abs(rel));
  }

  async put(rel: string, data: Buffer): Promise<void> {
    const target = this.abs(rel);
    const dir = path.dirname(target);
    const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let step = 'mkdir';
    try {
      await this.ensureDir(path.posix.dirname(rel));
      step = 'write';
      await this.writeSynced(temp, data);
      step = 'rename';
      await this.fs.rename(temp, target);
    } catch (err) {
      if (step !== 'mkdir') await this.fs.unlink(temp).catch(() => undefined);
      throw await this.mapError(err, step, rel, 'write');
    }
    await this.syncDir(dir);
  }

  /**
   * Create-exclusive: the temp file is hard-linked to its name, and link(2) never replaces an existing
   * file (NTFS CreateHardLink neither), so of two writers exactly one wins and the file appears whole.
   * Without hard links (FAT, exFAT) an 'wx' open is still exclusive, but a reader may briefly see the
   * file before all of it is written; Repository.initOrOpen waits that out.
   */
  async putIfAbsent(rel: string, data: Buffer): Promise<boolean> {
    const target = this.abs(rel);
    const dir = path.dirname(target);
    const temp = path.join(dir, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`);
    let step = 'mkdir';
    let created: boolean;
    try {
      await this.ensureDir(path.posix.dirname(rel));
      step = 'write';
      await this.writeSynced(temp, data);
      step = 'link';
      created = await this.fs.link(temp, target).then(
        () => true,
        async (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') return false;
          if (!NO_HARD_LINKS.has(err.code ?? '')) throw err;
          step = 'create';
          return this.createDirect(target, data);
        },
      );
    } catch (err) {
      throw await this.mapError(err, step, rel, 'write');
    } finally {
      if (step !== 'mkdir') await this.fs.unlink(temp).catch(() => undefined);
    }
    if (created) await this.syncDir(dir);
    return created;
  }

  /** The no-hard-link fallback: 'wx' is exclusive; a file we created but could not fill is removed again. */
  private async createDirect(target: string, data: Buffer): Promise<boolean> {
    let handle: FileHandleLike;
    try {
      handle = await this.fs.open(target, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await this.fs.unlink(target).catch(() => undefined);
      throw err;
    }
    await handle.close();
    return true;
  }

  private async writeSynced(file: string, data: Buffer): Promise<void> {
    const handle = await this.fs.open(file, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async exists(rel: string): Promise<boolean> {
    return (await this.stat(rel)) !== null;
  }

  async stat(rel: string): Promise<{ size: number } | null> {
    try {
      const s = await this.fs.stat(this.abs(rel));
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      const mapped = await this.mapError(err, 'stat', rel, 'read');
      if (mapped instanceof MissingObjectError) return null;
      throw mapped;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    assertRepoPrefix(prefix);
    // Walk the deepest directory that contains every match, then filter by the full prefix.
    const slash = prefix.lastIndexOf('/');
    const baseDir = slash >= 0 ? prefix.slice(0, slash) : '';
    yield* this.walk(baseDir, prefix);
  }

  private async *walk(relDir: string, prefix: string): AsyncGenerator<StoredObject> {
    let entries: DirEntryLike[];
    try {
      entries = await this.fs.readdir(relDir ? this.abs(relDir) : this.root);
    } catch (err) {
      const mapped = await this.mapError(err, 'list', relDir || '.', 'read');
      if (mapped instanceof MissingObjectError) return; // nothing written there yet
      throw mapped;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(TEMP_PREFIX)) continue;
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        // Only descend where a match is still possible.
        if (prefix.startsWith(`${rel}/`) || `${rel}/`.startsWith(prefix)) yield* this.walk(rel, prefix);
      } else if (entry.isFile() && rel.startsWith(prefix)) {
        const s = await this.stat(rel);
        if (s) yield { path: rel, size: s.size };
      }
    }
  }

  async *listTemps(): AsyncGenerator<StoredObject & { modifiedAt: number }> {
    yield* this.walkTemps('');
  }

  private async *walkTemps(relDir: string): AsyncGenerator<StoredObject & { modifiedAt: number }> {
    let entries: DirEntryLike[];
    try {
      entries = await this.fs.readdir(relDir ? this.abs(relDir) : this.root);
    } catch (err) {
      const mapped = await this.mapError(err, 'list', relDir || '.', 'read');
      if (mapped instanceof MissingObjectError) return;
      throw mapped;
    }
    for (const entry of entries) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) yield* this.walkTemps(rel);
      else if (entry.isFile() && entry.name.startsWith(TEMP_PREFIX)) {
        const s = await this.fs.stat(this.abs(rel)).catch(() => null); // gone meanwhile: a write finished
        if (s) yield { path: rel, size: s.size, modifiedAt: s.mtimeMs };
      }
    }
  }

  async delete(rel: string): Promise<void> {
    try {
      await this.fs.unlink(this.abs(rel));
    } catch (err) {
      const mapped = await this.mapError(err, 'delete', rel, 'write');
      if (!(mapped instanceof MissingObjectError)) throw mapped;
    }
  }

  async freeSpace(): Promise<number | null> {
    try {
      const s = await this.fs.statfs(this.root);
      return Number(s.bavail) * Number(s.bsize);
    } catch (_err) {
      return null; // not every filesystem (or network share) can tell
    }
  }

  private abs(rel: string): string {
    assertRepoPath(rel);
    return path.join(this.root, ...rel.split('/'));
  }

  /** Create the directories below the root one level at a time (never the root itself). */
  private async ensureDir(relDir: string): Promise<void> {
    if (relDir === '.' || relDir === '' || this.knownDirs.has(relDir)) return;
    const parts = relDir.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      if (this.knownDirs.has(sub)) continue;
      try {
        await this.fs.mkdir(this.abs(sub));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      this.knownDirs.add(sub);
    }
  }

  /** Make the rename itself durable. Windows cannot open a directory for fsync; the rename is still atomic there. */
  private async syncDir(dir: string): Promise<void> {
    let handle: FileHandleLike | null = null;
    try {
      handle = await this.fs.open(dir, 'r');
      await handle.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (!['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'].includes(code ?? '')) {
        throw await this.mapError(err, 'fsync-dir', path.relative(this.root, dir) || '.', 'write');
      }
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private async rootExists(): Promise<boolean> {
    try {
      return (await this.fs.stat(this.root)).isDirectory();
    } catch (_err) {
      return false;
    }
  }

  /** Turn an fs error into something a person can act on; the path in `details` is the repository path. */
  private async mapError(err: unknown, op: string, rel: string, mode: 'read' | 'write'): Promise<Error> {
    if (err instanceof UserError) return err;
    const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
    const details = `${op} ${rel} in ${this.root}: ${describeCause(err)}`;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      // A missing root means the drive or folder is gone, not that one file is missing.
      if (!(await this.rootExists())) return destNotFound('folder', details, err);
      return new MissingObjectError(rel);
    }
    if (WRITE_ERRORS_FULL.has(code)) return destFull(details, err);
    if (WRITE_ERRORS_DENIED.has(code)) return destNotWritable('folder', details, err);
    if (mode === 'read' && code === 'EIO') return backupDamaged(rel, `could not be read (${code})`, err);
    if (mode === 'write' && code) return destNotWritable('folder', details, err);
    return err instanceof Error ? err : new Error(String(err));
  }
}
