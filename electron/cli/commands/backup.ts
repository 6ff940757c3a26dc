// `pci-maint backup | snapshots | prune`: make a restore point, list them, clean up old ones. Cron-able:
// exit 0 done, 1 failed or cancelled (the message says what to do), 2 wrong usage; --json for scripts.
// The backup passphrase comes from PCI_BACKUP_PASSPHRASE (or the profile's variable / secret store),
// never from the command line, where `ps` and shell history would show it.
import type { Command } from 'commander';
import { BackupTag, isSystemTag, systemTagsText, type BackupSummary, type PruneSummary, type RestorePointList } from '../../../shared/api/backup';
import { mergeRetention, withTagRule, type RetentionSettings, type RetentionView } from '../../../shared/api/retention';
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
  const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
  for (const k of s.keep) ctx.io.out(`  + ${when(k.createdAt)}  ${k.id}  ${k.why ?? ''}`.trimEnd());
  for (const f of s.forget) ctx.io.out(`  - ${when(f.createdAt)}  ${f.id}  ${f.why ?? ''}`.trimEnd());
  for (const note of s.notes ?? []) ctx.io.out(note);
  if (s.dryRun && s.forget.length > 0) ctx.io.out('Nothing was deleted (dry run). Run without --dry-run to clean up.');
}

function printRetention(ctx: CliContext, v: RetentionView): void {
  const r = v.settings;
  ctx.io.out(`Retention of "${v.profile}"${v.saved ? '' : ' (the defaults)'}:`);
  ctx.io.out(`  daily ${r.keepDaily}, weekly ${r.keepWeekly}, monthly ${r.keepMonthly}, yearly ${r.keepYearly}, the newest ${r.keepLast} whatever their age`);
  const tags = Object.entries(r.keepTaggedDays);
  ctx.io.out(`  by tag: ${tags.length > 0 ? tags.map(([t, d]) => `${t} ${d} days`).join(', ') : 'none'}`);
}

interface RetentionFlags {
  keepLast?: string;
  keepDaily?: string;
  keepWeekly?: string;
  keepMonthly?: string;
  keepYearly?: string;
  keepTag: string[];
}

function retentionOptions(c: Command): Command {
  return c
    .option('--keep-last <n>', 'keep the newest N whatever their age')
    .option('--keep-daily <n>', 'keep the newest of each of the last N days that have one')
    .option('--keep-weekly <n>', 'keep the newest of each of the last N weeks')
    .option('--keep-monthly <n>', 'keep the newest of each of the last N months')
    .option('--keep-yearly <n>', 'keep the newest of each of the last N years')
    .option('--keep-tag <tag=days>', 'keep restore points with the tag for that many days, e.g. event=90 (repeatable; 0 removes the rule)', collect, [] as string[]);
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 10_000) throw userError('INVALID_INPUT', 'Invalid number', `${flag} needs a whole number, not "${value}".`, `For example ${flag} 30.`);
  return n;
}

/** The rules the flags give (only those given), with --keep-tag applied over `tagged` (the saved tag rules). */
function retentionFromFlags(o: RetentionFlags, tagged: Record<string, number>): Partial<RetentionSettings> {
  const out: Partial<RetentionSettings> = {};
  if (o.keepLast !== undefined) out.keepLast = count(o.keepLast, '--keep-last');
  if (o.keepDaily !== undefined) out.keepDaily = count(o.keepDaily, '--keep-daily');
  if (o.keepWeekly !== undefined) out.keepWeekly = count(o.keepWeekly, '--keep-weekly');
  if (o.keepMonthly !== undefined) out.keepMonthly = count(o.keepMonthly, '--keep-monthly');
  if (o.keepYearly !== undefined) out.keepYearly = count(o.keepYearly, '--keep-yearly');
  if (o.keepTag.length > 0) {
    let rules = tagged;
    for (const rule of o.keepTag) {
      const m = /^([^=]+)=(\d+)$/.exec(rule);
      if (!m || !BackupTag.safeParse(m[1]).success) throw userError('INVALID_INPUT', 'Invalid tag rule', `"${rule}" is not a tag rule.`, 'Write it as TAG=DAYS, e.g. --keep-tag event=90 (lower-case letters, digits and dashes).');
      rules = withTagRule(rules, { tag: m[1], days: count(m[2], '--keep-tag') });
    }
    out.keepTaggedDays = rules;
  }
  return out;
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
    .option('--event', 'an app\'s event asked for it (from its hook): also tagged "event", kept by the event retention rule')
    .action(async (opts: { profile: string; tag: string[]; event?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      for (const tag of opts.tag) {
        if (!BackupTag.safeParse(tag).success) throw userError('INVALID_INPUT', 'Invalid tag', `"${tag}" cannot be used as a tag.`, 'Use up to 40 lower-case letters, digits and dashes, e.g. --tag scheduled.');
        if (isSystemTag(tag)) throw userError('INVALID_INPUT', 'Reserved tag', `"${tag}" is a tag the app sets itself: ${systemTagsText} are reserved.`, `Choose another word, e.g. --tag before-upgrade.${tag === 'pre-update' ? ' For the backup before an update, run "pci-maint checklist --profile NAME --backup".' : ''}${tag === 'event' ? ' For a backup an event asked for, add --event.' : ''}`);
      }
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await api.backup.start({ profile: opts.profile, tags: opts.tag, event: opts.event });
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

  retentionOptions(
    program
      .command('prune')
      .description('forget restore points the retention rules do not keep, and delete data no restore point needs')
      .requiredOption('--profile <name>', 'the connection whose backups to clean up')
      .option('--dry-run', 'only show what would be removed (and why each one is kept)'),
  ).action(async (opts: RetentionFlags & { profile: string; dryRun?: boolean }, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withEngine(ctx, globals, async (engine, api) => {
      // No flags: the connection's saved rules (`pci-maint retention set`); flags win one by one.
      const saved = opts.keepTag.length > 0 ? (await api.retention.get({ profile: opts.profile })).settings.keepTaggedDays : {};
      const given = retentionFromFlags(opts, saved);
      const job = await api.prune.start({ profile: opts.profile, dryRun: Boolean(opts.dryRun), ...(Object.keys(given).length > 0 ? { retention: given } : {}) });
      const summary = outcome<PruneSummary>(await followJob(engine, job, !globals.json), 'clean-up');
      if (globals.json) ctx.io.out(JSON.stringify(summary));
      else printPrune(ctx, summary);
    });
  });

  const retention = program.command('retention').description('how long the restore points of a connection are kept (used by every clean-up)');
  retention
    .command('show')
    .description('print the retention rules of a connection')
    .requiredOption('--profile <name>', 'the connection')
    .action(async (o: { profile: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (_engine, api) => {
        const view = await api.retention.get({ profile: o.profile });
        if (globals.json) ctx.io.out(JSON.stringify(view));
        else printRetention(ctx, view);
      });
    });
  retentionOptions(
    retention
      .command('set')
      .description('change the retention rules of a connection (only the rules given; --defaults goes back to the defaults)')
      .requiredOption('--profile <name>', 'the connection')
      .option('--defaults', 'forget the saved rules: use the defaults again'),
  ).action(async (o: RetentionFlags & { profile: string; defaults?: boolean }, cmd: Command) => {
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    await withEngine(ctx, globals, async (_engine, api) => {
      const current = await api.retention.get({ profile: o.profile });
      const given = retentionFromFlags(o, current.settings.keepTaggedDays);
      if (!o.defaults && Object.keys(given).length === 0) throw userError('INVALID_INPUT', 'Nothing to change', 'No rule was given.', 'Give at least one rule, e.g. --keep-daily 30 or --keep-tag event=90, or --defaults.');
      const view = await api.retention.set({ profile: o.profile, settings: o.defaults ? null : mergeRetention(current.settings, given) });
      if (globals.json) ctx.io.out(JSON.stringify(view));
      else printRetention(ctx, view);
    });
  });
}
