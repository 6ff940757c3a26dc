// Rotation of an app's own log files on real drives: a real child process appends numbered lines as
// fast as it can while the rotation runs again and again; the archives and the live file together
// must hold every line once, in order. Also retention, and the plain findings for what is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archivesOf, rotateAppLogs } from '../../../electron/core/maintenance/app-log-rotation';
import { TEST_PAUSE_ENV, TEST_PAUSE_MARKER } from '../../../electron/core/backup/test-hooks';
import { tempDir } from '../../support/engine';
import { mountSupport, mountTmpfs, type TestMount } from '../../support/mounts';
import { inPlaceSupport } from '../../support/collapse';

// The lossless rotation needs a drive that can cut in place (the temp folder here is ext4).
const inPlace = inPlaceSupport();
const why = inPlace.ok ? '' : ` — skipped: ${inPlace.reason}`;

// Lines of varying length, so the cut at a block boundary falls inside a line.
const WRITER = `
const fs = require('fs');
const fd = fs.openSync(process.argv[1], 'a');
let n = 0, stop = false;
process.on('SIGTERM', () => { stop = true; });
(function burst() {
  for (let i = 0; i < 200; i++) { n++; fs.writeSync(fd, 'line ' + n + ' ' + 'x'.repeat(n % 37) + '\\n'); }
  if (stop) { fs.closeSync(fd); process.stdout.write(String(n)); process.exit(0); }
  setImmediate(burst);
})();
`;

interface Writer {
  child: ChildProcess;
  /** Stop it; resolves with the number of the last line it wrote. */
  stop(): Promise<number>;
}

function startWriter(file: string): Writer {
  const child = spawn(process.execPath, ['-e', WRITER, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`writer exited with ${code}`)))));
  return { child, stop: () => (child.kill('SIGTERM'), exited) };
}

/** Wait until the file has grown by `bytes` (the writer runs in its own process). */
async function grown(file: string, bytes: number): Promise<void> {
  const start = fs.existsSync(file) ? fs.statSync(file).size : 0;
  while (!fs.existsSync(file) || fs.statSync(file).size < start + bytes) await new Promise((r) => setImmediate(r));
}

async function everything(folder: string, live: string): Promise<string> {
  const parts = (await archivesOf(folder, 'app')).map((a) => gunzipSync(fs.readFileSync(a.file)).toString());
  return parts.join('') + fs.readFileSync(live, 'utf8');
}

const numbers = (text: string) => text.split('\n').filter(Boolean).map((l) => Number(/^line (\d+) x*$/.exec(l)?.[1] ?? NaN));

let dir: string;
let writer: Writer | null = null;
beforeEach(() => {
  dir = tempDir('pci-app-logs-');
});
afterEach(async () => {
  if (writer && writer.child.exitCode === null) await writer.stop().catch(() => undefined);
  writer = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('rotating an app log while the app writes', () => {
  it.skipIf(!inPlace.ok)(`loses and repeats no line across five rotations (in place)${why}`, async () => {
    const live = path.join(dir, 'app.log');
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    writer = startWriter(live);
    const rotated = [];
    for (let i = 0; i < 5; i++) {
      await grown(live, 64 * 1024);
      const r = await rotateAppLogs({ paths: [live], archiveFolder: archive, keepDays: 7 });
      expect(r.findings).toEqual([]);
      rotated.push(...r.rotated);
    }
    const last = await writer.stop();
    expect(rotated.map((r) => r.method)).toEqual(['in-place', 'in-place', 'in-place', 'in-place', 'in-place']);
    // Archives are named by date, then by the number of the day's rotation.
    const names = (await archivesOf(archive, 'app')).map((a) => path.basename(a.file));
    expect(names).toHaveLength(5);
    expect(names[0]).toMatch(/^app-\d{4}-\d{2}-\d{2}\.log\.gz$/);
    expect(names[4]).toMatch(/^app-\d{4}-\d{2}-\d{2}-5\.log\.gz$/);
    const seen = numbers(await everything(archive, live));
    expect(seen.length).toBe(last);
    expect(seen.every((n, i) => n === i + 1)).toBe(true);
  });

  const tmpfs = mountSupport();
  let drive: TestMount | null = null;
  afterEach(() => {
    drive?.teardown();
    drive = null;
  });

  it.skipIf(!tmpfs.ok)(`falls back to copy and truncate where the drive cannot cut in place, and says so (tmpfs)${tmpfs.ok ? '' : ` — skipped: ${tmpfs.reason}`}`, async () => {
    drive = mountTmpfs(16);
    const live = path.join(drive.dir, 'app.log');
    const archive = path.join(drive.dir, 'archive');
    fs.mkdirSync(archive);
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i + 1} ${'x'.repeat((i + 1) % 37)}\n`).join('');
    fs.writeFileSync(live, lines);
    const r = await rotateAppLogs({ paths: [live], archiveFolder: archive });
    expect(r.rotated).toEqual([{ file: live, archive: expect.stringMatching(/app-\d{4}-\d{2}-\d{2}\.log\.gz$/), bytes: lines.length, method: 'copy-truncate', fallbackReason: "the drive's file system cannot remove the start of a file in place" }]);
    expect(fs.statSync(live).size).toBe(0);
    expect(await everything(archive, live)).toBe(lines);

    // With a writer: whatever is kept is in order and never twice (a line may be lost in the instant).
    writer = startWriter(live);
    for (let i = 0; i < 3; i++) {
      await grown(live, 64 * 1024);
      expect((await rotateAppLogs({ paths: [live], archiveFolder: archive })).rotated[0].method).toBe('copy-truncate');
    }
    const last = await writer.stop();
    const seen = numbers((await everything(archive, live)).slice(lines.length));
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(last);
  });
});

/** Rotate in another process and kill it with SIGKILL when it reaches `point`. */
async function rotateKilledAt(point: string, config: object): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/rotate-app-logs.ts', JSON.stringify(config)], { env: { ...process.env, [TEST_PAUSE_ENV]: point }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes(`${TEST_PAUSE_MARKER} ${point}`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the rotation ended (${code}) before ${point}: ${err}`)));
  });
  const gone = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

describe('a rotation killed half-way (kill -9)', () => {
  for (const point of ['app-log-before-rename', 'app-log-before-cut']) {
    it.skipIf(!inPlace.ok)(`at ${point}: the next rotation finishes it, every line still there once, in order${why}`, async () => {
      const live = path.join(dir, 'app.log');
      const archive = path.join(dir, 'archive');
      fs.mkdirSync(archive);
      writer = startWriter(live);
      await grown(live, 64 * 1024);
      await rotateKilledAt(point, { paths: [live], archiveFolder: archive });
      // The crash left the lines in the live file; an archive of them exists only past the rename.
      expect(fs.readFileSync(live, 'utf8').startsWith('line 1 x\n')).toBe(true);
      expect((await archivesOf(archive, 'app')).length).toBe(point === 'app-log-before-cut' ? 1 : 0);
      for (let i = 0; i < 2; i++) {
        await grown(live, 64 * 1024);
        expect((await rotateAppLogs({ paths: [live], archiveFolder: archive })).rotated[0].method).toBe('in-place');
      }
      const last = await writer.stop();
      const seen = numbers(await everything(archive, live));
      expect(seen.length).toBe(last);
      expect(seen.every((n, i) => n === i + 1)).toBe(true);
      expect(fs.readdirSync(archive).filter((n) => !n.endsWith('.log.gz'))).toEqual([]);
    });
  }
});

describe('rotation of app logs', () => {
  it.skipIf(!inPlace.ok)(`leaves an empty file and a file under one block as they are${why}`, async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    fs.writeFileSync(path.join(dir, 'empty.log'), '');
    fs.writeFileSync(path.join(dir, 'small.log'), 'one line\n');
    const r = await rotateAppLogs({ paths: [path.join(dir, 'empty.log'), path.join(dir, 'small.log')], archiveFolder: archive });
    expect(r).toMatchObject({ rotated: [], findings: [], bytesArchived: 0 });
    expect(r.unchanged.map((u) => u.reason)).toEqual(['empty: nothing to archive', '4.1 KB or less: kept as it is until it grows']);
    expect(fs.readdirSync(archive)).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'small.log'), 'utf8')).toBe('one line\n');
  });

  it('leaves a log to another process rotating it, and takes over the lock of one that is gone', async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    const live = path.join(dir, 'app.log');
    fs.writeFileSync(live, 'a line of the app\n'.repeat(1000));
    fs.writeFileSync(path.join(archive, '.app.lock'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    const held = await rotateAppLogs({ paths: [live], archiveFolder: archive });
    expect(held.findings).toEqual([{ file: live, message: `${live} is being rotated by process ${process.pid} on ${os.hostname()} right now; it was left to that one.` }]);
    expect(fs.statSync(live).size).toBe(18_000);

    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(archive, '.app.lock'), JSON.stringify({ pid: Number(dead.stdout), host: os.hostname() }));
    const taken = await rotateAppLogs({ paths: [live], archiveFolder: archive });
    expect(taken.findings).toEqual([]);
    expect(taken.rotated).toHaveLength(1);
    expect(fs.readdirSync(archive)).toEqual([path.basename(taken.rotated[0].archive)]);
  });

  it('goes on past a damaged rotation record', async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    const live = path.join(dir, 'app.log');
    fs.writeFileSync(live, 'a line of the app\n'.repeat(1000));
    fs.writeFileSync(path.join(archive, '.app.rotating'), '{"file": ');
    const r = await rotateAppLogs({ paths: [live], archiveFolder: archive });
    expect(r.findings).toEqual([]);
    expect(r.rotated).toHaveLength(1);
    expect(fs.existsSync(path.join(archive, '.app.rotating'))).toBe(false);
  });

  it('deletes its own archives older than the kept days and nothing else', async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    const now = Date.parse('2026-12-04T02:00:00Z');
    for (const name of ['app-2026-11-26.log.gz', 'app-2026-11-27-2.log.gz', 'app-2026-11-28.log.gz', 'app-2026-12-03.log.gz', 'other-2026-11-01.log.gz', 'notes.txt']) fs.writeFileSync(path.join(archive, name), gzipSync('x\n'));
    const live = path.join(dir, 'app.log');
    fs.writeFileSync(live, 'a line of the app\n'.repeat(1000));
    const r = await rotateAppLogs({ paths: [live], archiveFolder: archive, keepDays: 7 }, { now, timeZone: 'UTC' });
    expect(r.archivesRemoved).toBe(2);
    expect(fs.readdirSync(archive).sort()).toEqual(['app-2026-11-28.log.gz', 'app-2026-12-03.log.gz', 'app-2026-12-04.log.gz', 'notes.txt', 'other-2026-11-01.log.gz']);
  });

  it('reports a missing file, a missing archive folder and a file in place of a folder in plain words, changing nothing', async () => {
    const live = path.join(dir, 'app.log');
    fs.writeFileSync(live, 'kept\n'.repeat(2000));
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);

    const missing = await rotateAppLogs({ paths: [path.join(dir, 'gone.log'), live], archiveFolder: archive });
    expect(missing.findings).toEqual([{ file: path.join(dir, 'gone.log'), message: `The log file ${path.join(dir, 'gone.log')} does not exist. Check its path in the connection's settings; nothing was changed.` }]);
    expect(missing.rotated).toHaveLength(1);

    const before = fs.readFileSync(live);
    const noFolder = await rotateAppLogs({ paths: [live], archiveFolder: path.join(dir, 'nowhere') });
    expect(noFolder.findings[0].message).toBe(`The archive folder ${path.join(dir, 'nowhere')} does not exist. Create it or choose another folder in the connection's settings; the log files were left as they are.`);
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
    const notFolder = await rotateAppLogs({ paths: [live], archiveFolder: live });
    expect(notFolder.findings[0].message).toContain('is not a folder');
    expect(fs.readFileSync(live)).toEqual(before);
  });

  const tmpfs = mountSupport();
  it.skipIf(!tmpfs.ok)(`reports an archive folder or a log file on a read-only drive, changing nothing${tmpfs.ok ? '' : ` — skipped: ${tmpfs.reason}`}`, async () => {
    const drive = mountTmpfs(4);
    try {
      fs.mkdirSync(path.join(drive.dir, 'archive'));
      fs.writeFileSync(path.join(drive.dir, 'app.log'), 'kept\n'.repeat(2000));
      const live = path.join(dir, 'app.log');
      fs.writeFileSync(live, 'kept\n'.repeat(2000));
      drive.readOnly();
      const ro = await rotateAppLogs({ paths: [live], archiveFolder: path.join(drive.dir, 'archive') });
      expect(ro.findings[0].message).toContain('PCI Maintenance may not write in the archive folder');
      expect(fs.readFileSync(live, 'utf8')).toBe('kept\n'.repeat(2000));

      fs.mkdirSync(path.join(dir, 'archive'));
      const roLog = await rotateAppLogs({ paths: [path.join(drive.dir, 'app.log')], archiveFolder: path.join(dir, 'archive') });
      expect(roLog.findings[0].message).toContain('is on a read-only drive');
      expect(fs.readdirSync(path.join(dir, 'archive'))).toEqual([]);
    } finally {
      drive.teardown();
    }
  });
});
