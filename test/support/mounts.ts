// Real full and real read-only drives for tests: a small tmpfs mounted in a temporary folder, filled
// with one file until the kernel says ENOSPC, or remounted read-only (EROFS). Mounting needs root
// (CAP_SYS_ADMIN); where it is not allowed, `mountSupport()` says why so the test can skip saying so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TestMount {
  /** The mounted folder (empty tmpfs). */
  dir: string;
  /** Write one file until the drive has no byte left (the kernel's ENOSPC, not a guess). */
  fill(): Promise<void>;
  /** Delete the filler again. */
  unfill(): Promise<void>;
  readOnly(): void;
  writable(): void;
  /** Unmount and remove the folder. */
  teardown(): void;
}

const FILLER = '.test-filler';

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

let support: { ok: true } | { ok: false; reason: string } | null = null;

/** Whether this machine lets the tests mount a tmpfs, checked once by mounting one. */
export function mountSupport(): { ok: true } | { ok: false; reason: string } {
  if (support) return support;
  if (process.platform !== 'linux') return (support = { ok: false, reason: `mounting a test drive needs Linux (this is ${process.platform})` });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-mount-probe-'));
  try {
    run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    run('umount', [dir]);
    support = { ok: true };
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    const who = process.getuid?.() === 0 ? 'root without CAP_SYS_ADMIN' : `not root (uid ${process.getuid?.()})`;
    support = { ok: false, reason: `mount is not permitted here (${who}): ${stderr || (err as Error).message}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return support;
}

export function mountTmpfs(sizeMiB: number): TestMount {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-drive-'));
  run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'tmpfs', dir]);
  let mounted = true;
  return {
    dir,
    async fill() {
      const handle = await fsp.open(path.join(dir, FILLER), 'a');
      const block = Buffer.alloc(64 * 1024);
      try {
        for (;;) {
          try {
            await handle.write(block);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            // The last block did not fit: fill the rest byte-sized until nothing fits at all.
            for (let size = block.length / 2; size >= 1; size = Math.floor(size / 2)) {
              for (;;) {
                try {
                  await handle.write(block.subarray(0, size));
                } catch (inner) {
                  if ((inner as NodeJS.ErrnoException).code !== 'ENOSPC') throw inner;
                  break;
                }
              }
            }
            return;
          }
        }
      } finally {
        await handle.close();
      }
    },
    async unfill() {
      await fsp.rm(path.join(dir, FILLER), { force: true });
    },
    readOnly() {
      run('mount', ['-o', 'remount,ro', dir]);
    },
    writable() {
      run('mount', ['-o', 'remount,rw', dir]);
    },
    teardown() {
      if (mounted) {
        try {
          run('umount', [dir]);
        } catch {
          run('umount', ['-l', dir]); // a child process still had it open: detach now
        }
        mounted = false;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Bytes still free on the drive holding `dir`. */
export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}
