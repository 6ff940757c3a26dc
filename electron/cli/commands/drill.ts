// `pci-maint drill`: a restore drill — the restore point into scratch collections and a scratch folder,
// checked, timed and removed again, with the projected time of a full recovery. Exit 0 when it passed
// within the recovery-time target, 3 when it ran and found problems or the projection misses the
// target, 1 when it could not run, 2 for wrong usage; --json prints the result for scripts.
import fs from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { DrillRequest, type DrillResult } from '../../../shared/api/drill';
import { userError } from '../../../shared/errors';
import { formatBytes, formatDateTime, formatDuration } from '../../../shared/format';
import { adviceFor } from '../../../shared/verify-words';
import { EXIT_PROBLEMS, type CliContext, type GlobalOptions } from '../context';
import { followJob, resultOf } from '../jobs';
import { withEngine } from '../api';
import { snapshotArg } from '../input';

/** The plans' recovery-time objective: a full recovery within four hours. */
const RTO_SECONDS = 4 * 3600;

const PART_WORDS = { database: 'database into scratch collections', files: 'files into a scratch folder', folders: 'configuration folders into a scratch folder' } as const;

function parsePercent(text: string): number {
  const n = Number(text.trim().replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 1 || n > 100) throw userError('INVALID_INPUT', 'Invalid sample', `"${text}" is not a percentage from 1 to 100.`, 'Use e.g. --sample 10%.');
  return n;
}

function printDrill(ctx: CliContext, r: DrillResult): void {
  ctx.io.out(`Restore drill of the backup from ${formatDateTime(r.snapshotCreatedAt)} (${r.snapshotId.slice(0, 8)}), ${formatDuration(r.measuredSeconds)}:`);
  for (const p of r.parts) {
    const what = p.part === 'database' ? `${p.writtenItems.toLocaleString('en-US')} documents (${formatBytes(p.bytes)})` : `${p.writtenItems.toLocaleString('en-US')} of ${p.items.toLocaleString('en-US')} (${formatBytes(p.writtenBytes)} of ${formatBytes(p.bytes)})`;
    const projected = p.projectedSeconds > p.seconds + 0.5 ? `; all of it: about ${formatDuration(p.projectedSeconds)}` : '';
    ctx.io.out(`  ${PART_WORDS[p.part]}: ${what} in ${formatDuration(p.seconds)}${projected}`);
  }
  for (const note of r.notes) ctx.io.out(`  ${note}`);
  const within = r.projectedSeconds <= RTO_SECONDS;
  ctx.io.out(`A full recovery would take about ${formatDuration(r.projectedSeconds)}${r.sampled ? ' (projected from a sample)' : ''}: ${within ? 'within' : 'longer than'} the target of ${formatDuration(RTO_SECONDS)}.`);
  if (r.ok) {
    ctx.io.out('Everything came back complete and was removed again. Nothing live was changed.');
    return;
  }
  ctx.io.out(`\n${r.problemCount} ${r.problemCount === 1 ? 'problem' : 'problems'} found:`);
  for (const p of r.problems) ctx.io.out(`  ${p.code.padEnd(24)} ${p.path ?? ''}\n  ${' '.repeat(24)} ${p.message}`);
  if (r.problemCount > r.problems.length) ctx.io.out(`  … and ${r.problemCount - r.problems.length} more (see --json).`);
  ctx.io.out(`\nWhat to do: ${adviceFor(r.problems[0]?.code ?? 'missing')}`);
}

export function registerDrill(program: Command, ctx: CliContext): void {
  program
    .command('drill')
    .description('restore a backup into scratch places (nothing live is touched), check it, time it, and remove it again')
    .requiredOption('--profile <name>', 'the connection to drill')
    .option('--snapshot <id>', 'a restore point id, or "latest" (the newest backup of this connection)', snapshotArg('latest'), 'latest')
    .option('--sample <percent>', "bring back only this part of the bucket's files and folders (e.g. 10%) and project the rest")
    .option('--report <file>', 'afterwards, write the printable drill report (HTML) of this connection to this file')
    .action(async (opts: { profile: string; snapshot: string; sample?: string; report?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const parsed = DrillRequest.safeParse({ profile: opts.profile, snapshot: opts.snapshot, ...(opts.sample ? { samplePercent: parsePercent(opts.sample) } : {}) });
      if (!parsed.success) throw userError('INVALID_INPUT', 'Invalid request', `These options are not valid: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`, 'Check the options and run the command again.');
      await withEngine(ctx, globals, async (engine, api) => {
        const job = await followJob(engine, await api.drill.start(parsed.data), !globals.json);
        const result = resultOf<DrillResult>(job, 'restore drill');
        // Found problems, or a recovery that would take longer than the target: "ran and found something wrong".
        if (job.status === 'problems' || result.projectedSeconds > RTO_SECONDS) ctx.exitCode = EXIT_PROBLEMS;
        if (opts.report) {
          const { html } = await api.drill.report({ profile: opts.profile });
          fs.writeFileSync(opts.report, html);
        }
        if (globals.json) ctx.io.out(JSON.stringify({ ...result, rtoSeconds: RTO_SECONDS }));
        else printDrill(ctx, result);
        if (opts.report && !globals.json) ctx.io.out(`The drill report: ${opts.report}`);
      });
    });
}
