// The rule that decides whether a first backup creates a missing backup folder or refuses because its
// drive is missing (repository/folder-root.ts), on real temp folders (and a real tmpfs mount as root).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderStore } from '../../../electron/core/repository/folder-store';
import { driveMissingError, planFolder } from '../../../electron/core/repository/folder-root';
import { expectUserError, tempDir } from './helpers';

describe('planFolder', () => {
  it('an existing folder is used as it is', async () => {
    expect(await planFolder(await tempDir())).toEqual({ kind: 'exists' });
  });

  it('a new folder (even several levels) on a disk that is there is created', async () => {
    const dir = await tempDir();
    expect(await planFolder(path.join(dir, 'pci', 'backups'))).toEqual({ kind: 'create', existing: dir });
  });

  it('a missing top-level folder is a drive that is not mounted', async () => {
    const plan = await planFolder(`/pci-no-such-drive-${process.pid}/backups`);
    expect(plan).toMatchObject({ kind: 'drive-missing', existing: '/' });
    expect(driveMissingError('/x', plan as Extract<typeof plan, { kind: 'drive-missing' }>)).toMatchObject({ code: 'DEST_NOT_FOUND', title: 'Backup drive not found' });
  });

  it('under a mount container: only on a mounted drive', async () => {
    const media = path.join(await tempDir(), 'media');
    await fs.mkdir(media);
    const containers = [media];
    // The drive's folder is not even there (udisks removes it when the drive goes).
    expect(await planFolder(path.join(media, 'usb', 'backups'), { containers })).toMatchObject({ kind: 'drive-missing', reason: `no drive is mounted at ${path.join(media, 'usb')}` });
    // An empty mount point (fstab): same filesystem as the container, so no drive in it.
    await fs.mkdir(path.join(media, 'usb'));
    expect(await planFolder(path.join(media, 'usb', 'backups'), { containers })).toMatchObject({ kind: 'drive-missing', existing: path.join(media, 'usb') });
  });

  it.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)('under a mount container with a drive mounted: created (tmpfs as the drive)', async () => {
    const media = path.join(await tempDir(), 'media');
    const usb = path.join(media, 'usb');
    await fs.mkdir(usb, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', usb]).status).toBe(0);
    try {
      expect(await planFolder(path.join(usb, 'pci', 'backups'), { containers: [media] })).toEqual({ kind: 'create', existing: usb });
    } finally {
      spawnSync('umount', [usb]); // before the temp folder is removed
    }
  });

  it('Windows: a drive letter that is not there is refused, a new folder on one that is there is created', async () => {
    const stat = async (p: string) => (p === 'D:\\' ? { dev: 1 } : null);
    expect(await planFolder('E:\\Backups\\PCI', { paths: path.win32, stat })).toEqual({ kind: 'drive-missing', existing: null, reason: 'E:\\ is not there' });
    expect(await planFolder('D:\\Backups\\PCI', { paths: path.win32, stat })).toEqual({ kind: 'create', existing: 'D:\\' });
    expect(await planFolder('\\\\nas\\share\\pci', { paths: path.win32, stat })).toMatchObject({ kind: 'drive-missing', existing: null });
  });
});

describe('FolderStore.ensureRoot follows the rule', () => {
  it('creates a new folder, and refuses (creating nothing) on a missing drive', async () => {
    const dir = path.join(await tempDir(), 'pci', 'backups');
    await new FolderStore(dir).ensureRoot();
    expect((await fs.stat(dir)).isDirectory()).toBe(true);

    const missing = `/pci-no-such-drive-${process.pid}`;
    const err = await expectUserError(new FolderStore(path.join(missing, 'backups')).ensureRoot(), 'DEST_NOT_FOUND');
    expect(err.message).toContain('its drive does not seem to be connected');
    await expect(fs.stat(missing)).rejects.toThrow();
  });
});
