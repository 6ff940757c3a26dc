// Whether the temp folder's drive can cut the start of a file in place (fallocate --collapse-range:
// ext4, XFS, f2fs on Linux; not tmpfs), checked once on a scratch file, so the tests of the lossless
// rotation skip saying why where it cannot (they then run the copy + truncate tests only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let support: { ok: true } | { ok: false; reason: string } | null = null;

export function inPlaceSupport(): { ok: true } | { ok: false; reason: string } {
  if (support) return support;
  if (process.platform !== 'linux') return (support = { ok: false, reason: `cutting a file in place needs Linux (this is ${process.platform})` });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pci-collapse-probe-'));
  try {
    const file = path.join(dir, 'probe');
    fs.writeFileSync(file, Buffer.alloc(3 * 65536, 1));
    const r = spawnSync('fallocate', ['--collapse-range', '--offset', '0', '--length', '65536', file], { encoding: 'utf8' });
    if (r.error) return (support = { ok: false, reason: `fallocate cannot run here: ${r.error.message}` });
    if (r.status !== 0) return (support = { ok: false, reason: `the temp folder ${os.tmpdir()} cannot cut in place: ${r.stderr.trim()}` });
    return (support = { ok: true });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
