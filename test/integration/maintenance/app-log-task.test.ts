// The "Rotate the app's log files" maintenance task as a job (as "Run now", the nightly run and
// `pci-maint maintenance run --task rotate-logs` start it): what it says it did, in plain words.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceSummary } from '../../../shared/api/maintenance';
import { appLogTargets, type AppLogTarget } from '../../../electron/core/maintenance/app-log-task';
import { startMaintenanceJob } from '../../../electron/core/maintenance/tasks';
import { runCli } from '../../support/serve';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';
import { mountSupport, mountTmpfs } from '../../support/mounts';
import { inPlaceSupport } from '../../support/collapse';

// The lossless rotation needs a drive that can cut in place (the temp folder here is ext4).
const inPlace = inPlaceSupport();
const why = inPlace.ok ? '' : ` — skipped: ${inPlace.reason}`;

let engine: TestEngine;
let dir: string;
beforeEach(() => {
  engine = testEngine();
  dir = tempDir('pci-app-log-task-');
});
afterEach(() => {
  engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function rotate(appLogs?: AppLogTarget[]) {
  const job = await engine.jobs.wait(startMaintenanceJob(engine, 'rotate-logs', { appLogs }).id);
  return { job, task: (job.summary as MaintenanceSummary).tasks[0] };
}

describe("rotating the app's log files as a maintenance task", () => {
  it.skipIf(!inPlace.ok)(`says how many files it rotated, how much it archived and how many archives it removed${why}`, async () => {
    const archive = path.join(dir, 'archive');
    fs.mkdirSync(archive);
    fs.writeFileSync(path.join(archive, 'site-2020-01-01.log.gz'), '');
    const log = path.join(dir, 'site.log');
    fs.writeFileSync(log, 'GET / 200\n'.repeat(1000));
    const { job, task } = await rotate([{ profile: 'Portfolio', config: { paths: [log], archiveFolder: archive, keepDays: 7 } }]);
    expect(job.status).toBe('succeeded');
    expect(task).toEqual({ task: 'rotate-logs', ok: true, did: 'Portfolio: rotated 1 log file in place, nothing lost (8.2 KB archived); removed 1 archive older than 7 days.' });
    // The rest of the file (under one block) stays for the app, which keeps writing after it.
    expect(fs.statSync(log).size).toBe(10_000 - 8192);
    expect(engine.automation.maintenanceOverview().tasks.find((t) => t.id === 'rotate-logs')?.lastRun).toMatchObject({ ok: true, did: task.did });
    const logged = engine.historyDb.prepare(`SELECT message FROM operation_logs WHERE op_id = ? ORDER BY seq`).all(job.id) as Array<{ message: string }>;
    expect(logged.map((l) => l.message)).toContain(`Portfolio: ${log} → ${path.join(archive, fs.readdirSync(archive)[0])} (8.2 KB, cut in place)`);
  });

  const tmpfs = mountSupport();
  it.skipIf(!tmpfs.ok)(`says when it had to copy and empty a file, and that a few lines may be lost (tmpfs)${tmpfs.ok ? '' : ` — skipped: ${tmpfs.reason}`}`, async () => {
    const drive = mountTmpfs(4);
    try {
      const log = path.join(drive.dir, 'site.log');
      fs.writeFileSync(log, 'GET / 200\n'.repeat(1000));
      fs.mkdirSync(path.join(drive.dir, 'archive'));
      const { job, task } = await rotate([{ profile: 'Portfolio', config: { paths: [log], archiveFolder: path.join(drive.dir, 'archive') } }]);
      expect(job.status).toBe('succeeded');
      expect(task.did).toBe("Portfolio: rotated 1 log file by copy and truncate (10.0 KB archived); site.log was copied and emptied because the drive's file system cannot remove the start of a file in place: a few lines written in that instant may be lost; no archive older than 7 days.");
    } finally {
      drive.teardown();
    }
  });

  it('is not a success when a log file or the archive folder is missing, and says which', async () => {
    const { job, task } = await rotate([{ profile: 'Portfolio', config: { paths: [path.join(dir, 'gone.log')], archiveFolder: path.join(dir, 'no-archive') } }]);
    expect(job.status).toBe('failed');
    expect(task.ok).toBe(false);
    expect(task.did).toBe(`Portfolio: no log file rotated; no archive older than 7 days. Not rotated: The archive folder ${path.join(dir, 'no-archive')} does not exist. Create it or choose another folder in the connection's settings; the log files were left as they are.`);
    expect(job.error?.message).toContain("rotate the app's log files");
  });

  it('has nothing to do when no connection has app log files', async () => {
    const { job, task } = await rotate();
    expect(job.status).toBe('succeeded');
    expect(task.did).toBe('No connection has app log files to rotate.');
  });

  it("reads the connections' app-logs sources, and reports one it cannot read", () => {
    const profiles = [
      { name: 'Office' },
      { name: 'Portfolio', sources: [{ kind: 'sqlite', path: '/srv/site.db' }, { kind: 'app-logs', paths: ['/srv/site.log'], archiveFolder: '/srv/archive', keepDays: 14 }] },
      { name: 'Broken', sources: [{ kind: 'app-logs', paths: [] }] },
    ];
    expect(appLogTargets(profiles)).toEqual({ targets: [{ profile: 'Portfolio', config: { paths: ['/srv/site.log'], archiveFolder: '/srv/archive', keepDays: 14 } }], invalid: ['Broken'] });
  });

  it('runs from the command line: pci-maint maintenance run --task rotate-logs', async () => {
    const r = await runCli(dir, process.env, ['maintenance', 'run', '--task', 'rotate-logs']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe("ok      Rotate the app's log files: No connection has app log files to rotate.");
  });
});
