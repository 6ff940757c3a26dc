// The maintenance tasks, run as one job ("Run now" of one task, or all of them nightly): each says in
// one sentence what it did, which the maintenance page shows beside the time it last ran.
import { mongoSource } from '../../../shared/profile';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAINTENANCE, MAINTENANCE_TASKS, MaintenanceSettings, type MaintenanceSummary, type MaintenanceTaskId, type MaintenanceTaskView } from '../../../shared/api/maintenance';
import { toUserErrorData, userError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import { isFinal, type Job, type OperationContext } from '../../../shared/jobs';
import type { Services } from '../services';
import type { JobSpec } from '../jobs/manager';
import { SettingsFile } from '../schedule/settings-file';
import { PARTIALS_DIR, removeLeftoverPartials } from '../export/partials';
import { pauseHook } from '../backup/test-hooks';
import { cleanLocationTemps, cleanRestoreLeftovers, cleanStaleLocks, pruneHistory, type PerProfile } from './cleanup';
import { archiveLogs, cleanTmp } from './logs';
import { appLogTargets, rotateAllAppLogs, type AppLogTarget } from './app-log-task';

export const MAINTENANCE_FILE = 'maintenance.json';
const File = z.object({ version: z.literal(1), settings: MaintenanceSettings });

export function maintenanceSettingsFile(engine: Services): SettingsFile<typeof File> {
  return new SettingsFile(path.join(engine.paths.home, MAINTENANCE_FILE), File, () => ({ version: 1 as const, settings: structuredClone(DEFAULT_MAINTENANCE) }), 'maintenance settings');
}

/** What a run may be given instead of reading it from the saved profiles. */
export interface MaintenanceOptions {
  /** The app log files to rotate; by default the `app-logs` sources of every connection. */
  appLogs?: readonly AppLogTarget[];
}

interface TaskDef {
  title: string;
  description: string;
  run(engine: Services, settings: MaintenanceSettings, ctx: OperationContext, options: MaintenanceOptions): Promise<{ ok: boolean; did: string }>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function perProfile(results: PerProfile[], nothing: string): { ok: boolean; did: string } {
  if (results.length === 0) return { ok: true, did: 'No connections yet: nothing to do.' };
  return { ok: results.every((r) => r.ok), did: results.map((r) => `${r.profile}: ${r.note}`).join('; ') + '.' || nothing };
}

export const TASKS: Record<MaintenanceTaskId, TaskDef> = {
  logs: {
    title: 'Compress old logs',
    description: 'Compresses the log files of PCI Maintenance that reached their size limit, and deletes compressed logs older than the set number of days.',
    async run(engine, s, ctx) {
      const r = await archiveLogs(engine.paths.logs, { retentionDays: s.logRetentionDays, signal: ctx.signal });
      return { ok: true, did: `Compressed ${plural(r.compressed, 'log file')} (${formatBytes(r.compressedBytes)}); deleted ${plural(r.deleted, 'archive')} older than ${s.logRetentionDays} days.` };
    },
  },
  'rotate-logs': {
    title: "Rotate the app's log files",
    description:
      "Moves what each connected app has written to its log files into the archive folder chosen for them (one compressed file per log and day), leaving the log files in place so the app keeps writing, and deletes archives older than the set number of days.",
    async run(engine, _s, ctx, options) {
      const hook = pauseHook(engine.testPauseAt, ctx.signal);
      if (options.appLogs) return rotateAllAppLogs(options.appLogs, [], ctx, hook);
      const { targets, invalid } = appLogTargets(engine.profiles.list());
      return rotateAllAppLogs(targets, invalid, ctx, hook);
    },
  },
  tmp: {
    title: 'Delete temporary files',
    description:
      "Deletes what interrupted jobs left behind: files in the data folder's tmp folder, unfinished exports whose process is gone, and unfinished files in the backup locations (only those older than an hour that no running job can still be writing).",
    async run(engine, s, ctx) {
      return cleanAllTemps(engine, s, ctx);
    },
  },
  locks: {
    title: 'Remove stale locks',
    description: 'Removes locks in the backup locations that were left by a job that no longer runs (after checking that its process is gone).',
    async run(engine, _s, ctx) {
      return perProfile(await cleanStaleLocks(engine, ctx.log, ctx.signal), 'No stale locks.');
    },
  },
  'restore-leftovers': {
    title: 'Remove restore leftovers',
    description: 'Removes temporary collections that an interrupted restore left in MongoDB. Collections of a restore that is still running are kept.',
    async run(engine, _s, ctx) {
      if (engine.profiles.list().length > 0 && !engine.profiles.list().some((p) => mongoSource(p) !== undefined)) return { ok: true, did: 'Nothing to do: no connection has a MongoDB database.' };
      return perProfile(await cleanRestoreLeftovers(engine, ctx.log, ctx.signal), 'Nothing left over.');
    },
  },
  history: {
    title: 'Trim the history',
    description: 'Deletes history entries older than the set number of days and compacts the history file.',
    async run(engine, s) {
      const r = pruneHistory(engine, s.historyRetentionDays);
      return { ok: true, did: r.deleted ? `Deleted ${plural(r.deleted, 'entry', 'entries')} older than ${s.historyRetentionDays} days and compacted the file.` : `Nothing older than ${s.historyRetentionDays} days.` };
    },
  },
};

/** The "tmp" task: says what it removed where, and "none were left over" only when it looked everywhere. */
async function cleanAllTemps(engine: Services, s: MaintenanceSettings, ctx: OperationContext): Promise<{ ok: boolean; did: string }> {
  const parts: string[] = [];
  let files = 0;
  let bytes = 0;
  // A running job may still use its files in tmp/, however old they look. (A running maintenance
  // job is this one: they hold one lock.) Exports and backup locations have their own owner checks.
  const busy = engine.jobs.list().some((j) => !isFinal(j.status) && j.kind !== 'maintenance');
  if (!busy) {
    const r = await cleanTmp(engine.paths.tmp, { maxAgeMs: s.tmpMaxAgeHours * 3_600_000 });
    files += r.removed;
    bytes += r.bytes;
    if (r.removed) parts.push(`${plural(r.removed, 'item')} in the data folder's tmp folder`);
  }
  const exports = await removeLeftoverPartials(path.join(engine.paths.home, PARTIALS_DIR));
  files += exports.removed;
  bytes += exports.bytes;
  if (exports.removed) parts.push(plural(exports.removed, 'unfinished export'));
  const locations = await cleanLocationTemps(engine, ctx.log, ctx.signal);
  for (const l of locations) {
    files += l.count;
    bytes += l.bytes;
    if (l.count) parts.push(`${l.count} in the backup location of "${l.profile}"`);
  }
  const problems = locations.filter((l) => !l.ok || l.note.startsWith('in use')).map((l) => `${l.profile}: ${l.note}`);
  const skipped = busy ? " The data folder's tmp folder was skipped: another job is running and may be using it." : '';
  const tail = `${skipped}${problems.length ? ` Not checked: ${problems.join('; ')}` : ''}`;
  const ok = locations.every((l) => l.ok);
  if (files > 0) return { ok, did: `Removed ${plural(files, 'unfinished file')} (${formatBytes(bytes)}): ${parts.join(', ')}.${tail}` };
  if (tail) return { ok, did: `Nothing was found to remove where it looked.${tail}` };
  return { ok, did: 'No temporary files were left over.' };
}

export async function runMaintenance(engine: Services, tasks: readonly MaintenanceTaskId[], ctx: OperationContext, options: MaintenanceOptions = {}): Promise<MaintenanceSummary> {
  const settings = maintenanceSettingsFile(engine).read().settings;
  const out: MaintenanceSummary['tasks'] = [];
  for (const [i, task] of tasks.entries()) {
    ctx.signal.throwIfAborted();
    ctx.onProgress({ phase: TASKS[task].title, done: i, total: tasks.length, unit: 'tasks' });
    let result: { ok: boolean; did: string };
    try {
      result = await TASKS[task].run(engine, settings, ctx, options);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const data = toUserErrorData(err);
      result = { ok: false, did: `Could not finish: ${data.message} ${data.hint}` };
    }
    ctx.log(result.ok ? 'info' : 'warn', `${TASKS[task].title}: ${result.did}`);
    engine.historyDb.prepare(`INSERT INTO maintenance_runs (task, op_id, at, ok, did) VALUES (?, ?, ?, ?, ?)`).run(task, ctx.jobId ?? null, new Date().toISOString(), result.ok ? 1 : 0, result.did);
    out.push({ task, ...result });
  }
  ctx.onProgress({ phase: 'Done', done: tasks.length, total: tasks.length, unit: 'tasks' });
  return { tasks: out };
}

/** The job spec of a maintenance run; the scheduler and "Run now" both start it. */
export function maintenanceJob(engine: Services, which: MaintenanceTaskId | 'all', options: MaintenanceOptions = {}): JobSpec<MaintenanceSummary> {
  const tasks = which === 'all' ? MAINTENANCE_TASKS : [which];
  const title = which === 'all' ? 'Maintenance' : `Maintenance: ${TASKS[which].title.toLowerCase()}`;
  return {
    kind: 'maintenance',
    title,
    locks: ['maintenance'],
    run: (ctx) => runMaintenance(engine, tasks, ctx, options),
    verdict: (s) => {
      const bad = s.tasks.filter((t) => !t.ok);
      if (bad.length === 0) return null;
      return userError('INTERNAL', 'Maintenance incomplete', `${plural(bad.length, 'task')} could not finish: ${bad.map((t) => TASKS[t.task].title.toLowerCase()).join(', ')}.`, bad[0].did);
    },
  };
}

export function startMaintenanceJob(engine: Services, which: MaintenanceTaskId | 'all', options: MaintenanceOptions = {}): Job {
  return engine.jobs.start(maintenanceJob(engine, which, options));
}

export function maintenanceTaskViews(engine: Services): MaintenanceTaskView[] {
  const last = engine.historyDb.prepare(`SELECT op_id, at, ok, did FROM maintenance_runs WHERE task = ? ORDER BY at DESC, rowid DESC LIMIT 1`);
  return MAINTENANCE_TASKS.map((id) => {
    const row = last.get(id) as { op_id: string | null; at: string; ok: number; did: string } | undefined;
    return { id, title: TASKS[id].title, description: TASKS[id].description, lastRun: row ? { at: row.at, ok: row.ok === 1, opId: row.op_id, did: row.did } : null };
  });
}
