// What a scheduled run starts: the same jobs as the buttons (backup, verification, storage check,
// maintenance), titled "Scheduled …", with a first log line saying when it was planned and, for a run
// that was missed, why it runs late. A run refused because another job holds the same data (BUSY) is
// recorded in the history as a failed operation and notified, so a skipped backup is never silent.
import { randomUUID } from 'node:crypto';
import type { ProfileSchedules } from '../../../shared/api/schedule';
import { UserError } from '../../../shared/errors';
import type { Job, JobLogLine, OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import type { JobSpec } from '../jobs/manager';
import { backupJob, pruneJob } from '../backup/profile-jobs';
import { verifyJob, type VerifyInput } from '../verify/profile-jobs';
import { checkJob } from '../check/profile-jobs';
import type { NotificationService } from '../notify/service';
import type { FireInfo, FireResult } from './scheduler';

export interface RunDeps {
  engine: Services;
  notify: NotificationService;
  timeZone: string;
  /** False once the app is shutting down: nothing new (a prune after a backup) is started then. */
  active(): boolean;
}

/** "Sun 26 Oct, 02:30" in the schedule's time zone. */
export function formatPlanned(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

export function plannedNote(info: FireInfo, timeZone: string): string {
  const when = formatPlanned(info.dueAt, timeZone);
  return info.missed
    ? `This run was planned for ${when}. PCI Maintenance was not running then (the app was closed or the computer was off), so it runs now, at the next start.`
    : `Started by the schedule, as planned for ${when}.`;
}

/** Start a scheduled job; BUSY is recorded and notified instead of thrown. */
export function startScheduled<T>(deps: RunDeps, info: FireInfo, spec: JobSpec<T>): FireResult & { job: Job | null } {
  const note = plannedNote(info, deps.timeZone);
  try {
    const job = deps.engine.jobs.start({
      ...spec,
      run: (ctx: OperationContext) => {
        ctx.log('info', note);
        return spec.run(ctx);
      },
    });
    return { job, outcome: 'started', opId: job.id, message: info.missed ? `Ran late. ${note}` : 'Started as planned.', done: deps.engine.jobs.wait(job.id) };
  } catch (err) {
    if (!(err instanceof UserError) || err.code !== 'BUSY') throw err;
    const skipped = recordSkipped(deps, spec, err, note);
    return { job: null, outcome: 'busy', opId: skipped.id, message: `Did not start: ${err.message}` };
  }
}

/** A history entry for a run that could not start, with the reason and the hint. */
function recordSkipped<T>(deps: RunDeps, spec: JobSpec<T>, err: UserError, note: string): Job {
  const at = new Date().toISOString();
  const job: Job = {
    id: randomUUID(),
    kind: spec.kind,
    title: spec.title,
    profile: spec.profile ?? null,
    status: 'failed',
    progress: { phase: 'Not started', done: 0, total: null, unit: 'items', bytesDone: 0, bytesTotal: null, etaSeconds: null, message: '' },
    startedAt: at,
    finishedAt: at,
    summary: { scheduled: true, skipped: 'busy' },
    error: { code: 'BUSY', title: 'Scheduled run skipped', message: `The scheduled run did not start: ${err.message}`, hint: 'Nothing was changed. The next planned run will try again; to run it now, wait for the other job to finish and start it by hand.' },
  };
  const log: JobLogLine[] = [
    { at, level: 'info', message: note },
    { at, level: 'warn', message: `Not started: ${err.message}` },
  ];
  deps.engine.history.recordStart(job);
  deps.engine.history.recordFinish(job, log, 0);
  deps.notify.jobFinished(job);
  return job;
}

/** "Backup of …" → "Scheduled backup of …": the same job, named for where it came from. */
export function scheduledSpec<T>(spec: JobSpec<T>, prefix = 'Scheduled'): JobSpec<T> {
  return { ...spec, title: `${prefix} ${spec.title.charAt(0).toLowerCase()}${spec.title.slice(1)}` };
}

export function fireBackup(deps: RunDeps, name: string, schedule: ProfileSchedules['backup'], info: FireInfo): FireResult {
  const { engine } = deps;
  const spec = backupJob(engine, name, { tags: ['scheduled'] });
  const started = startScheduled(deps, info, scheduledSpec(spec));
  if (!started.job || !schedule.pruneAfter) return started;
  // Prune only after a good backup: never forget old restore points while the newest one is missing.
  const profile = spec.profile!;
  const done = engine.jobs.wait(started.job.id).then(async (final) => {
    if (final.status !== 'succeeded' || !deps.active()) return;
    try {
      await engine.jobs.wait(engine.jobs.start(pruneJob(engine, profile, { dryRun: false })).id);
    } catch (err) {
      engine.log.scope('schedule').warn(`clean-up after the scheduled backup of "${profile}" did not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { ...started, done };
}

export function fireVerify(deps: RunDeps, name: string, schedule: ProfileSchedules['verify'], info: FireInfo): FireResult {
  // 'all': a full run proves the whole location; a sampled run reads the next slice of all of it.
  const input: VerifyInput = { profile: name, snapshot: 'all', depth: schedule.depth, samplePercent: schedule.samplePercent, testRestore: schedule.testRestore };
  return startScheduled(deps, info, scheduledSpec(verifyJob(deps.engine, input)));
}

export function fireCheck(deps: RunDeps, name: string, info: FireInfo): FireResult {
  if (!deps.engine.profiles.get(name).fileRecords) {
    return { outcome: 'skipped', opId: null, message: 'Skipped: this connection does not say which collection holds the file records. Set it in Settings → Connections → Change.' };
  }
  return startScheduled(deps, info, scheduledSpec(checkJob(deps.engine, name)));
}
