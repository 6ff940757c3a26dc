// `pci-maint maintenance [run [--task T]]`: the maintenance tasks from the command line (cron-able):
// compress old logs, rotate the connected apps' log files, delete temporary files, remove stale locks
// and restore leftovers, trim history.
import type { Command } from 'commander';
import { MAINTENANCE_TASKS, MaintenanceTaskId } from '../../../shared/api/maintenance';
import { summaryOf } from '../../../shared/api/job-summaries';
import { UserError, userError } from '../../../shared/errors';
import { formatDateTime } from '../../../shared/format';
import { EXIT_FAILED, type CliContext, type GlobalOptions } from '../context';
import { withEngine } from '../api';

export function registerMaintenance(program: Command, ctx: CliContext): void {
  const maintenance = program.command('maintenance').description("maintenance of PCI Maintenance itself (logs, temporary files, stale locks, restore leftovers, history) and rotation of the connected apps' log files");

  maintenance
    .command('status', { isDefault: true })
    .description('each task, when it last ran and what it did')
    .action(async (_o: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const overview = await api.maintenance.overview({});
        if (globals.json) return ctx.io.out(JSON.stringify(overview));
        for (const t of overview.tasks) ctx.io.out(`${t.id.padEnd(18)} ${t.lastRun ? `${formatDateTime(t.lastRun.at)}  ${t.lastRun.ok ? 'ok    ' : 'failed'}  ${t.lastRun.did}` : 'never run'}`);
      });
    });

  maintenance
    .command('run')
    .description('run the maintenance tasks now (all of them, or one with --task)')
    .option('--task <task>', `only this task (${MAINTENANCE_TASKS.join(', ')})`)
    .action(async (o: { task?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const task = o.task === undefined ? 'all' : MaintenanceTaskId.safeParse(o.task).data;
      if (!task) throw userError('INVALID_INPUT', 'Invalid task', `"${o.task}" is not a maintenance task.`, `Use one of: ${MAINTENANCE_TASKS.join(', ')}.`);
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await engine.jobs.wait((await api.maintenance.run({ task })).id);
        const summary = summaryOf(job, 'maintenance');
        const titles = new Map((await api.maintenance.overview({})).tasks.map((t) => [t.id, t.title]));
        if (globals.json) ctx.io.out(JSON.stringify({ status: job.status, summary, error: job.error }));
        else for (const t of summary?.tasks ?? []) ctx.io.out(`${t.ok ? 'ok    ' : 'failed'}  ${titles.get(t.task) ?? t.task}: ${t.did}`);
        if (job.status !== 'succeeded') {
          if (!summary && job.error) throw UserError.fromData(job.error);
          ctx.exitCode = EXIT_FAILED;
        }
      });
    });
}
