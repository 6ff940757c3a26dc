// The maintenance tasks that work on the data folder: rotated logs are gzipped and archives older
// than 7 days deleted; old temporary files go; history older than the retention is deleted (and the
// file compacted); and PCI File Manager's log folder is summarised per day and by repeated message.
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceSummary } from '../../../shared/api/maintenance';
import type { Job } from '../../../shared/jobs';
import { analyzeLogFolder, normalizeMessage, parseLogLine } from '../../../electron/core/maintenance/log-analyzer';
import { startMaintenanceJob } from '../../../electron/core/maintenance/tasks';
import { rotatedLogName } from '../../../electron/core/log';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';
import { saveProfile } from '../../../electron/core/profiles/service';

const DAY = 86_400_000;
let engine: TestEngine;
beforeEach(() => {
  engine = testEngine();
});
afterEach(() => engine.dispose());

async function run(task: 'logs' | 'tmp' | 'history' | 'restore-leftovers'): Promise<string> {
  const job = await engine.jobs.wait(startMaintenanceJob(engine, task).id);
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  return (job.summary as MaintenanceSummary).tasks[0].did;
}

function age(file: string, days: number): void {
  const t = new Date(Date.now() - days * DAY);
  fs.utimesSync(file, t, t);
}

describe('maintenance of the data folder', () => {
  it('compresses rotated logs, keeps the current one, and deletes archives older than 7 days', async () => {
    const logs = engine.paths.logs;
    const rotated = rotatedLogName(path.join(logs, 'main.log'), new Date('2025-03-01T02:00:00Z'));
    fs.writeFileSync(rotated, 'line one\nline two\n');
    const old = path.join(logs, 'main-2025-01-01T00-00-00-000Z.log.gz');
    const recent = path.join(logs, 'main-2025-02-25T00-00-00-000Z.log.gz');
    fs.writeFileSync(old, gzipSync('old'));
    fs.writeFileSync(recent, gzipSync('recent'));
    age(old, 8);
    age(recent, 6);

    expect(await run('logs')).toBe('Compressed 1 log file (18 bytes); deleted 1 archive older than 7 days.');
    // Archives stay beside main.log, where the support bundle and "Open Log Folder" look.
    expect(fs.readdirSync(logs).sort()).toEqual(['main-2025-02-25T00-00-00-000Z.log.gz', 'main-2025-03-01T02-00-00-000Z.log.gz', 'main.log']);
    expect(gunzipSync(fs.readFileSync(path.join(logs, 'main-2025-03-01T02-00-00-000Z.log.gz'))).toString()).toBe('line one\nline two\n');
  });

  it('deletes temporary files older than a day and keeps newer ones', async () => {
    const oldDir = path.join(engine.paths.tmp, 'consistency-spill');
    fs.mkdirSync(oldDir);
    fs.writeFileSync(path.join(oldDir, 'part-1'), Buffer.alloc(1000));
    age(oldDir, 2);
    fs.writeFileSync(path.join(engine.paths.tmp, 'fresh'), 'in use');
    expect(await run('tmp')).toBe("Removed 1 unfinished file (1.0 KB): 1 item in the data folder's tmp folder.");
    expect(fs.readdirSync(engine.paths.tmp)).toEqual(['fresh']);
  });

  it('a connection without a MongoDB database has no restore leftovers to remove, and that is no failure', async () => {
    await saveProfile(engine, { name: 'Site', preset: 'custom', sources: [{ kind: 'folder', path: tempDir('pci-site-files-') }], destination: { kind: 'folder', path: tempDir('pci-site-backups-') } });
    expect(await run('restore-leftovers')).toBe('Nothing to do: no connection has a MongoDB database.');
  });

  it('deletes history older than the retention and keeps the rest', async () => {
    const record = (id: string, daysAgo: number) => {
      const at = new Date(Date.now() - daysAgo * DAY).toISOString();
      const job: Job = { id, kind: 'backup', title: `Backup ${id}`, profile: 'Office', status: 'succeeded', progress: { phase: 'Done', done: 1, total: 1, unit: 'items', bytesDone: 0, bytesTotal: null, etaSeconds: 0, message: '' }, startedAt: at, finishedAt: at, summary: null, error: null };
      engine.history.recordStart(job);
      engine.history.recordFinish(job, [{ at, level: 'info', message: 'done' }], 0);
    };
    record('old-1', 400);
    record('old-2', 370);
    record('new-1', 10);
    await engine.automation.setMaintenanceSettings({ historyRetentionDays: 365 });
    expect(await run('history')).toBe('Deleted 2 entries older than 365 days and compacted the file.');
    expect(engine.history.list({ kind: 'backup' }).items.map((i) => i.id)).toEqual(['new-1']);
    expect(engine.historyDb.prepare(`SELECT COUNT(*) AS n FROM operation_logs WHERE op_id LIKE 'old-%'`).get()).toEqual({ n: 0 });
  });
});

describe("PCI File Manager's log analysis", () => {
  it('reads the usual line formats', () => {
    expect(parseLogLine('2025-03-01T10:00:00.000Z ERROR Upload failed for file 42')).toEqual({ level: 'error', at: Date.parse('2025-03-01T10:00:00.000Z'), message: 'Upload failed for file 42' });
    expect(parseLogLine('{"level":40,"time":1740823200000,"msg":"Slow query 1200 ms"}')).toEqual({ level: 'warn', at: 1740823200000, message: 'Slow query 1200 ms' });
    expect(parseLogLine('2025-03-01 10:00:00 [error] R2 timeout')).toMatchObject({ level: 'error', message: 'R2 timeout' });
    expect(parseLogLine('2025-03-01T10:00:00Z info: Server started with 0 errors')).toMatchObject({ level: null });
    expect(normalizeMessage('Upload failed for file 42 (id 65f1c0ffee0123456789abcd) "report.pdf"')).toBe('Upload failed for file <n> (id <id>) "…"');
  });

  it('counts errors and warnings per day and the most repeated messages, in plain and gzipped files', async () => {
    const folder = tempDir('pci-fm-logs-');
    try {
      fs.writeFileSync(
        path.join(folder, 'app.log'),
        [
          '2025-03-01T09:00:00Z INFO Server started',
          '2025-03-01T10:00:00Z ERROR Upload failed for file 42',
          '2025-03-01T11:00:00Z ERROR Upload failed for file 43',
          '2025-03-02T08:00:00Z WARN Disk 91% full',
          '{"level":"error","time":"2025-03-02T09:00:00Z","msg":"Upload failed for file 44"}',
        ].join('\n'),
      );
      fs.mkdirSync(path.join(folder, 'old'));
      fs.writeFileSync(path.join(folder, 'old', 'app-2025-02-28.log.gz'), gzipSync('2025-02-28T12:00:00Z WARN Slow query 1200 ms\n'));
      const r = await analyzeLogFolder(folder, { days: 4, now: Date.parse('2025-03-02T20:00:00Z'), timeZone: 'UTC' });
      expect(r).toMatchObject({ files: 2, lines: 6, skipped: [] });
      expect(r.days).toEqual([
        { date: '2025-02-27', errors: 0, warnings: 0 },
        { date: '2025-02-28', errors: 0, warnings: 1 },
        { date: '2025-03-01', errors: 2, warnings: 0 },
        { date: '2025-03-02', errors: 1, warnings: 1 },
      ]);
      expect(r.top[0]).toEqual({ level: 'error', message: 'Upload failed for file <n>', count: 3, lastAt: '2025-03-02T09:00:00.000Z' });
      expect(r.top.map((t) => t.message).sort()).toEqual(['Disk <n>% full', 'Slow query <n> ms', 'Upload failed for file <n>']);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
