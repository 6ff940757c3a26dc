// What notifications say. The sentences about backups come from the dashboard's own functions
// (health/past-runs.ts), so a notification and the dashboard card never tell two stories.
import os from 'node:os';
import type { Job, JobKind } from '../../../shared/jobs';
import type { Services } from '../services';
import { lastBackup } from '../health/past-runs';

export type NotifyEvent = 'failed' | 'succeeded' | 'overdue' | 'test';

export interface NotifyMessage {
  event: NotifyEvent;
  profile: string | null;
  kind: JobKind | null;
  /** One line: 'Backup of "Office" failed'. */
  headline: string;
  /** What happened, in plain words. */
  message: string;
  /** Where things stand, as the dashboard says it ("The last good one was 3 hours ago."); may be empty. */
  status: string;
  /** What to do next. */
  hint: string;
  at: string;
  jobId: string | null;
  /** The app screen that shows it. */
  route: string | null;
  host: string;
}

/** The hours after which "no successful backup" is reported for a connection. */
export function overdueHoursFor(engine: Services, profile: string, configured: number | null): number {
  return configured ?? engine.profiles.find(profile)?.backupMaxAgeHours ?? 26;
}

function statusAfter(engine: Services, job: Job, hours: number, now: number): string {
  if (job.kind !== 'backup' || !job.profile) return '';
  return lastBackup(engine, job.profile, hours, now).message;
}

/** A finished job, as a notification (null for a cancelled one: cancel is a choice, not news). */
export function jobMessage(engine: Services, job: Job, hours: number, now = Date.now()): NotifyMessage | null {
  if (job.status !== 'failed' && job.status !== 'succeeded') return null;
  const base = { profile: job.profile, kind: job.kind, at: job.finishedAt ?? new Date(now).toISOString(), jobId: job.id, route: `/runs/${job.id}`, host: os.hostname() };
  if (job.status === 'failed') {
    return {
      ...base,
      event: 'failed',
      headline: `${job.title} failed`,
      message: job.error?.message ?? 'It stopped because of a problem.',
      status: statusAfter(engine, job, hours, now),
      hint: job.error?.hint ?? 'Open PCI Maintenance and look at the details in History.',
    };
  }
  return { ...base, event: 'succeeded', headline: `${job.title} finished`, message: 'It finished without problems.', status: statusAfter(engine, job, hours, now), hint: '' };
}

/**
 * "No successful backup for N hours", worded like the dashboard's "Last backup" card; null while a
 * backup succeeded within N hours (or the connection is younger than that and has none yet).
 */
export function overdueMessage(engine: Services, profile: string, hours: number, now = Date.now()): { message: NotifyMessage; episode: string } | null {
  const good = engine.history.list({ kind: 'backup', profile, status: 'succeeded', limit: 1 }).items[0];
  const goodAt = good ? Date.parse(good.finishedAt ?? good.startedAt) : null;
  const createdAt = Date.parse(engine.profiles.find(profile)?.createdAt ?? '') || now;
  const since = goodAt ?? createdAt;
  if (now - since <= hours * 3_600_000) return null;
  const card = lastBackup(engine, profile, hours, now);
  return {
    episode: good ? `good:${good.id}` : 'none',
    message: {
      event: 'overdue',
      profile,
      kind: 'backup',
      headline: `No successful backup of "${profile}" for more than ${hours} hours`,
      message: card.message,
      status: '',
      hint: 'Open PCI Maintenance and make a backup. If backups are planned, check that the computer was on and the schedule is switched on (Maintenance → Schedules).',
      at: new Date(now).toISOString(),
      jobId: null,
      route: '/',
      host: os.hostname(),
    },
  };
}

export function testMessage(profile: string, now = Date.now()): NotifyMessage {
  return {
    event: 'test',
    profile,
    kind: null,
    headline: `Test message from PCI Maintenance for "${profile}"`,
    message: 'If you can read this, PCI Maintenance can reach you here when a backup fails.',
    status: '',
    hint: 'Nothing to do.',
    at: new Date(now).toISOString(),
    jobId: null,
    route: '/maintenance',
    host: os.hostname(),
  };
}

/** The plain-text body used by email and chat messages. */
export function messageLines(m: NotifyMessage): string[] {
  return [m.message, m.status, m.hint, m.profile ? `Connection: ${m.profile}` : '', `Computer: ${m.host}`, `When: ${m.at}`].filter((l) => l !== '');
}
