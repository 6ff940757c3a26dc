// The log analysis of rotated app logs: it reads the gzip archives and the live file, and counts each
// line once — also the line an in-place rotation cut in two at a disk block, and also when the
// archive folder lies inside the analyzed log folder.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { archivesOf, rotateAppLogs } from '../../../electron/core/maintenance/app-log-rotation';
import { analyzeLogFolder, analyzeLogs } from '../../../electron/core/maintenance/log-analyzer';
import { tempDir } from '../../support/engine';
import { inPlaceSupport } from '../../support/collapse';

// The lossless rotation needs a drive that can cut in place (the temp folder here is ext4).
const inPlace = inPlaceSupport();
const why = inPlace.ok ? '' : ` — skipped: ${inPlace.reason}`;

let dir: string;
beforeEach(() => {
  dir = tempDir('pci-app-log-analysis-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = new Date(Date.now() - 3_600_000).toISOString();
const lines = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => (i % 3 === 0 ? `${at} ERROR Upload failed for file ${from + i}\n` : `${at} INFO served ${from + i}\n`)).join('');
const errorsIn = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => i).filter((i) => i % 3 === 0).length;

describe('analysis of rotated app logs', () => {
  it.skipIf(!inPlace.ok)(`reads archives and the live file as one text: every line counted once${why}`, async () => {
    const logs = path.join(dir, 'logs');
    const archive = path.join(logs, 'archive');
    fs.mkdirSync(archive, { recursive: true });
    const live = path.join(logs, 'site.log');
    fs.writeFileSync(live, lines(1, 500));
    expect((await rotateAppLogs({ paths: [live], archiveFolder: archive })).rotated[0].method).toBe('in-place');
    fs.appendFileSync(live, lines(501, 1000));
    expect((await rotateAppLogs({ paths: [live], archiveFolder: archive })).rotated[0].method).toBe('in-place');
    fs.appendFileSync(live, lines(1001, 1100));

    // The cut fell inside a line: the first archive ends with half of one.
    const archives = await archivesOf(archive, 'site');
    expect(archives).toHaveLength(2);
    expect(gunzipSync(fs.readFileSync(archives[0].file)).toString().endsWith('\n')).toBe(false);

    const expected = { lines: 1100, errors: errorsIn(1, 500) + errorsIn(501, 1000) + errorsIn(1001, 1100) };
    const config = { paths: [live], archiveFolder: archive };
    const alone = await analyzeLogs({ appLogs: [config] }, { days: 2 });
    expect({ files: alone.files, lines: alone.lines, skipped: alone.skipped }).toEqual({ files: 3, lines: expected.lines, skipped: [] });
    expect(alone.days.reduce((n, d) => n + d.errors, 0)).toBe(expected.errors);
    expect(alone.top[0]).toMatchObject({ level: 'error', message: 'Upload failed for file <n>', count: expected.errors });

    // The log folder holds the archive folder too: still each file once.
    const both = await analyzeLogs({ folder: logs, appLogs: [config] }, { days: 2 });
    expect({ files: both.files, lines: both.lines }).toEqual({ files: 3, lines: expected.lines });
    expect(both.days.reduce((n, d) => n + d.errors, 0)).toBe(expected.errors);
  });

  it('leaves out an archive being written, and says so when a live file is missing', async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    fs.writeFileSync(path.join(archive, 'site-2026-12-01.log.gz.partial'), 'half-written');
    const folder = await analyzeLogFolder(archive, { days: 2 });
    expect(folder).toMatchObject({ files: 0, lines: 0, skipped: [] });
    const missing = await analyzeLogs({ appLogs: [{ paths: [path.join(dir, 'site.log')], archiveFolder: archive }] }, { days: 2 });
    expect(missing.skipped).toEqual([{ file: path.join(dir, 'site.log'), reason: 'does not exist' }]);
  });
});
