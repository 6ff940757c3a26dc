// The local-folder backend: atomic writes, listing, path guards and errors a person can act on.
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRepoPath } from '../../../electron/core/repository/blob-store';
import { MissingObjectError } from '../../../electron/core/repository/errors';
import { FolderStore, nodeFolderFs, type FolderFs } from '../../../electron/core/repository/folder-store';
import { expectUserError, tempDir } from './helpers';

function errno(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: simulated`);
  err.code = code;
  return err;
}

/** The real filesystem, except that writing file contents fails with `code` (a full or read-only disk). */
function failingWrites(code: string): FolderFs {
  return {
    ...nodeFolderFs,
    open: async (file, flags) => {
      const handle = await nodeFolderFs.open(file, flags);
      if (flags === 'r') return handle;
      return {
        writeFile: () => Promise.reject(errno(code)),
        sync: () => handle.sync(),
        close: () => handle.close(),
      };
    },
  };
}

describe('FolderStore', () => {
  it('puts, gets, stats, lists in order and deletes', async () => {
    const store = new FolderStore(await tempDir());
    await store.put('blobs/ab/ab01', Buffer.from('one'));
    await store.put('blobs/cd/cd02', Buffer.from('two!'));
    await store.put('snapshots/x', Buffer.from('s'));
    await store.put('blobs/ab/ab01', Buffer.from('ONE')); // overwrite is atomic too
    expect((await store.get('blobs/ab/ab01')).toString()).toBe('ONE');
    expect(await store.stat('blobs/cd/cd02')).toEqual({ size: 4 });
    expect(await store.stat('blobs/zz/none')).toBeNull();
    expect(await store.exists('snapshots/x')).toBe(true);

    const listed = [];
    for await (const o of store.list('blobs/')) listed.push(o);
    expect(listed).toEqual([
      { path: 'blobs/ab/ab01', size: 3 },
      { path: 'blobs/cd/cd02', size: 4 },
    ]);
    const all = [];
    for await (const o of store.list('')) all.push(o.path);
    expect(all).toEqual(['blobs/ab/ab01', 'blobs/cd/cd02', 'snapshots/x']);
    const none = [];
    for await (const o of store.list('locks/')) none.push(o);
    expect(none).toEqual([]);

    await store.delete('blobs/ab/ab01');
    await store.delete('blobs/ab/ab01'); // idempotent
    expect(await store.exists('blobs/ab/ab01')).toBe(false);
    await expect(store.get('blobs/ab/ab01')).rejects.toBeInstanceOf(MissingObjectError);
  });

  it('leaves no temporary files behind and hides unfinished ones from listings', async () => {
    const dir = await tempDir();
    const store = new FolderStore(dir);
    await store.put('blobs/aa/aa11', Buffer.alloc(1000, 1));
    expect(await fs.readdir(path.join(dir, 'blobs', 'aa'))).toEqual(['aa11']);
    await fs.writeFile(path.join(dir, 'blobs', 'aa', '.tmp-deadbeef'), 'half a blob');
    const listed = [];
    for await (const o of store.list('blobs/')) listed.push(o.path);
    expect(listed).toEqual(['blobs/aa/aa11']);
  });

  it('refuses paths that could leave the folder', async () => {
    const store = new FolderStore(await tempDir());
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a\\b', 'a\0b', 'C:/x', '', 'a//b', './a', 'a/']) {
      expect(isRepoPath(bad), bad).toBe(false);
      await expect(store.put(bad, Buffer.from('x')), bad).rejects.toThrow(/Invalid repository path/);
      await expect(store.get(bad), bad).rejects.toThrow(/Invalid repository path/);
    }
    expect(isRepoPath('blobs/ab/abcdef')).toBe(true);
  });

  it('a full disk is DEST_FULL with plain words, and the temp file is cleaned up', async () => {
    const dir = await tempDir();
    const store = new FolderStore(dir, { fs: failingWrites('ENOSPC') });
    const err = await expectUserError(store.put('blobs/ab/ab01', Buffer.from('data')), 'DEST_FULL');
    expect(err.message).toBe('The backup drive is full');
    expect(err.hint).toBe('Free some space or choose another backup location');
    expect(await fs.readdir(path.join(dir, 'blobs', 'ab'))).toEqual([]);
  });

  it('a read-only or forbidden destination is DEST_NOT_WRITABLE', async () => {
    for (const code of ['EACCES', 'EPERM', 'EROFS']) {
      const store = new FolderStore(await tempDir(), { fs: failingWrites(code) });
      await expectUserError(store.put('config', Buffer.from('{}')), 'DEST_NOT_WRITABLE');
    }
  });

  it('a missing root (unplugged drive) is DEST_NOT_FOUND and is never re-created by a write', async () => {
    const root = path.join(await tempDir(), 'usb', 'backups');
    const store = new FolderStore(root);
    await expectUserError(store.put('blobs/ab/ab01', Buffer.from('x')), 'DEST_NOT_FOUND');
    await expectUserError(store.get('config'), 'DEST_NOT_FOUND');
    await expect(fs.stat(root)).rejects.toThrow();
    await store.ensureRoot();
    await store.put('blobs/ab/ab01', Buffer.from('x'));
    expect(await store.exists('blobs/ab/ab01')).toBe(true);
  });

  it('reports free space', async () => {
    const store = new FolderStore(await tempDir());
    const free = await store.freeSpace();
    expect(typeof free).toBe('number');
    expect(free).toBeGreaterThan(0);
  });

  it('streams a file', async () => {
    const store = new FolderStore(await tempDir());
    await store.put('snapshots/s', Buffer.from('streamed'));
    const chunks: Buffer[] = [];
    for await (const c of await store.getStream('snapshots/s')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('streamed');
    await expect(store.getStream('snapshots/none')).rejects.toBeInstanceOf(MissingObjectError);
  });
});
