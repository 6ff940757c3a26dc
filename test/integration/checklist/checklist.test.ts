// The pre-update checklist against real test servers (MongoDB wire double + S3 gateway, seeded): a
// fresh setup fails only "a verified backup" and offers the backup; after "Back up and verify now"
// every check passes; after a bad upgrade (a collection dropped, files deleted) the after-checks fail
// and point "Roll back" at the pre-update restore point. Also the CLI and the HTML report.
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONFIRMATIONS, readiness, type ChecklistJobSummary } from '../../../shared/api/checklist';
import type { Job } from '../../../shared/jobs';
import { runCli } from '../../../electron/cli/program';
import { withProfileLocation } from '../../../electron/core/backup/profile-jobs';
import { listRestorePoints } from '../../../electron/core/backup/snapshots';
import { quietCheck, watchWrites } from '../../../electron/core/checklist/quiet';
import { renderReport } from '../../../electron/core/checklist/report';
import { changeRecord, markReady, openUpdate, recordStore, startAfterJob, startBeforeJob, startPrepareBackupJob } from '../../../electron/core/checklist/service';
import { checklistWorld, PROFILE, type ChecklistWorld } from '../../support/checklist';
import { testEngine, type TestEngine } from '../../support/engine';

let world: ChecklistWorld;
let engine: TestEngine;

beforeAll(async () => {
  world = await checklistWorld();
  engine = testEngine();
  await world.saveProfile(engine);
});
afterAll(async () => {
  await engine?.dispose();
  await world?.close();
});

async function finished(job: Job): Promise<ChecklistJobSummary> {
  const done = await engine.jobs.wait(job.id);
  const summary = done.summary as ChecklistJobSummary;
  // Checks that ran to their end: "all good", or "found problems" (never "failed", never a green job with a failed check).
  expect(done.status, JSON.stringify(done.error)).toBe(summary?.ok ? 'succeeded' : 'problems');
  if (summary.ok) expect(done.error).toBeNull();
  else expect(done.error).toMatchObject({ code: 'PROBLEMS_FOUND' });
  return summary;
}

const statuses = (s: ChecklistJobSummary) => Object.fromEntries(s.checks.map((c) => [c.id, c.status]));

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await runCli(['--home', engine.home, ...args], { out: (t) => lines.push(t), err: () => undefined, isTTY: false });
  return { code, out: lines.join('\n') };
}

describe('pre-update checklist', () => {
  let recordId: string;
  let snapshotId: string;

  it('fails only the backup check on a fresh setup, and offers the backup', async () => {
    recordId = openUpdate(engine, PROFILE).id;
    const first = await finished(startBeforeJob(engine, recordId, { quietSeconds: 0 }));
    expect(first.ok).toBe(false);
    expect(statuses(first)).toEqual({ app: 'pass', version: 'pass', backup: 'fail', space: 'pass', mongo: 'pass', r2: 'pass', consistency: 'pass', disks: 'pass' });
    expect(first.checks.find((c) => c.id === 'backup')).toMatchObject({ action: 'backup', message: 'There is no backup yet.' });
    const record = recordStore(engine).get(recordId);
    expect(record.fromVersion).toBe('2.3.0');
    expect(record.baseline?.mongo?.collections.map((c) => c.name)).toContain('shares');
    expect(record.baseline?.r2?.objects).toBe(world.servers.summary!.objects.count);
    expect(record.baseline?.consistency?.missing).toBe(world.servers.summary!.anomalies.missingObjects.length);
    expect(readiness(record).ready).toBe(false);
  });

  it('backs up and verifies inline, then every check passes and the update can be declared ready', async () => {
    const backup = await finished(startPrepareBackupJob(engine, recordId));
    expect(backup.ok).toBe(true);
    // The backup and its verification are in the history in their own right.
    expect(engine.history.list({ kind: 'backup', profile: PROFILE }).items[0]).toMatchObject({ status: 'succeeded' });
    expect(engine.history.list({ kind: 'verify', profile: PROFILE }).items[0]).toMatchObject({ status: 'succeeded' });

    const again = await finished(startBeforeJob(engine, recordId, { quietSeconds: 0 }));
    expect(again.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    const record = recordStore(engine).get(recordId);
    snapshotId = record.snapshotId!;
    const points = await withProfileLocation(engine, PROFILE, undefined, listRestorePoints);
    expect(points.restorePoints.find((p) => p.id === snapshotId)?.tags).toEqual(['pre-update']);

    expect(() => markReady(engine, recordId)).toThrow(/Not ready to update yet/);
    changeRecord(engine, recordId, { confirmations: Object.fromEntries(CONFIRMATIONS.map((c) => [c.id, true])), toVersion: '2.4.0' });
    expect(markReady(engine, recordId)).toMatchObject({ status: 'updating', snapshotId });
  });

  it('after a bad upgrade fails the after-checks and points "Roll back" at the pre-update restore point', async () => {
    const deleted = await world.breakInstallation({ dropCollection: 'shares', deleteFiles: 4 });
    world.setVersion('2.4.0');
    const after = await finished(startAfterJob(engine, recordId, {}));
    expect(after.ok).toBe(false);
    expect(statuses(after)).toMatchObject({ app: 'pass', version: 'pass', mongo: 'fail', r2: 'fail', consistency: 'fail' });
    const mongo = after.checks.find((c) => c.id === 'mongo')!;
    expect(mongo).toMatchObject({ action: 'rollback' });
    expect(mongo.message).toContain('shares');
    expect(after.checks.find((c) => c.id === 'r2')!.message).toContain('4 files are gone');
    expect(after.checks.find((c) => c.id === 'consistency')!.message).toContain('4 more files are missing');
    expect(after.checks.find((c) => c.id === 'consistency')!.message).toContain(deleted[0]);
    const record = recordStore(engine).get(recordId);
    expect(record).toMatchObject({ outcome: 'problems', snapshotId, toVersion: '2.4.0', fromVersion: '2.3.0', status: 'updating' });

    // The printable report tells the whole story.
    const html = renderReport(record);
    expect(html).toContain('2.3.0 → 2.4.0');
    expect(html).toContain(snapshotId);
    expect(html).toMatch(/Checks after the update[\s\S]*Failed/);

    // The CLI sees the same: exit 3 (found problems), JSON for scripts, the record stays open for a rollback.
    const report = path.join(world.dir, 'report.html');
    const r = await cli(['--json', 'checklist', '--profile', PROFILE, '--after', '--report', report]);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out) as { ok: boolean; checks: { id: string; status: string }[]; record: { snapshotId: string; status: string } };
    expect(json.ok).toBe(false);
    expect(json.record).toMatchObject({ snapshotId, status: 'updating' });
    expect(fs.readFileSync(report, 'utf8')).toContain('Checks after the update');
    // History and notifications word it the same way: found problems, not succeeded.
    expect(engine.history.list({ kind: 'checklist', profile: PROFILE, limit: 1 }).items[0]).toMatchObject({ status: 'problems', error: { code: 'PROBLEMS_FOUND' } });
  });

  it('a rollback to the pre-update restore point is part of the update: checks pass again, and the report keeps the failed run and the rollback', async () => {
    const restore = await cli(['--json', 'restore', '--profile', PROFILE, '--snapshot', snapshotId, '--yes', '--no-safety-snapshot']);
    expect(restore.code, restore.out).toBe(0);
    world.setVersion('2.3.0'); // the old version installed again
    let record = recordStore(engine).get(recordId);
    expect(record.events.map((e) => [e.kind, e.ok])).toEqual([['after-checks', false], ['after-checks', false], ['rollback', true]]);

    const again = await finished(startAfterJob(engine, recordId, {}));
    expect(again.ok).toBe(true);
    record = recordStore(engine).get(recordId);
    // The update's target stays 2.4.0 (the version file says 2.3.0 again), and the outcome says rolled back.
    expect(record).toMatchObject({ outcome: 'rolled-back', fromVersion: '2.3.0', toVersion: '2.4.0' });
    expect(record.events.at(-1)).toMatchObject({ kind: 'after-checks', ok: true, version: '2.3.0' });
    const html = renderReport(record);
    expect(html).toContain('Rolled back to before the update after the checks found problems. The checks after the rollback passed.');
    expect(html).toMatch(/What happened after the update[\s\S]*Failed[\s\S]*Problems found: [\s\S]*Rollback[\s\S]*Done[\s\S]*Passed/);
    expect(html).toContain('2.3.0 → 2.4.0');
  });

  it('the CLI before-checks exit 3 (found problems) when not ready, with the reason in words', async () => {
    recordStore(engine).patch(recordId, { status: 'abandoned' });
    world.app.up = false;
    const r = await cli(['checklist', '--profile', PROFILE]);
    world.app.up = true;
    expect(r.code).toBe(3);
    expect(r.out).toContain('✗ PCI File Manager answers');
    expect(r.out).toContain('answered with HTTP 503');
    expect(r.out).toContain('Not ready to update');
  });

  it('sees writes to the database while it watches (PCI File Manager not really stopped)', async () => {
    const client = new MongoClient(world.mongoUri);
    try {
      const signal = new AbortController().signal;
      expect(await watchWrites(client, 50, signal)).toBe(0);
      const writes = await watchWrites(client, 50, signal, async () => {
        await client.db(world.servers.database).collection('activity').insertOne({ action: 'still running' });
      });
      expect(writes).toBe(1);
      expect(quietCheck(writes, 30)).toMatchObject({ status: 'warn', message: '1 write to the database in 30 seconds: something is still changing data.' });
    } finally {
      await client.close();
    }
  });
});
