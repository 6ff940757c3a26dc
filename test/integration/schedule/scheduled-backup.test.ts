// A scheduled backup that works, against the MongoDB and S3 test servers: at its time it makes a
// restore point tagged "scheduled", then cleans up by the retention rules, and the schedule panel
// shows the run; the next day's run happens once, the same day nothing more; the clean-up follows the
// connection's saved retention rules (event-triggered restore points kept by their tag).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSummary, PruneSummary } from '../../../shared/api/backup';
import { listProfileRestorePoints, startBackupJob } from '../../../electron/core/backup/profile-jobs';
import { saveRetention } from '../../../electron/core/retention/settings';
import { saveProfile } from '../../../electron/core/profiles/service';
import { BUCKET, DB, putObject, removeTempDirs, startServers, tempDir, type Servers } from '../../support/backup';
import { testEngine, type TestEngine } from '../../support/engine';
import { FakeTime } from '../../support/fake-time';

let servers: Servers;
let engine: TestEngine;

beforeAll(async () => {
  servers = await startServers({ replSetName: 'rs0' });
  await servers.mongoClient.db(DB).collection('files').insertMany([{ key: 'a.txt' }, { key: 'b.txt' }]);
  await putObject(servers.s3Client, 'a.txt', Buffer.from('hello'));
  engine = testEngine({ env: { PCI_MONGODB_URI: servers.mongo.uri, PCI_R2_SECRET_ACCESS_KEY: servers.s3.secretAccessKey } });
  await saveProfile(engine, {
    name: 'Office',
    sources: [{ kind: 'mongodb', database: DB }, { kind: 's3', endpoint: servers.s3.endpoint, bucket: BUCKET, accessKeyId: servers.s3.accessKeyId, forcePathStyle: true }],
    destination: { kind: 'folder', path: await tempDir('pci-sched-ok-') },
  });
  const s = engine.automation.schedules.get('Office');
  await engine.automation.setSchedules('Office', { ...s, verify: { ...s.verify, enabled: false }, check: { ...s.check, enabled: false } });
  await engine.automation.setMaintenanceSettings({ enabled: false });
});

afterAll(async () => {
  await engine?.dispose();
  await servers?.close();
  await removeTempDirs();
});

describe('a scheduled backup', () => {
  it('makes a restore point tagged "scheduled" at 02:00, then cleans up', async () => {
    const created = Date.parse(engine.profiles.get('Office').createdAt!);
    const d = new Date(created);
    let due = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 2, 0);
    if (due <= created) due += 86_400_000;
    const clock = new FakeTime(due - 60_000);
    await engine.automation.startScheduler({ clock, timer: clock, timeZone: 'UTC', maxSleepMs: 3_600_000 });
    await clock.advanceTo(due + 60_000, () => engine.automation.idle());

    const [backup] = engine.history.list({ kind: 'backup' }).items;
    expect(backup, JSON.stringify(backup?.error)).toMatchObject({ title: 'Scheduled backup of "Office"', status: 'succeeded' });
    expect((backup.summary as BackupSummary).tags).toEqual(['scheduled']);
    const [prune] = engine.history.list({ kind: 'prune' }).items;
    expect(prune).toMatchObject({ title: 'Clean up old backups of "Office"', status: 'succeeded' });
    const view = engine.automation.view('Office');
    expect(view.tasks[0].lastRun).toMatchObject({ outcome: 'started', missed: false, opId: backup.id, dueAt: new Date(due).toISOString() });
    expect(view.tasks[0].nextRunAt).toBe(new Date(due + 86_400_000).toISOString());

    // Later that day: nothing more; the next day: one more.
    await clock.advanceTo(due + 12 * 3_600_000, () => engine.automation.idle());
    expect(engine.history.list({ kind: 'backup' }).total).toBe(1);
    await clock.advanceTo(due + 86_400_000 + 60_000, () => engine.automation.idle());
    expect(engine.history.list({ kind: 'backup' }).items.map((i) => i.status)).toEqual(['succeeded', 'succeeded']);

    // The clean-up after a scheduled backup uses the connection's saved rules: here nothing by age,
    // event-triggered restore points 90 days. So the event backup and the newest stay, the rest goes.
    await saveRetention(engine, 'Office', { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0, keepTaggedDays: { event: 90 } });
    const event = await engine.jobs.wait(startBackupJob(engine, 'Office', { event: true, tags: ['gallery-added'] }).id);
    expect(event.status).toBe('succeeded');
    await clock.advanceTo(due + 2 * 86_400_000 + 60_000, () => engine.automation.idle());
    const [last] = engine.history.list({ kind: 'prune' }).items;
    const summary = last.summary as PruneSummary;
    expect(summary.keep.map((k) => k.why)).toEqual(['kept: the newest', 'kept: event, 90 days']);
    // (The first scheduled one went at the previous clean-up already: the same real day as the second.)
    expect(summary.forget.map((f) => f.why)).toEqual(['removed: older than every rule keeps']);
    const points = await listProfileRestorePoints(engine, 'Office');
    expect(points.restorePoints.map((p) => p.trigger)).toEqual(['scheduled', 'event']);
  });
});
