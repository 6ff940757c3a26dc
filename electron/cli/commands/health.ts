// `pci-maint health --profile NAME`: the dashboard in a terminal (or JSON for monitoring). Exit 1 when
// something needs fixing now (an "error" action: a server unreachable, the last backup failed, the
// backup drive too full); warnings such as "the last backup is old" keep exit 0 but are printed.
import type { Command } from 'commander';
import type { HealthReport, LastRun } from '../../../shared/api/health';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import { userError } from '../../../shared/errors';
import { s3Source } from '../../../shared/profile';
import { EXIT_FAILED, type CliContext, type GlobalOptions } from '../context';
import { withEngine } from '../api';

const MARK = { ok: '✓', warn: '!', error: '✗', none: '·' } as const;

function line(ctx: CliContext, label: string, state: LastRun['state'], text: string): void {
  ctx.io.out(`${MARK[state]} ${label.padEnd(18)} ${text}`);
}

function printReport(ctx: CliContext, r: HealthReport): void {
  const n = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));
  ctx.io.out(`Health of "${r.profile}" (${formatDateTime(r.generatedAt)})`);
  line(ctx, 'Last backup', r.lastBackup.state, r.lastBackup.message);
  line(ctx, 'Last verification', r.lastVerify.state, r.lastVerify.message);
  const m = r.mongo;
  const b = r.r2;
  if (m && b) line(ctx, 'Storage check', r.consistency.state, r.consistency.message);
  if (m) line(ctx, 'MongoDB', m.state, m.error ? m.error.message : `${m.database}: ${n(m.collections)} collections, ${n(m.documents)} documents, ${formatBytes(m.sizeBytes)} (MongoDB ${m.version ?? '?'})`);
  if (b) {
    const counted = b.countedAt ? `${n(b.objects)} files, ${formatBytes(b.totalBytes)} (counted ${formatDateTime(b.countedAt)})` : 'files not counted yet';
    line(ctx, 'R2', b.state, b.error ? b.error.message : `${b.bucket}: reachable; ${counted}`);
  }
  for (const c of [...(!m || m.error ? [] : m.comparisons), ...(!b || b.error ? [] : b.comparisons)]) {
    ctx.io.out(`${' '.repeat(21)}${c.summary}`);
    for (const change of c.changes.slice(0, 5)) ctx.io.out(`${' '.repeat(23)}${change}`);
  }
  line(ctx, 'Backup location', r.destination.state, `${r.destination.describe}: ${r.destination.message}`);
  const p = r.passphrase;
  if (p.state === 'remembered' || p.state === 'missing' || p.state === 'wrong') line(ctx, 'Passphrase', p.blockedSchedules.length > 0 ? 'error' : p.state === 'remembered' ? 'ok' : 'warn', p.message);
  const rec = r.recovery;
  const lightState = { green: 'ok', amber: 'warn', red: 'error' } as const;
  line(ctx, 'Proven restorable', lightState[rec.rpo], rec.provenRestorableAt ? `the backup of ${formatDateTime(rec.provenRestorableAt)} (by a ${rec.provenBy === 'drill' ? 'restore drill' : 'test restore'}); at most ${formatDuration(rec.lossSeconds)} of changes could be lost (target ${formatDuration(rec.rpoSeconds)})` : 'no backup has passed a test restore or a restore drill yet');
  line(ctx, 'Recovery time', lightState[rec.rto], rec.recoverySeconds !== null ? `about ${formatDuration(rec.recoverySeconds)}${rec.recoverySampled ? ' (projected from a sample)' : ''} (target ${formatDuration(rec.rtoSeconds)})` : `not measured yet: run "pci-maint drill --profile ${r.profile}" (target ${formatDuration(rec.rtoSeconds)})`);
  if (r.actions.length > 0) {
    ctx.io.out('\nWhat to do:');
    for (const a of r.actions) ctx.io.out(`  ${a.severity === 'error' ? '✗' : a.severity === 'warn' ? '!' : '·'} ${a.text}`);
  }
}

export function registerHealth(program: Command, ctx: CliContext): void {
  program
    .command('health')
    .description('backups, MongoDB and R2 (when the connection has them) and the backup location of a connection at a glance')
    .requiredOption('--profile <name>', 'the connection to look at')
    .option('--count', 'count the files of the bucket now, even when a recent count exists')
    .action(async (opts: { profile: string; count?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      await withEngine(ctx, globals, async (engine, api) => {
        const hasBucket = Boolean(s3Source((await api.profiles.get({ name: opts.profile })).profile));
        if (opts.count && !hasBucket) throw userError('NOT_AVAILABLE', 'No bucket', `The connection "${opts.profile}" has no bucket, so there are no files to count.`, 'Leave out --count.');
        let report = opts.count ? null : await api.health.get({ profile: opts.profile });
        // The first health check of a profile counts its bucket (the numbers are part of the answer).
        if (hasBucket && (opts.count || !report?.r2?.countedAt)) {
          const job = await api.health.countBucket({ profile: opts.profile });
          if (!globals.json && ctx.io.isTTY) ctx.io.err('Counting the files in the bucket…');
          const done = await engine.jobs.wait(job.id);
          if (done.status === 'failed' && done.error && !globals.json) ctx.io.err(`Could not count the files: ${done.error.message}`);
          report = null;
        }
        report ??= await api.health.get({ profile: opts.profile });
        if (report.actions.some((a) => a.severity === 'error')) ctx.exitCode = EXIT_FAILED;
        if (globals.json) ctx.io.out(JSON.stringify(report));
        else printReport(ctx, report);
      });
    });
}
