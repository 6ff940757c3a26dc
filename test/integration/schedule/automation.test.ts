// Scheduled runs through the real engine, with an injected clock: a run missed while the app was
// closed starts at the next start and says so; a run that overlaps another job on the same backup
// location is refused with BUSY and recorded in the history; failures reach a webhook as exact JSON.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFY } from '../../../shared/api/schedule';
import { locationLockKey } from '../../../electron/core/backup/profile-jobs';
import { saveProfile } from '../../../electron/core/profiles/service';
import { FakeTime } from '../../support/fake-time';
import { tempDir, testEngine, type TestEngine } from '../../support/engine';

const WEBHOOK_TOKEN = 'T0kenSentinel-9f2c41';

interface Receiver {
  url: string;
  bodies: unknown[];
  close(): Promise<void>;
}

async function webhookReceiver(): Promise<Receiver> {
  const bodies: unknown[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      bodies.push({ path: req.url, contentType: req.headers['content-type'], json: JSON.parse(text) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/${WEBHOOK_TOKEN}`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

let engine: TestEngine;
let receiver: Receiver;
let backups: string;

beforeEach(async () => {
  receiver = await webhookReceiver();
  backups = tempDir('pci-sched-backups-');
  engine = testEngine({ env: {} });
  // No MongoDB password is saved, so a backup fails at once, in plain words.
  await saveProfile(engine, { name: 'Office', sources: [{ kind: 'mongodb', database: 'pcifm' }, { kind: 's3', endpoint: 'http://127.0.0.1:9', bucket: 'pci-files', accessKeyId: 'AKIA' }], destination: { kind: 'folder', path: backups } });
  await engine.automation.notify.save('Office', { ...DEFAULT_NOTIFY, webhook: { enabled: true, format: 'json', onSuccess: false } }, { webhookUrl: receiver.url });
  // Only the backup is planned here, daily at 02:00 UTC; nightly maintenance is off.
  const s = engine.automation.schedules.get('Office');
  await engine.automation.setSchedules('Office', { ...s, verify: { ...s.verify, enabled: false }, check: { ...s.check, enabled: false } });
  await engine.automation.setMaintenanceSettings({ enabled: false });
});

afterEach(async () => {
  await engine.dispose();
  await receiver.close();
  fs.rmSync(backups, { recursive: true, force: true });
});

/** The first 02:00 UTC after the connection was made: the first planned backup. */
function nextTwoAm(after: number): number {
  const d = new Date(after);
  const today = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 2, 0);
  return today > after ? today : today + 86_400_000;
}

describe('scheduled runs', () => {
  it('runs a missed backup at start, says so in its log, and sends the failure to the webhook as exact JSON', async () => {
    const createdAt = Date.parse(engine.profiles.get('Office').createdAt!);
    // The app was closed at 02:00 and starts at 09:30.
    const clock = new FakeTime(nextTwoAm(createdAt) + 7.5 * 3_600_000);
    await engine.automation.startScheduler({ clock, timer: clock, timeZone: 'UTC', maxSleepMs: 3_600_000 });
    await engine.automation.idle();

    const [item] = engine.history.list({ kind: 'backup' }).items;
    expect(item).toMatchObject({ title: 'Scheduled backup of "Office"', status: 'failed', profile: 'Office', error: { code: 'SECRET_MISSING' } });
    const detail = engine.history.get(item.id);
    expect(detail.log[0].message).toBe(
      `This run was planned for ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(nextTwoAm(createdAt)))}. PCI Maintenance was not running then (the app was closed or the computer was off), so it runs now, at the next start.`,
    );
    expect(engine.automation.view('Office').tasks[0].lastRun).toMatchObject({ outcome: 'started', missed: true, opId: item.id });

    expect(receiver.bodies).toEqual([
      {
        path: `/hooks/${WEBHOOK_TOKEN}`,
        contentType: 'application/json',
        json: {
          app: 'PCI Maintenance',
          event: 'failed',
          profile: 'Office',
          kind: 'backup',
          title: 'Scheduled backup of "Office" failed',
          message: 'The MongoDB connection string for "Office" is not saved.',
          status: 'The last backup failed just now. There is no good backup yet.',
          hint: 'Enter it again in Settings → Connections, or set the environment variable PCI_MONGODB_URI before running the command.',
          at: item.finishedAt,
          jobId: item.id,
          host: os.hostname(),
        },
      },
    ]);
    // The webhook's token is a secret: it never reaches the log file.
    expect(fs.readFileSync(engine.log.file, 'utf8')).not.toContain(WEBHOOK_TOKEN);
  });

  it('refuses a run that overlaps a job on the same backup location with BUSY, and records it', async () => {
    const createdAt = Date.parse(engine.profiles.get('Office').createdAt!);
    const clock = new FakeTime(nextTwoAm(createdAt) - 3_600_000);
    await engine.automation.startScheduler({ clock, timer: clock, timeZone: 'UTC', maxSleepMs: 3_600_000 });
    // A backup started by hand is still running at 02:00.
    let release!: () => void;
    const manual = engine.jobs.start({ kind: 'backup', title: 'Backup of "Office"', profile: 'Office', locks: [locationLockKey(engine.profiles.get('Office'))], run: () => new Promise<void>((r) => (release = r)) });
    await clock.advanceTo(nextTwoAm(createdAt) + 60_000, () => engine.automation.idle());

    const skipped = engine.history.list({ kind: 'backup', status: 'failed' }).items;
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ title: 'Scheduled backup of "Office"', error: { code: 'BUSY', title: 'Scheduled run skipped' } });
    expect(skipped[0].error?.message).toBe('The scheduled run did not start: "Backup of "Office"" is already working on the same data.');
    expect(engine.automation.view('Office').tasks[0].lastRun).toMatchObject({ outcome: 'busy', missed: false, opId: skipped[0].id });
    expect(receiver.bodies).toHaveLength(1);
    expect(receiver.bodies[0]).toMatchObject({ json: { event: 'failed', title: 'Scheduled backup of "Office" failed', jobId: skipped[0].id } });

    // The same slot is not tried again: one refusal, one record.
    await engine.automation.startScheduler();
    expect(engine.history.list({ kind: 'backup', status: 'failed' }).items).toHaveLength(1);
    release();
    expect((await engine.jobs.wait(manual.id)).status).toBe('succeeded');
  });

  it('leaves a schedule installed into the system scheduler to it', async () => {
    await engine.automation.schedules.setRunner('Office', 'backup', 'cron');
    const createdAt = Date.parse(engine.profiles.get('Office').createdAt!);
    const clock = new FakeTime(nextTwoAm(createdAt) + 3_600_000);
    await engine.automation.startScheduler({ clock, timer: clock, timeZone: 'UTC', maxSleepMs: 3_600_000 });
    await engine.automation.idle();
    expect(engine.history.list({ kind: 'backup' }).total).toBe(0);
    expect(engine.automation.view('Office').tasks[0]).toMatchObject({ description: 'Every day at 02:00, run by cron', nextRunAt: null });
  });
});
