// `pci-maint backup | snapshots | prune`: make a restore point, list them, clean up old ones. Cron-able:
// exit 0 done, 1 failed or cancelled (the message says what to do), 2 wrong usage; --json for scripts.
// The backup passphrase comes from PCI_BACKUP_PASSPHRASE (or the profile's variable / secret store),
// never from the command line, where `ps` and shell history would show it.
import type { Command } from 'commander';
import { BackupTag, isSystemTag, systemTagsText, type BackupSummary, type PruneSummary, type RestorePointList } from '../../../shared/api/backup';
import { UserError, userError } from '../../../shared/errors';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import type { Job } from '../../../shared/jobs';
import { EXIT_FAILED, type CliContext, type GlobalOptions } from '../context';
import { followJob } from '../jobs';
import { withEngine } from '../api';

/** A finished job's outcome: its summary, or the failure as a UserError (exit 1). */
function outcome<T>(job: Job, what: string): T {
  if (job.status === 'succeeded') return job.summary as T;
  if (job.status === 'canceled') throw userError('CANCELED', 'Cancelled', `The ${what} was cancelled.`, 'Run the command again when you are ready.');
  throw job.error ? UserError.fromData(job.error) : userError('INTERNAL', 'Failed', `The ${what} failed.`, 'Look at "pci-maint history" and the log file.');
}

function printBackup(ctx: CliContext, s: BackupSummary): void {
  ctx.io.out(`Backup finished: restore point ${s.snapshotId} (${formatDateTime(s.createdAt)}) in ${s.location}`);
  ctx.io.out(`  ${s.stats.entries.toLocaleString('en-US')} items, ${formatBytes(s.stats.bytes)}; new data ${formatBytes(s.stats.newBytes)} (${formatBytes(s.stats.storedBytes)} written); took ${formatDuration(s.durationMs / 1000)}`);
  for (const src of s.stats.sources) {
    const r2 = src.kind === 'r2' ? ` (${src.downloaded ?? 0} downloaded, ${src.reused ?? 0} unchanged)` : '';
    ctx.io.out(`  ${src.kind === 'mongo' ? 'database' : src.kind === 'r2' ? 'R2 bucket' : 'folder'} ${src.name}: ${src.entries.toLocaleString('en-US')} items, ${formatBytes(src.bytes)}${r2}`);
  }
  if (s.consistency === 'best-effort') ctx.io.out(`  Note: ${s.consistencyNote}`);
  for (const w of s.warnings ?? []) ctx.io.err(`Warning: ${w}`);
}

function printRestorePoints(ctx: CliContext, list: RestorePointList): void {
  ctx.io.out(`Restore points in ${list.location}${list.encrypted ? ' (encrypted)' : ''}:`);
  if (list.restorePoints.length === 0) ctx.io.out('  none yet. Run "pci-maint backup --profile NAME" to make the first one.');
  for (const r of list.restorePoints) {
    const when = r.createdAt.replace('T', ' ').slice(0, 16);
    const tags = r.tags.join(',') || '-';
    ctx.io.out(`  ${when}  ${tags.padEnd(12)}  ${formatBytes(r.size).padStart(9)}  new ${formatBytes(r.newData).padStart(9)}  ${r.consistency.padEnd(13)}  ${r.profile}  ${r.id}`);
  }
  for (const u of list.unreadable) ctx.io.out(`  ! restore point ${u.id} cannot be read: ${u.message}`);
}

function printPrune(ctx: CliContext, s: PruneSummary): void {
  const verb = s.dryRun ? 'Would forget' : 'Forgot';
  ctx.io.out(`${verb} ${s.forget.length} of ${s.forget.length + s.keep.length} restore points in ${s.location}; ${s.dryRun ? 'would free' : 'freed'} ${formatBytes(s.freedBytes)} (${s.deleteBlobs} unused data files).`);
  if (s.others > 0) ctx.io.out(`${s.others} restore point${s.others === 1 ? '' : 's'} of other connections or computers in this location ${s.others === 1 ? 'was' : 'were'} left as ${s.others === 1 ? 'it was' : 'they were'}.`);
  for (const f of s.forget) ctx.io.out(`  - ${f.createdAt.replace('T', ' ').slice(0, 16)}  ${f.id}`);
  for (const note of s.notes ?? []) ctx.io.out(note);
  if (s.dryRun && s.forget.length > 0) ctx.io.out('Nothing was deleted (dry run). Run without --dry-run to clean up.');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerBackup(program: Command, ctx: CliContext): void {
  program
    .command('backup')
    .description('back up the database, the R2 bucket and the configuration folders of a connection')
    .requiredOption('--profile <name>', 'the connection to back up')
    .option('--tag <tag>', 'tag the restore point (repeatable; default "manual", e.g. "scheduled" from cron)', collect, [] as string[])
    .action(async (opts: { profile: string; tag: string[] }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      for (const tag of opts.tag) {
        if (!BackupTag.safeParse(tag).success) throw userError('INVALID_INPUT', 'Invalid tag', `"${tag}" cannot be used as a tag.`, 'Use up to 40 lower-case letters, digits and dashes, e.g. --tag scheduled.');
        if (isSystemTag(tag)) throw userError('INVALID_INPUT', 'Reserved tag', `"${tag}" is a tag the app sets itself: ${systemTagsText} are reserved.`, `Choose another word, e.g. --tag before-upgrade.${tag === 'pre-update' ? ' For the backup before an update, run "pci-maint checklist --profile NAME --backup".' : ''}`);
      }
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await api.backup.start({ profile: opts.profile, tags: opts.tag });
        const summary = outcome<BackupSummary>(await followJob(engine, job, !globals.json), 'backup');
        if (globals.json) ctx.io.out(JSON.stringify({ snapshotId: summary.snapshotId, createdAt: summary.createdAt, finishedAt: summary.finishedAt, location: summary.location, consistency: summary.consistency, stats: summary.stats, warnings: summary.warnings ?? [] }));
        else printBackup(ctx, summary);
      });
    });

  program
    .command('snapshots')
    .description('list the restore points in the backup location of a connection (newest first)')
    .requiredOption('--profile <name>', 'the connection whose backups to list')
    .action(async (opts: { profile: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const list = await api.snapshots.list({ profile: opts.profile });
        if (list.unreadable.length > 0) ctx.exitCode = EXIT_FAILED;
        if (globals.json) ctx.io.out(JSON.stringify(list));
        else printRestorePoints(ctx, list);
      });
    });

  program
    .command('prune')
    .description('forget restore points the retention rules do not keep, and delete data no restore point needs')
    .requiredOption('--profile <name>', 'the connection whose backups to clean up')
    .option('--dry-run', 'only show what would be removed')
    .action(async (opts: { profile: string; dryRun?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await api.prune.start({ profile: opts.profile, dryRun: Boolean(opts.dryRun) });
        const summary = outcome<PruneSummary>(await followJob(engine, job, !globals.json), 'clean-up');
        if (globals.json) ctx.io.out(JSON.stringify(summary));
        else printPrune(ctx, summary);
      });
    });
}
